import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';

/**
 * How to build SDK clients. Everything is optional: by default the SDK's standard chain
 * decides credentials, region and endpoint (`AWS_ENDPOINT_URL` works).
 */
export interface ClientSettings {
  readonly region?: string;
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Overrides the endpoint (tests point this at the emulator). */
  readonly endpoint?: string;
  /**
   * Attempts per call with the SDK's standard retry mode (throttling and 5xx back off and retry).
   * @default 3
   */
  readonly maxAttempts?: number;
}

function config(settings: ClientSettings) {
  return {
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    retryMode: 'standard' as const,
    maxAttempts: settings.maxAttempts ?? 3,
  };
}

/** An EC2 client with standard retries. */
export const createEc2Client = (settings: ClientSettings = {}): EC2Client =>
  new EC2Client(config(settings));

/** An SNS client with standard retries. */
export const createSnsClient = (settings: ClientSettings = {}): SNSClient =>
  new SNSClient(config(settings));

/** An STS client with standard retries. */
export const createStsClient = (settings: ClientSettings = {}): STSClient =>
  new STSClient(config(settings));

/** An Organizations client with standard retries (Organizations is served from us-east-1). */
export const createOrganizationsClient = (settings: ClientSettings = {}): OrganizationsClient =>
  new OrganizationsClient(config({ region: 'us-east-1', ...settings }));

/** A DynamoDB client with standard retries (the ledger's). */
export const createDynamoDbClient = (settings: ClientSettings = {}): DynamoDBClient =>
  new DynamoDBClient(config(settings));

/**
 * An S3 client with standard retries (the mode map's). `forcePathStyle` addresses buckets as
 * `<endpoint>/<bucket>` (emulators); AWS itself needs nothing.
 */
export const createS3Client = (
  settings: ClientSettings & { readonly forcePathStyle?: boolean } = {},
): S3Client =>
  new S3Client({
    ...config(settings),
    ...(settings.forcePathStyle ? { forcePathStyle: true } : {}),
  });

/** A Security Hub client with standard retries, in the region whose hub receives the findings. */
export const createSecurityHubClient = (settings: ClientSettings = {}): SecurityHubClient =>
  new SecurityHubClient(config(settings));
