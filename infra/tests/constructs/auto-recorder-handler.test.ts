import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

interface RecorderEvent {
  RequestType: 'Create' | 'Update' | 'Delete';
  PhysicalResourceId?: string;
  ResourceProperties: { RoleArn: string; BucketName: string };
}
interface RecorderResult {
  PhysicalResourceId: string;
  Data?: { Created: string; RecorderName: string };
}
type HandlerFactory = (
  client: { send(command: FakeCommand): Promise<unknown> },
  sdk: Record<string, new (input: unknown) => FakeCommand>,
) => (event: RecorderEvent) => Promise<RecorderResult>;

const { recorderHandler } = createRequire(import.meta.url)(
  '../../lib/constructs/auto-recorder-handler.cjs',
) as { recorderHandler: HandlerFactory };

class FakeCommand {
  constructor(
    readonly name: string,
    readonly input: unknown,
  ) {}
}

const COMMANDS = [
  'DescribeConfigurationRecordersCommand',
  'PutConfigurationRecorderCommand',
  'PutDeliveryChannelCommand',
  'StartConfigurationRecorderCommand',
  'StopConfigurationRecorderCommand',
  'DeleteDeliveryChannelCommand',
  'DeleteConfigurationRecorderCommand',
];

/** A Config client that records each call and answers from a script. */
function fakeConfig(answers: Record<string, () => unknown> = {}) {
  const calls: { name: string; input: unknown }[] = [];
  const sdk = Object.fromEntries(
    COMMANDS.map((name) => [
      name,
      class extends FakeCommand {
        constructor(input: unknown) {
          super(name.replace(/Command$/, ''), input);
        }
      },
    ]),
  );
  const client = {
    async send(command: FakeCommand) {
      calls.push({ name: command.name, input: command.input });
      return answers[command.name]?.() ?? {};
    },
  };
  return { handle: recorderHandler(client, sdk), calls, names: () => calls.map((c) => c.name) };
}

function named(name: string): Error {
  const error = new Error(name);
  error.name = name;
  return error;
}

const props = { RoleArn: 'arn:aws:iam::123456789012:role/recorder', BucketName: 'config-bucket' };
const CREATED = 'sg-guard-recorder:created';
const EXISTING = 'sg-guard-recorder:existing';

describe('auto recorder handler', () => {
  it('creates, delivers and starts a recorder of security groups where none exists', async () => {
    const config = fakeConfig({
      DescribeConfigurationRecorders: () => ({ ConfigurationRecorders: [] }),
    });

    const result = await config.handle({ RequestType: 'Create', ResourceProperties: props });

    expect(result).toEqual({
      PhysicalResourceId: CREATED,
      Data: { Created: 'true', RecorderName: 'sg-guard' },
    });
    expect(config.names()).toEqual([
      'DescribeConfigurationRecorders',
      'PutConfigurationRecorder',
      'PutDeliveryChannel',
      'StartConfigurationRecorder',
    ]);
    expect(config.calls[1]?.input).toEqual({
      ConfigurationRecorder: {
        name: 'sg-guard',
        roleARN: props.RoleArn,
        recordingGroup: {
          allSupported: false,
          includeGlobalResourceTypes: false,
          resourceTypes: ['AWS::EC2::SecurityGroup'],
        },
      },
    });
    expect(config.calls[2]?.input).toEqual({
      DeliveryChannel: { name: 'sg-guard', s3BucketName: 'config-bucket' },
    });
  });

  it('leaves a recorder someone else owns alone and records that it did', async () => {
    const config = fakeConfig({
      DescribeConfigurationRecorders: () => ({ ConfigurationRecorders: [{ name: 'default' }] }),
    });

    const result = await config.handle({ RequestType: 'Create', ResourceProperties: props });

    expect(result).toEqual({
      PhysicalResourceId: EXISTING,
      Data: { Created: 'false', RecorderName: 'default' },
    });
    expect(config.names()).toEqual(['DescribeConfigurationRecorders']);
  });

  it('creates its own recorder next to a service-linked one, which serves another service', async () => {
    const config = fakeConfig({
      DescribeConfigurationRecorders: () => ({
        ConfigurationRecorders: [
          { name: 'AWSConfigurationRecorderForX', servicePrincipal: 'x.amazonaws.com' },
        ],
      }),
    });

    const result = await config.handle({ RequestType: 'Create', ResourceProperties: props });

    expect(result.PhysicalResourceId).toBe(CREATED);
    expect(config.names()).toContain('PutConfigurationRecorder');
  });

  it('does not mistake a foreign recorder named sg-guard for its own', async () => {
    const config = fakeConfig({
      DescribeConfigurationRecorders: () => ({ ConfigurationRecorders: [{ name: 'sg-guard' }] }),
    });

    const result = await config.handle({ RequestType: 'Create', ResourceProperties: props });

    expect(result.PhysicalResourceId).toBe(EXISTING);
    expect(config.names()).toEqual(['DescribeConfigurationRecorders']);
  });

  it('updates the recorder it created in place', async () => {
    const config = fakeConfig({
      DescribeConfigurationRecorders: () => ({ ConfigurationRecorders: [{ name: 'sg-guard' }] }),
    });

    const result = await config.handle({
      RequestType: 'Update',
      PhysicalResourceId: CREATED,
      ResourceProperties: { ...props, BucketName: 'new-bucket' },
    });

    expect(result.PhysicalResourceId).toBe(CREATED);
    expect(config.names()).toContain('PutDeliveryChannel');
    expect(config.calls.find((c) => c.name === 'PutDeliveryChannel')?.input).toEqual({
      DeliveryChannel: { name: 'sg-guard', s3BucketName: 'new-bucket' },
    });
  });

  it('removes only a recorder it created, stopping it first', async () => {
    const config = fakeConfig();

    await config.handle({
      RequestType: 'Delete',
      PhysicalResourceId: CREATED,
      ResourceProperties: props,
    });

    expect(config.names()).toEqual([
      'StopConfigurationRecorder',
      'DeleteDeliveryChannel',
      'DeleteConfigurationRecorder',
    ]);
  });

  it('changes nothing on delete when the recorder was found, not created', async () => {
    const config = fakeConfig();

    const result = await config.handle({
      RequestType: 'Delete',
      PhysicalResourceId: EXISTING,
      ResourceProperties: props,
    });

    expect(result.PhysicalResourceId).toBe(EXISTING);
    expect(config.calls).toEqual([]);
  });

  it('treats a recorder that is already gone as removed', async () => {
    const config = fakeConfig({
      StopConfigurationRecorder: () => {
        throw named('NoSuchConfigurationRecorderException');
      },
      DeleteDeliveryChannel: () => {
        throw named('NoSuchDeliveryChannelException');
      },
      DeleteConfigurationRecorder: () => {
        throw named('NoSuchConfigurationRecorderException');
      },
    });

    await expect(
      config.handle({
        RequestType: 'Delete',
        PhysicalResourceId: CREATED,
        ResourceProperties: props,
      }),
    ).resolves.toEqual({ PhysicalResourceId: CREATED });
  });

  it('removes a half-made recorder when creating it fails, and reports the failure', async () => {
    const config = fakeConfig({
      DescribeConfigurationRecorders: () => ({ ConfigurationRecorders: [] }),
      PutDeliveryChannel: () => {
        throw named('NoSuchBucketException');
      },
    });

    await expect(
      config.handle({ RequestType: 'Create', ResourceProperties: props }),
    ).rejects.toThrow('NoSuchBucketException');
    expect(config.names().slice(-3)).toEqual([
      'StopConfigurationRecorder',
      'DeleteDeliveryChannel',
      'DeleteConfigurationRecorder',
    ]);
  });

  it('fails a delete on errors other than a missing recorder', async () => {
    const config = fakeConfig({
      StopConfigurationRecorder: () => {
        throw named('AccessDeniedException');
      },
    });

    await expect(
      config.handle({
        RequestType: 'Delete',
        PhysicalResourceId: CREATED,
        ResourceProperties: props,
      }),
    ).rejects.toThrow('AccessDeniedException');
  });
});
