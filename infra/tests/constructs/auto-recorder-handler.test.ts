import { createRequire } from 'node:module';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// The handler runs on Lambda's bundled SDK and takes its clients and command classes injected.
// The infra package has no Config, S3 or IAM client, so the tests hand it stand-in command
// classes with the SDK's names, and aws-sdk-client-mock stubs each client's `send`, matching
// commands by class and input exactly as it does for the real SDK.
class FakeCommand {
  constructor(readonly input: Record<string, unknown>) {}
}
class FakeClient {
  send(_command: FakeCommand): Promise<unknown> {
    throw new Error('not stubbed');
  }
}
function command(name: string) {
  const named = { [name]: class extends FakeCommand {} };
  return named[name] as typeof FakeCommand;
}
const sdk = {
  DescribeConfigurationRecordersCommand: command('DescribeConfigurationRecordersCommand'),
  DescribeConfigurationRecorderStatusCommand: command('DescribeConfigurationRecorderStatusCommand'),
  DescribeDeliveryChannelsCommand: command('DescribeDeliveryChannelsCommand'),
  PutConfigurationRecorderCommand: command('PutConfigurationRecorderCommand'),
  PutDeliveryChannelCommand: command('PutDeliveryChannelCommand'),
  StartConfigurationRecorderCommand: command('StartConfigurationRecorderCommand'),
  StopConfigurationRecorderCommand: command('StopConfigurationRecorderCommand'),
  DeleteDeliveryChannelCommand: command('DeleteDeliveryChannelCommand'),
  DeleteConfigurationRecorderCommand: command('DeleteConfigurationRecorderCommand'),
  CreateServiceLinkedRoleCommand: command('CreateServiceLinkedRoleCommand'),
  CreateBucketCommand: command('CreateBucketCommand'),
  PutPublicAccessBlockCommand: command('PutPublicAccessBlockCommand'),
  PutBucketEncryptionCommand: command('PutBucketEncryptionCommand'),
  PutBucketPolicyCommand: command('PutBucketPolicyCommand'),
};

interface RecorderEvent {
  RequestType: 'Create' | 'Update' | 'Delete';
  PhysicalResourceId?: string;
  ResourceProperties: typeof props;
}
interface RecorderResult {
  PhysicalResourceId: string;
  Data?: Record<string, string>;
}
type HandlerFactory = (
  clients: { config: FakeClient; s3: FakeClient; iam: FakeClient },
  commands: typeof sdk,
  options: { sleep: (ms: number) => Promise<void> },
) => (event: RecorderEvent) => Promise<RecorderResult>;

const { recorderHandler } = createRequire(import.meta.url)(
  '../../lib/constructs/auto-recorder-handler.cjs',
) as { recorderHandler: HandlerFactory };

const props = {
  RoleArn:
    'arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig',
  BucketName: 'sg-guard-config-123456789012-eu-west-1',
  AccountId: '123456789012',
  Region: 'eu-west-1',
  Partition: 'aws',
};
const CREATED = 'sg-guard-recorder:created';
const EXISTING = 'sg-guard-recorder:existing';
const SG = 'AWS::EC2::SecurityGroup';

function awsError(name: string, message = name): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

type Stub = ReturnType<typeof mockClient>;
let config: Stub;
let s3: Stub;
let iam: Stub;
let waits: number[];
let handle: (event: RecorderEvent) => Promise<RecorderResult>;

beforeEach(() => {
  // The handler logs one JSON line per decision (CloudWatch); keep the test output readable.
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const clients = { config: new FakeClient(), s3: new FakeClient(), iam: new FakeClient() };
  // biome-ignore lint/suspicious/noExplicitAny: a stand-in client has none of the SDK's types
  const stub = (client: FakeClient) => mockClient(client as any) as unknown as Stub;
  config = stub(clients.config);
  s3 = stub(clients.s3);
  iam = stub(clients.iam);
  for (const client of [config, s3, iam]) client.resolves({});
  waits = [];
  handle = recorderHandler(clients, sdk, {
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
});

/** What a stubbed command answers (aws-sdk-client-mock's behaviour, without the SDK's types). */
interface Behavior {
  resolves(output: object): Behavior;
  rejects(error: Error): Behavior;
  rejectsOnce(error: Error): Behavior;
}
const on = (client: Stub, cmd: typeof FakeCommand, input?: object): Behavior =>
  // biome-ignore lint/suspicious/noExplicitAny: aws-sdk-client-mock's types want SDK commands
  client.on(cmd as any, input) as unknown as Behavior;
const calls = (client: Stub, cmd: typeof FakeCommand) =>
  // biome-ignore lint/suspicious/noExplicitAny: as above
  client.commandCalls(cmd as any).map((call) => call.args[0].input as Record<string, unknown>);
const commandNames = (client: Stub) =>
  client.calls().map((call) => (call.args[0] as object).constructor.name.replace(/Command$/, ''));

/** An existing recorder, recording and delivering, changed by `change`. */
function existing(
  recorder: Record<string, unknown>,
  status: Record<string, unknown> = { recording: true, lastStatus: 'Success' },
  channels: unknown[] = [{ name: 'default' }],
) {
  on(config, sdk.DescribeConfigurationRecordersCommand).resolves({
    ConfigurationRecorders: [{ name: 'default', ...recorder }],
  });
  on(config, sdk.DescribeConfigurationRecorderStatusCommand).resolves({
    ConfigurationRecordersStatus: [{ name: recorder.name ?? 'default', ...status }],
  });
  on(config, sdk.DescribeDeliveryChannelsCommand).resolves({ DeliveryChannels: channels });
}
const none = () =>
  on(config, sdk.DescribeConfigurationRecordersCommand).resolves({ ConfigurationRecorders: [] });
const create = () => handle({ RequestType: 'Create', ResourceProperties: props });

describe('auto recorder handler: no recorder in the account-region', () => {
  it('creates the bucket, then a continuous recorder of security groups, its channel, and starts it', async () => {
    none();

    const result = await create();

    expect(result).toEqual({
      PhysicalResourceId: CREATED,
      Data: { Created: 'true', RecorderName: 'sg-guard', ControlTower: 'false' },
    });
    expect(commandNames(config)).toEqual([
      'DescribeConfigurationRecorders',
      'PutConfigurationRecorder',
      'PutDeliveryChannel',
      'StartConfigurationRecorder',
    ]);
    expect(calls(config, sdk.PutConfigurationRecorderCommand)).toEqual([
      {
        ConfigurationRecorder: {
          name: 'sg-guard',
          roleARN: props.RoleArn,
          recordingGroup: {
            allSupported: false,
            includeGlobalResourceTypes: false,
            resourceTypes: [SG],
          },
          recordingMode: { recordingFrequency: 'CONTINUOUS' },
        },
      },
    ]);
    expect(calls(config, sdk.PutDeliveryChannelCommand)).toEqual([
      { DeliveryChannel: { name: 'sg-guard', s3BucketName: props.BucketName } },
    ]);
    expect(calls(iam, sdk.CreateServiceLinkedRoleCommand)).toEqual([
      { AWSServiceName: 'config.amazonaws.com' },
    ]);
    expect(commandNames(s3)).toEqual([
      'CreateBucket',
      'PutPublicAccessBlock',
      'PutBucketEncryption',
      'PutBucketPolicy',
    ]);
    expect(calls(s3, sdk.CreateBucketCommand)).toEqual([
      {
        Bucket: props.BucketName,
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
      },
    ]);
  });

  it("gives the bucket a TLS-only policy that lets only this account's Config deliver", async () => {
    none();

    await create();

    const [put] = calls(s3, sdk.PutBucketPolicyCommand);
    expect(put?.ExpectedBucketOwner).toBe('123456789012');
    const policy = JSON.parse(put?.Policy as string);
    const arn = `arn:aws:s3:::${props.BucketName}`;
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'config.amazonaws.com' },
        Action: ['s3:GetBucketAcl', 's3:ListBucket'],
        Resource: arn,
        Condition: { StringEquals: { 'AWS:SourceAccount': '123456789012' } },
      }),
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'config.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: `${arn}/AWSLogs/123456789012/Config/*`,
      }),
    ]);
  });

  it('creates the bucket without a location constraint in us-east-1, as S3 requires', async () => {
    none();

    await handle({ RequestType: 'Create', ResourceProperties: { ...props, Region: 'us-east-1' } });

    expect(calls(s3, sdk.CreateBucketCommand)).toEqual([{ Bucket: props.BucketName }]);
  });

  it("reuses Config's service-linked role and its own bucket when another region made them", async () => {
    none();
    // IAM's code is InvalidInput; SDK v3 names the error InvalidInputException.
    on(iam, sdk.CreateServiceLinkedRoleCommand).rejects(
      awsError(
        'InvalidInputException',
        'Service role name AWSServiceRoleForConfig has been taken in this account, please try a different suffix.',
      ),
    );
    on(s3, sdk.CreateBucketCommand).rejects(awsError('BucketAlreadyOwnedByYou'));

    await expect(create()).resolves.toMatchObject({ PhysicalResourceId: CREATED });
  });

  it('refuses a bucket of that name that someone else owns, and leaves no half-made recorder', async () => {
    none();
    on(s3, sdk.CreateBucketCommand).rejects(awsError('BucketAlreadyExists'));

    await expect(create()).rejects.toThrow('BucketAlreadyExists');
    expect(calls(config, sdk.PutConfigurationRecorderCommand)).toEqual([]);
  });

  it('retries the delivery channel with backoff while the new policies reach Config', async () => {
    none();
    on(config, sdk.PutDeliveryChannelCommand)
      .rejectsOnce(awsError('InsufficientDeliveryPolicyException'))
      .rejectsOnce(awsError('InsufficientDeliveryPolicyException'))
      .resolves({});

    const result = await create();

    expect(result.PhysicalResourceId).toBe(CREATED);
    expect(calls(config, sdk.PutDeliveryChannelCommand)).toHaveLength(3);
    expect(waits).toEqual([2000, 4000]);
  });

  it('retries the recorder while its new role is not yet assumable', async () => {
    none();
    on(config, sdk.PutConfigurationRecorderCommand)
      .rejectsOnce(awsError('InvalidRoleException'))
      .resolves({});

    await expect(create()).resolves.toMatchObject({ PhysicalResourceId: CREATED });
    expect(waits).toEqual([2000]);
  });

  it('gives up after bounded retries, removes what it made and reports the failure', async () => {
    none();
    on(config, sdk.PutDeliveryChannelCommand).rejects(
      awsError('InsufficientDeliveryPolicyException'),
    );

    await expect(create()).rejects.toThrow('InsufficientDeliveryPolicyException');
    expect(waits).toEqual([2000, 4000, 8000, 16000, 32000, 60000]);
    expect(commandNames(config).slice(-3)).toEqual([
      'StopConfigurationRecorder',
      'DeleteDeliveryChannel',
      'DeleteConfigurationRecorder',
    ]);
  });

  it('does not retry errors that waiting cannot fix', async () => {
    none();
    on(config, sdk.PutDeliveryChannelCommand).rejects(awsError('NoSuchBucketException'));

    await expect(create()).rejects.toThrow('NoSuchBucketException');
    expect(waits).toEqual([]);
  });

  it('names Control Tower and the fix when config:Put* is denied (ungoverned region, or before its baseline)', async () => {
    none();
    on(config, sdk.PutConfigurationRecorderCommand).rejects(
      awsError('AccessDeniedException', 'explicit deny in a service control policy'),
    );

    await expect(create()).rejects.toThrow(
      /Control Tower.*govern this region in Control Tower.*retry this stack instance/,
    );
  });

  it('creates its own recorder next to a service-linked one, which serves another service', async () => {
    on(config, sdk.DescribeConfigurationRecordersCommand).resolves({
      ConfigurationRecorders: [
        { name: 'AWSConfigurationRecorderForX', servicePrincipal: 'x.amazonaws.com' },
      ],
    });

    const result = await create();

    expect(result.PhysicalResourceId).toBe(CREATED);
    expect(calls(config, sdk.DescribeConfigurationRecorderStatusCommand)).toEqual([]);
  });
});

describe('auto recorder handler: a recorder someone else owns', () => {
  it('uses one that records every supported type continuously, and creates nothing', async () => {
    existing({ recordingGroup: { allSupported: true } });

    const result = await create();

    expect(result).toEqual({
      PhysicalResourceId: EXISTING,
      Data: { Created: 'false', RecorderName: 'default', ControlTower: 'false' },
    });
    expect(calls(config, sdk.PutConfigurationRecorderCommand)).toEqual([]);
    expect(s3.calls()).toEqual([]);
    expect(iam.calls()).toEqual([]);
  });

  it('uses one that lists security groups among its types', async () => {
    existing({
      recordingGroup: {
        allSupported: false,
        resourceTypes: ['AWS::EC2::Instance', SG],
        recordingStrategy: { useOnly: 'INCLUSION_BY_RESOURCE_TYPES' },
      },
    });

    await expect(create()).resolves.toMatchObject({ PhysicalResourceId: EXISTING });
  });

  it('uses one that excludes other types only', async () => {
    existing({
      recordingGroup: {
        allSupported: false,
        exclusionByResourceTypes: { resourceTypes: ['AWS::EC2::Instance'] },
        recordingStrategy: { useOnly: 'EXCLUSION_BY_RESOURCE_TYPES' },
      },
    });

    await expect(create()).resolves.toMatchObject({ PhysicalResourceId: EXISTING });
  });

  it('fails on a stopped recorder, naming the command that starts it', async () => {
    existing({ recordingGroup: { allSupported: true } }, { recording: false });

    await expect(create()).rejects.toThrow(
      /"default".*is stopped: aws configservice start-configuration-recorder --configuration-recorder-name default/,
    );
    expect(calls(config, sdk.PutConfigurationRecorderCommand)).toEqual([]);
  });

  it('fails on a recorder whose last recording failed', async () => {
    existing(
      { recordingGroup: { allSupported: true } },
      { recording: true, lastStatus: 'Failure', lastErrorCode: 'AccessDenied' },
    );

    await expect(create()).rejects.toThrow(/last failed \(AccessDenied/);
  });

  it('fails on a daily recorder, asking for continuous recording', async () => {
    existing({
      recordingGroup: { allSupported: true },
      recordingMode: { recordingFrequency: 'DAILY' },
    });

    await expect(create()).rejects.toThrow(/records AWS::EC2::SecurityGroup DAILY.*CONTINUOUS/);
  });

  it('fails when only security groups are overridden to daily', async () => {
    existing({
      recordingGroup: { allSupported: true },
      recordingMode: {
        recordingFrequency: 'CONTINUOUS',
        recordingModeOverrides: [{ resourceTypes: [SG], recordingFrequency: 'DAILY' }],
      },
    });

    await expect(create()).rejects.toThrow(/DAILY/);
  });

  it('accepts a daily recorder whose security groups are overridden to continuous', async () => {
    existing({
      recordingGroup: { allSupported: true },
      recordingMode: {
        recordingFrequency: 'DAILY',
        recordingModeOverrides: [{ resourceTypes: [SG], recordingFrequency: 'CONTINUOUS' }],
      },
    });

    await expect(create()).resolves.toMatchObject({ PhysicalResourceId: EXISTING });
  });

  it('fails on a recorder that excludes security groups', async () => {
    existing({
      recordingGroup: {
        allSupported: false,
        exclusionByResourceTypes: { resourceTypes: [SG] },
        recordingStrategy: { useOnly: 'EXCLUSION_BY_RESOURCE_TYPES' },
      },
    });

    await expect(create()).rejects.toThrow(
      /does not record AWS::EC2::SecurityGroup: add it to its recording group/,
    );
  });

  it('fails on a recorder that does not list security groups', async () => {
    existing({ recordingGroup: { allSupported: false, resourceTypes: ['AWS::S3::Bucket'] } });

    await expect(create()).rejects.toThrow(/does not record AWS::EC2::SecurityGroup/);
  });

  it('fails on a recorder without a delivery channel', async () => {
    existing({ recordingGroup: { allSupported: true } }, undefined, []);

    await expect(create()).rejects.toThrow(/has no delivery channel/);
  });

  it('names every problem at once', async () => {
    existing(
      { recordingGroup: { allSupported: false, resourceTypes: [] } },
      { recording: false },
      [],
    );

    await expect(create()).rejects.toThrow(
      /does not record.*; it is stopped.*; it has no delivery/,
    );
  });

  it("detects Control Tower's recorder and uses it when it records security groups", async () => {
    existing({
      name: 'aws-controltower-BaselineConfigRecorder',
      recordingGroup: { allSupported: true },
    });

    const result = await create();

    expect(result.Data).toEqual({
      Created: 'false',
      RecorderName: 'aws-controltower-BaselineConfigRecorder',
      ControlTower: 'true',
    });
  });

  it("sends a broken Control Tower recorder's fix to Control Tower, which alone may change it", async () => {
    existing({
      name: 'aws-controltower-BaselineConfigRecorder',
      recordingGroup: { allSupported: false, resourceTypes: ['AWS::S3::Bucket'] },
    });

    await expect(create()).rejects.toThrow(
      /Control Tower's recorder.*AWSControlTowerExecution.*change it through Control Tower/,
    );
  });

  it('does not mistake a foreign recorder named sg-guard for its own', async () => {
    existing({ name: 'sg-guard', recordingGroup: { allSupported: true } });

    const result = await create();

    expect(result.PhysicalResourceId).toBe(EXISTING);
    expect(calls(config, sdk.PutConfigurationRecorderCommand)).toEqual([]);
  });
});

describe('auto recorder handler: update and delete', () => {
  it('updates the recorder it created in place', async () => {
    on(config, sdk.DescribeConfigurationRecordersCommand).resolves({
      ConfigurationRecorders: [{ name: 'sg-guard' }],
    });

    const result = await handle({
      RequestType: 'Update',
      PhysicalResourceId: CREATED,
      ResourceProperties: { ...props, BucketName: 'new-bucket' },
    });

    expect(result.PhysicalResourceId).toBe(CREATED);
    expect(calls(config, sdk.PutDeliveryChannelCommand)).toEqual([
      { DeliveryChannel: { name: 'sg-guard', s3BucketName: 'new-bucket' } },
    ]);
  });

  it('removes only a recorder it created, stopping it first, and keeps bucket and role', async () => {
    await handle({ RequestType: 'Delete', PhysicalResourceId: CREATED, ResourceProperties: props });

    expect(commandNames(config)).toEqual([
      'StopConfigurationRecorder',
      'DeleteDeliveryChannel',
      'DeleteConfigurationRecorder',
    ]);
    expect(s3.calls()).toEqual([]);
    expect(iam.calls()).toEqual([]);
  });

  it('changes nothing on delete when the recorder was found, not created', async () => {
    const result = await handle({
      RequestType: 'Delete',
      PhysicalResourceId: EXISTING,
      ResourceProperties: props,
    });

    expect(result.PhysicalResourceId).toBe(EXISTING);
    expect(config.calls()).toEqual([]);
  });

  it('treats a recorder that is already gone as removed', async () => {
    on(config, sdk.StopConfigurationRecorderCommand).rejects(
      awsError('NoSuchConfigurationRecorderException'),
    );
    on(config, sdk.DeleteDeliveryChannelCommand).rejects(
      awsError('NoSuchDeliveryChannelException'),
    );
    on(config, sdk.DeleteConfigurationRecorderCommand).rejects(
      awsError('NoSuchConfigurationRecorderException'),
    );

    await expect(
      handle({ RequestType: 'Delete', PhysicalResourceId: CREATED, ResourceProperties: props }),
    ).resolves.toEqual({ PhysicalResourceId: CREATED });
  });

  it("succeeds on delete under AWS's example Config SCP, which denies stopping and deleting", async () => {
    for (const cmd of [
      sdk.StopConfigurationRecorderCommand,
      sdk.DeleteDeliveryChannelCommand,
      sdk.DeleteConfigurationRecorderCommand,
    ]) {
      on(config, cmd).rejects(awsError('AccessDeniedException', 'explicit deny in an SCP'));
    }

    await expect(
      handle({ RequestType: 'Delete', PhysicalResourceId: CREATED, ResourceProperties: props }),
    ).resolves.toEqual({ PhysicalResourceId: CREATED });
    expect(commandNames(config)).toHaveLength(3);
  });

  it('fails a delete on errors other than a missing recorder or a denial', async () => {
    on(config, sdk.StopConfigurationRecorderCommand).rejects(
      awsError('ThrottlingException', 'Rate exceeded'),
    );

    await expect(
      handle({ RequestType: 'Delete', PhysicalResourceId: CREATED, ResourceProperties: props }),
    ).rejects.toThrow('Rate exceeded');
  });
});
