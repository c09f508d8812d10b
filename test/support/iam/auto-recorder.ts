/**
 * The auto recorder custom resource's real handler (infra/lib/constructs/auto-recorder-handler.cjs)
 * run in process, with the SDK clients and command classes Lambda's runtime gives it, against an
 * endpoint (the IAM recorder in front of moto), as CloudFormation's events drive it; and what
 * AWS answers where moto cannot (an SCP's denial, an existing service-linked role).
 */
import { createRequire } from 'node:module';
import * as configService from '@aws-sdk/client-config-service';
import * as iamSdk from '@aws-sdk/client-iam';
import * as s3Sdk from '@aws-sdk/client-s3';
import type { EmulatorCredentials } from '@sg-guard/emulator';
import type { Naming } from './calls.js';
import type { OrganizationLevel, ResourcePolicyOf } from './evaluate.js';
import type { RecordedRequest } from './recorder.js';
import type { PolicyDocument } from './template.js';

/** What the handler answers CloudFormation (the provider framework sends it on). */
export interface RecorderResult {
  readonly PhysicalResourceId: string;
  readonly Data?: Readonly<Record<string, string>>;
}

/** One custom resource event, as much of it as the handler reads and CloudFormation sends. */
export interface RecorderEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResourceType: string;
  readonly LogicalResourceId: string;
  readonly ResourceProperties: Readonly<Record<string, string>>;
  readonly OldResourceProperties?: Readonly<Record<string, string>>;
  readonly PhysicalResourceId?: string;
}

type HandlerFactory = (
  clients: { config: unknown; s3: unknown; iam: unknown },
  sdk: Record<string, unknown>,
  options: { sleep: (ms: number) => Promise<void> },
) => (event: RecorderEvent) => Promise<RecorderResult>;

const { recorderHandler } = createRequire(import.meta.url)(
  '../../../infra/lib/constructs/auto-recorder-handler.cjs',
) as { recorderHandler: HandlerFactory };

/** The auto recorder's handler of one account-region, and the backoff waits it asked for. */
export interface AutoRecorderHandler {
  /** Sends a `requestType` event (Update and Delete carry `physicalResourceId`). */
  send(
    requestType: RecorderEvent['RequestType'],
    physicalResourceId?: string,
  ): Promise<RecorderResult>;
  /** The waits of its retries (none, unless a call answered "not yet"). */
  readonly waits: readonly number[];
}

/**
 * The handler built as `exports.handler` builds it on Lambda (`new ConfigServiceClient({})`, …),
 * with the endpoint, region and credentials Lambda's environment would give, and one attempt
 * per call so each recorded request is one call of the handler.
 */
export function autoRecorderHandler(options: {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: EmulatorCredentials;
  readonly resourceProperties: Readonly<Record<string, string>>;
}): AutoRecorderHandler {
  const { endpoint, region, credentials, resourceProperties } = options;
  const settings = { endpoint, region, credentials, maxAttempts: 1 };
  const clients = {
    config: new configService.ConfigServiceClient(settings),
    s3: new s3Sdk.S3Client({ ...settings, forcePathStyle: true }),
    // IAM is global: the SDK signs its calls for us-east-1 whatever the function's region.
    iam: new iamSdk.IAMClient({ ...settings, region: 'us-east-1' }),
  };
  const waits: number[] = [];
  const handle = recorderHandler(
    clients,
    { ...configService, ...s3Sdk, ...iamSdk },
    {
      sleep: async (ms) => {
        waits.push(ms);
      },
    },
  );
  return {
    waits,
    send: (requestType, physicalResourceId) =>
      handle({
        RequestType: requestType,
        ResourceType: 'Custom::SgGuardConfigRecorder',
        LogicalResourceId: 'RecorderAutoRecorder',
        ResourceProperties: resourceProperties,
        ...(requestType === 'Update' ? { OldResourceProperties: resourceProperties } : {}),
        ...(physicalResourceId ? { PhysicalResourceId: physicalResourceId } : {}),
      }),
  };
}

/** A member's calls: each key's account; names are the deployed ones; buckets are the caller's. */
export function memberNaming(accountOfKey: ReadonlyMap<string, string>): Naming {
  const accountOf = (accessKeyId: string) => {
    const account = accountOfKey.get(accessKeyId);
    if (!account) throw new Error(`a call was signed by an unknown key ${accessKeyId}`);
    return account;
  };
  return {
    accountOf,
    rename: (arn) => arn,
    topicKey: () => undefined,
    // The handler only ever acts on its own account's delivery bucket.
    bucketOwner: () => {
      const [account, ...others] = new Set(accountOfKey.values());
      if (!account || others.length > 0) throw new Error('one member account signs every call');
      return account;
    },
  };
}

/** The delivery bucket's policy, as the handler wrote it (read from moto), by the ARNs it governs. */
export function bucketPolicyOf(
  bucket: string,
  policy: PolicyDocument | undefined,
): ResourcePolicyOf {
  const arn = `arn:aws:s3:::${bucket}`;
  return (resource) => (resource === arn || resource.startsWith(`${arn}/`) ? policy : undefined);
}

/** `FullAWSAccess`, which every level of an organization carries unless replaced. */
const FULL_AWS_ACCESS = {
  name: 'FullAWSAccess',
  document: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
  },
} as const;

/**
 * AWS's example SCP "prevent users from disabling AWS Config or changing its rules"
 * (Organizations user guide, SCP examples), attached to the root.
 */
export const DENY_CONFIG_CHANGES: readonly OrganizationLevel[] = [
  {
    id: 'r-root',
    policies: [
      FULL_AWS_ACCESS,
      {
        name: 'DenyConfigChanges',
        document: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Deny',
              Action: [
                'config:DeleteConfigRule',
                'config:DeleteConfigurationRecorder',
                'config:DeleteDeliveryChannel',
                'config:StopConfigurationRecorder',
              ],
              Resource: '*',
            },
          ],
        },
      },
    ],
  },
];

/** What AWS Config answers a call an SCP denies (JSON protocol). */
export const configAccessDenied = (action: string, roleArn: string) => ({
  status: 400,
  contentType: 'application/x-amz-json-1.1',
  body: JSON.stringify({
    __type: 'AccessDeniedException',
    message: `User: ${roleArn} is not authorized to perform: ${action} with an explicit deny in a service control policy`,
  }),
});

/**
 * What IAM answers CreateServiceLinkedRole when the role exists (moto answers
 * EntityAlreadyExists instead, see MOTO_NOTES.md).
 */
export const serviceLinkedRoleTaken = (roleName: string) => ({
  status: 400,
  contentType: 'text/xml',
  body: `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>InvalidInput</Code><Message>Service role name ${roleName} has been taken in this account, please try a different suffix.</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>`,
});

/** Whether a recorded request is the IAM call `action` (`CreateServiceLinkedRole`). */
export const isQueryCall = (request: Pick<RecordedRequest, 'body'>, action: string) =>
  new URLSearchParams(request.body).get('Action') === action;
