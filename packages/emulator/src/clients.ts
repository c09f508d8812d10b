import { EC2Client } from '@aws-sdk/client-ec2';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { EMULATOR_CREDENTIALS } from './credentials.js';

/** The region estates use when none is named. */
export const DEFAULT_REGION = 'eu-west-1';

/** Static credentials, as `AssumeRole` returns them (structurally an SDK credential identity). */
export interface EmulatorCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** Where and as whom an emulator client acts. */
export interface EmulatorClientOptions {
  /** @default DEFAULT_REGION */
  readonly region?: string;
  /** @default EMULATOR_CREDENTIALS (the management account) */
  readonly credentials?: EmulatorCredentials;
}

function clientConfig(endpoint: string, options: EmulatorClientOptions) {
  return {
    endpoint,
    region: options.region ?? DEFAULT_REGION,
    credentials: options.credentials ?? EMULATOR_CREDENTIALS,
    // The emulator never throttles; a retry would only hide a real failure.
    maxAttempts: 1,
  };
}

/** An EC2 client on the emulator, in one account (by credentials) and region. */
export const emulatorEc2 = (endpoint: string, options: EmulatorClientOptions = {}): EC2Client =>
  new EC2Client(clientConfig(endpoint, options));

/** An SNS client on the emulator. */
export const emulatorSns = (endpoint: string, options: EmulatorClientOptions = {}): SNSClient =>
  new SNSClient(clientConfig(endpoint, options));

/** An SQS client on the emulator. */
export const emulatorSqs = (endpoint: string, options: EmulatorClientOptions = {}): SQSClient =>
  new SQSClient(clientConfig(endpoint, options));

/** An STS client on the emulator. */
export const emulatorSts = (endpoint: string, options: EmulatorClientOptions = {}): STSClient =>
  new STSClient(clientConfig(endpoint, options));

/** An Organizations client on the emulator (Organizations lives in us-east-1). */
export const emulatorOrganizations = (
  endpoint: string,
  options: EmulatorClientOptions = {},
): OrganizationsClient =>
  new OrganizationsClient(clientConfig(endpoint, { region: 'us-east-1', ...options }));
