/**
 * Turns recorded HTTP requests into the IAM requests AWS authorizes for them: one per API call,
 * batch calls under their IAM actions (TransactWriteItems → one UpdateItem/PutItem/… per item),
 * and the authorizations a call makes on the caller's behalf (SNS encrypting with the topic's
 * KMS key, S3 checking `s3:ListBucket` before it answers 404 for a missing key, Config passing
 * the recorder's role).
 */
import type { RecordedRequest } from './recorder.js';

/** The IAM request AWS evaluates for (part of) one call. */
export interface IamRequest {
  /** `service:Action` as IAM names it. */
  readonly action: string;
  /** The resource ARN (`*` for actions without resource types). */
  readonly resource: string;
  /** The account that owns the resource. */
  readonly resourceAccount: string;
  /** Request-specific context keys (the principal's are added at evaluation). */
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  /** The signing access key. */
  readonly accessKeyId: string;
  /** What was called, for messages: `sns:Publish`, or `sns:Publish → kms:GenerateDataKey`. */
  readonly call: string;
}

/** How emulated names become the names the deployed stacks give the same resources. */
export interface Naming {
  /** The account of a signing key. */
  accountOf(accessKeyId: string): string;
  /** Emulated ARN → deployed ARN (identity when the names agree). */
  rename(arn: string): string;
  /** The KMS key (deployed ARN) and its aliases that encrypt a deployed topic, if any. */
  topicKey(
    topicArn: string,
  ): { readonly keyArn: string; readonly aliases: readonly string[] } | undefined;
  /** The owner account of a deployed bucket. */
  bucketOwner(bucket: string): string;
}

/** Calls that need no permission (every principal may make them). */
export const UNAUTHORIZED_ACTIONS = new Set(['sts:GetCallerIdentity']);

/**
 * The service-linked roles CreateServiceLinkedRole may make, by service: IAM authorizes the call
 * on the role it would create (each service names its own).
 */
const SERVICE_LINKED_ROLES: Readonly<Record<string, string>> = {
  'config.amazonaws.com': 'AWSServiceRoleForConfig',
};

const ec2Arn = (region: string, account: string, type: string, id: string) =>
  `arn:aws:ec2:${region}:${account}:${type}/${id}`;

function formOf(request: RecordedRequest): URLSearchParams {
  const query = new URL(request.path, 'http://x').searchParams;
  const form = request.contentType?.includes('x-www-form-urlencoded')
    ? new URLSearchParams(request.body)
    : new URLSearchParams();
  for (const [key, value] of query) if (!form.has(key)) form.set(key, value);
  return form;
}

function queryCall(request: RecordedRequest, naming: Naming): IamRequest[] {
  const form = formOf(request);
  const name = form.get('Action') ?? '';
  const action = `${request.service}:${name}`;
  const account = naming.accountOf(request.accessKeyId);
  const base = { accessKeyId: request.accessKeyId, call: action, context: {} };
  if (request.service === 'ec2') {
    if (name === 'AuthorizeSecurityGroupIngress' || name === 'RevokeSecurityGroupIngress') {
      const group = form.get('GroupId');
      if (!group) throw new Error(`${action} without GroupId: its ARN is unknown`);
      // IAM authorizes both by the group only (AWS's service authorization reference lists no
      // security-group-rule resource for them), whether the call names rules by id or content.
      return [
        {
          ...base,
          action,
          resourceAccount: account,
          resource: ec2Arn(request.region, account, 'security-group', group),
        },
      ];
    }
    if (name.startsWith('Describe') || name.startsWith('Get'))
      return [{ ...base, action, resourceAccount: account, resource: '*' }];
    throw new Error(`ec2:${name} is not modelled by the IAM harness`);
  }
  if (request.service === 'sns' && name === 'Publish') {
    const topic = naming.rename(form.get('TopicArn') ?? '');
    const topicAccount = topic.split(':')[4] ?? '';
    const calls: IamRequest[] = [
      { ...base, action, resource: topic, resourceAccount: topicAccount },
    ];
    const key = naming.topicKey(topic);
    if (key) {
      // SNS encrypts the message with the topic's key, as the publisher (SSE docs).
      const keyAccount = key.keyArn.split(':')[4] ?? '';
      const context = {
        'kms:ViaService': `sns.${topic.split(':')[3]}.amazonaws.com`,
        'kms:CallerAccount': account,
        'kms:ResourceAliases': key.aliases,
      };
      for (const implied of ['kms:GenerateDataKey', 'kms:Decrypt']) {
        calls.push({
          accessKeyId: request.accessKeyId,
          call: `${action} → ${implied}`,
          action: implied,
          resource: key.keyArn,
          resourceAccount: keyAccount,
          context,
        });
      }
    }
    return calls;
  }
  if (request.service === 'iam' && name === 'CreateServiceLinkedRole') {
    const service = form.get('AWSServiceName') ?? '';
    const role = SERVICE_LINKED_ROLES[service];
    if (!role) throw new Error(`${action} for ${service} is not modelled by the IAM harness`);
    return [
      {
        ...base,
        action,
        resource: `arn:aws:iam::${account}:role/aws-service-role/${service}/${role}`,
        resourceAccount: account,
        context: { 'iam:AWSServiceName': service },
      },
    ];
  }
  if (request.service === 'sts' && name === 'AssumeRole') {
    const role = form.get('RoleArn') ?? '';
    return [{ ...base, action, resource: role, resourceAccount: role.split(':')[4] ?? '' }];
  }
  if (UNAUTHORIZED_ACTIONS.has(action)) return [];
  throw new Error(`${action} is not modelled by the IAM harness`);
}

type Item = Record<string, { TableName?: string } | undefined>;

/** A call of an action without resource types (authorized on `*`). */
const onAnyResource = (request: RecordedRequest, action: string, account: string): IamRequest => ({
  accessKeyId: request.accessKeyId,
  call: action,
  action,
  resource: '*',
  resourceAccount: account,
  context: {},
});

/** AWS Config: no resource-level permissions for its recorder and channel calls (`*`). */
function configCall(request: RecordedRequest, operation: string, account: string): IamRequest[] {
  const call = `config:${operation}`;
  const calls = [onAnyResource(request, call, account)];
  if (operation === 'PutConfigurationRecorder') {
    // Config runs the recorder as the role it is given: the caller must be allowed to pass it.
    const body = JSON.parse(request.body || '{}') as {
      ConfigurationRecorder?: { roleARN?: string };
    };
    const role = body.ConfigurationRecorder?.roleARN;
    if (!role) throw new Error(`${call} without a roleARN is not modelled`);
    calls.push({
      accessKeyId: request.accessKeyId,
      call: `${call} → iam:PassRole`,
      action: 'iam:PassRole',
      resource: role,
      resourceAccount: role.split(':')[4] ?? '',
      context: { 'iam:PassedToService': 'config.amazonaws.com' },
    });
  }
  return calls;
}

function jsonCall(request: RecordedRequest, naming: Naming): IamRequest[] {
  const operation = request.target?.split('.')[1] ?? '';
  const body = JSON.parse(request.body || '{}') as {
    TableName?: string;
    TransactItems?: Item[];
  };
  const account = naming.accountOf(request.accessKeyId);
  if (request.service === 'organizations') {
    // Every Organizations action the tools call is granted on `*` (read-only listing).
    return [onAnyResource(request, `organizations:${operation}`, account)];
  }
  if (request.service === 'config') return configCall(request, operation, account);
  if (request.service !== 'dynamodb')
    throw new Error(`${request.service}:${operation} is not modelled by the IAM harness`);
  const table = (name: string) =>
    naming.rename(`arn:aws:dynamodb:${request.region}:${account}:table/${name}`);
  const call = `dynamodb:${operation}`;
  if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
    // Authorized item by item, under the action of each item's kind.
    const kinds: Record<string, string> = {
      Put: 'PutItem',
      Update: 'UpdateItem',
      Delete: 'DeleteItem',
      ConditionCheck: 'ConditionCheckItem',
      Get: 'GetItem',
    };
    return (body.TransactItems ?? []).flatMap((item) =>
      Object.entries(item).map(([kind, detail]) => {
        const action = kinds[kind];
        if (!action || !detail?.TableName) throw new Error(`${call}: unknown item ${kind}`);
        return {
          accessKeyId: request.accessKeyId,
          call,
          action: `dynamodb:${action}`,
          resource: table(detail.TableName),
          resourceAccount: account,
          context: {},
        };
      }),
    );
  }
  if (!body.TableName) throw new Error(`${call} without TableName is not modelled`);
  return [
    {
      accessKeyId: request.accessKeyId,
      call,
      action: call,
      resource: table(body.TableName),
      resourceAccount: account,
      context: {},
    },
  ];
}

function restCall(request: RecordedRequest, naming: Naming): IamRequest[] {
  const url = new URL(request.path, 'http://x');
  const base = { accessKeyId: request.accessKeyId, context: {} };
  if (request.service === 's3') {
    const [, bucket = '', ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const owner = (name: string) => naming.bucketOwner(name);
    const bucketArn = naming.rename(`arn:aws:s3:::${bucket}`);
    const deployedBucket = bucketArn.slice('arn:aws:s3:::'.length);
    const objectArn = `${bucketArn}/${key}`;
    const object = (action: string): IamRequest => ({
      ...base,
      call: action,
      action,
      resource: objectArn,
      resourceAccount: owner(deployedBucket),
    });
    if (key) {
      if (request.method === 'GET' || request.method === 'HEAD') {
        const get = object('s3:GetObject');
        if (request.status !== 404) return [get];
        // S3 answers 404 (not 403) for a missing key only to a caller allowed to list it.
        return [
          get,
          {
            ...base,
            call: 's3:GetObject (404) → s3:ListBucket',
            action: 's3:ListBucket',
            resource: bucketArn,
            resourceAccount: owner(deployedBucket),
            context: { 's3:prefix': key },
          },
        ];
      }
      if (request.method === 'PUT') return [object('s3:PutObject')];
      if (request.method === 'DELETE') return [object('s3:DeleteObject')];
    } else if (request.method === 'PUT') {
      // Bucket-level writes: the bucket itself, or one of its configurations (subresources).
      const subresources: Record<string, string> = {
        publicAccessBlock: 's3:PutBucketPublicAccessBlock',
        encryption: 's3:PutEncryptionConfiguration',
        policy: 's3:PutBucketPolicy',
      };
      const named = [...url.searchParams.keys()].filter((name) => name !== 'x-id');
      const action = named.length === 0 ? 's3:CreateBucket' : subresources[named[0] ?? ''];
      if (action && named.length <= 1)
        return [
          {
            ...base,
            call: action,
            action,
            resource: bucketArn,
            resourceAccount: owner(deployedBucket),
          },
        ];
    } else if (request.method === 'GET' && !url.searchParams.has('location')) {
      return [
        {
          ...base,
          call: 's3:ListObjectsV2',
          action: 's3:ListBucket',
          resource: bucketArn,
          resourceAccount: owner(deployedBucket),
          context: { 's3:prefix': url.searchParams.get('prefix') ?? '' },
        },
      ];
    }
    throw new Error(`s3 ${request.method} ${request.path} is not modelled by the IAM harness`);
  }
  if (request.service === 'securityhub' && url.pathname === '/findings/import') {
    const body = JSON.parse(request.body) as { Findings?: { ProductArn?: string }[] };
    const products = new Set((body.Findings ?? []).map((finding) => finding.ProductArn ?? ''));
    return [...products].map((product) => ({
      ...base,
      call: 'securityhub:BatchImportFindings',
      action: 'securityhub:BatchImportFindings',
      resource: product,
      resourceAccount: product.split(':')[4] ?? '',
    }));
  }
  throw new Error(`${request.service} ${request.method} ${url.pathname} is not modelled`);
}

/** The IAM requests of one recorded request (none for calls every principal may make). */
export function iamRequestsOf(request: RecordedRequest, naming: Naming): IamRequest[] {
  if (request.target) return jsonCall(request, naming);
  const form = formOf(request);
  if (form.has('Action')) return queryCall(request, naming);
  return restCall(request, naming);
}
