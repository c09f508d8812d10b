import { readFileSync } from 'node:fs';
import {
  DynamoDBClient,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  EC2ServiceException,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { GetObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient, SNSServiceException } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandler } from '../../src/app.js';
import type { RemediatorSettings } from '../../src/settings.js';
import { type Captured, captureStdout } from './capture.js';

const ACCOUNT = '123456789012';
const REGION = 'ap-northeast-1';
const GROUP = 'sg-0b5a36fcc1234abcd';
const context = {
  invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:sg-guard-remediator`,
};
const settings: RemediatorSettings = {
  region: REGION,
  topicArn: 'arn:aws:sns:eu-central-1:999988887777:sg-guard-findings',
  topicRegion: 'eu-central-1',
  ports: [22],
  strategy: 'narrow',
  defaultMode: 'enforce',
  allowGroupExemptions: false,
  ledgerTable: 'sg-guard-ledger',
  securityHub: false,
};
const configSnsEvent: unknown = JSON.parse(
  readFileSync(new URL('../fixtures/config-sns-compliance-change.json', import.meta.url), 'utf8'),
);

const ec2 = new EC2Client({ region: REGION });
const sns = new SNSClient({ region: 'eu-central-1' });
const sts = new STSClient({ region: REGION });
const ec2Mock = mockClient(ec2);
const snsMock = mockClient(sns);
const stsMock = mockClient(sts);
const dynamodb = new DynamoDBClient({ region: REGION });
const s3 = new S3Client({ region: REGION });
const dynamoMock = mockClient(dynamodb);
const s3Mock = mockClient(s3);
const mocks = [ec2Mock, snsMock, stsMock, dynamoMock, s3Mock];
let out: Captured;

function ec2Error(name: string) {
  return new EC2ServiceException({ name, message: `${name}!`, $fault: 'client', $metadata: {} });
}

/** The group as EC2 describes it: tcp 22 from the world and from 10.0.0.0/8. */
function exposedGroup() {
  ec2Mock.on(DescribeSecurityGroupsCommand).resolves({
    SecurityGroups: [{ GroupId: GROUP, GroupName: 'web', VpcId: 'vpc-1', OwnerId: ACCOUNT }],
  });
  ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({
    SecurityGroupRules: [
      {
        SecurityGroupRuleId: 'sgr-0world',
        GroupId: GROUP,
        IpProtocol: 'tcp',
        FromPort: 22,
        ToPort: 22,
        CidrIpv4: '0.0.0.0/0',
      },
      {
        SecurityGroupRuleId: 'sgr-0lan',
        GroupId: GROUP,
        IpProtocol: 'tcp',
        FromPort: 22,
        ToPort: 22,
        CidrIpv4: '10.0.0.0/8',
      },
    ],
  });
  ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
}

/** A ledger whose every conditional write succeeds (the group is free). */
function freeLedger() {
  dynamoMock.on(UpdateItemCommand).resolves({});
  dynamoMock.on(TransactWriteItemsCommand).resolves({});
}

const handlerWith = (overrides: Partial<RemediatorSettings> = {}) =>
  createHandler({ ...settings, ...overrides }, { clients: { ec2, sns, sts, dynamodb, s3 } });

const published = () => snsMock.commandCalls(PublishCommand).map((call) => call.args[0].input);
const callCount = () => mocks.reduce((sum, mock) => sum + mock.calls().length, 0);
const decisions = () => out.logs().filter((entry) => entry.message === 'decision');

beforeEach(() => {
  for (const mock of mocks) mock.reset();
  freeLedger();
  out = captureStdout();
});

afterEach(() => {
  out.restore();
});

describe('remediator handler', () => {
  it('remediates the Config SNS finding: revokes the world rule by its content and mails the record', async () => {
    // Prepare
    exposedGroup();

    // Act
    const summary = await handlerWith()(configSnsEvent, context);

    // Assess
    expect(summary.outcomes.map((outcome) => outcome.outcome)).toEqual(['remediated']);
    // By content, not by id: a rule its owner edited since the read is not touched.
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)[0]?.args[0].input).toEqual({
      GroupId: GROUP,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      ],
    });
    expect(published()).toHaveLength(1);
    expect(published()[0]).toMatchObject({
      TopicArn: settings.topicArn,
      MessageStructure: 'json',
      MessageAttributes: { action: { DataType: 'String', StringValue: 'remediated' } },
    });
    const record = JSON.parse(JSON.parse(published()[0]?.Message ?? '{}').default);
    expect(record).toMatchObject({ trigger: 'config-sns', groupId: GROUP, accountId: ACCOUNT });
    expect(out.metrics()).toEqual({ findings: 1, remediated: 1 });
    expect(decisions()[0]).toMatchObject({
      account: ACCOUNT,
      region: REGION,
      group: GROUP,
      action: 'remediated',
      outcome: 'remediated',
    });
  });

  it('adds the Lambda request id to its decision lines when given a real context', async () => {
    // Prepare
    exposedGroup();
    const lambdaContext = {
      ...context,
      functionName: 'sg-guard-remediator',
      functionVersion: '$LATEST',
      memoryLimitInMB: '256',
      awsRequestId: 'req-1',
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => 10_000,
    };

    // Act
    await handlerWith()({ groupId: GROUP }, lambdaContext);

    // Assess
    expect(decisions()[0]).toMatchObject({
      function_request_id: 'req-1',
      function_name: 'sg-guard-remediator',
    });
  });

  it('mails failed naming the missing permission when revoke is denied, without throwing', async () => {
    // Prepare
    exposedGroup();
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(ec2Error('UnauthorizedOperation'));

    // Act
    const summary = await handlerWith()({ groupId: GROUP }, context);

    // Assess
    expect(summary.outcomes[0]?.outcome).toBe('failed');
    expect(published()[0]?.MessageAttributes?.action?.StringValue).toBe('failed');
    const record = JSON.parse(JSON.parse(published()[0]?.Message ?? '{}').default);
    expect(record.error).toMatchObject({
      code: 'UnauthorizedOperation',
      missingPermission: 'ec2:RevokeSecurityGroupIngress',
    });
    expect(out.metrics()).toEqual({ findings: 1, failed: 1 });
  });

  it('throws when EC2 keeps throttling, so Lambda retries and then uses the DLQ', async () => {
    // Prepare (the mock replaces the SDK's retries; the adapter tests cover them)
    exposedGroup();
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(ec2Error('RequestLimitExceeded'));

    // Act
    const invocation = handlerWith()({ groupId: GROUP }, context);

    // Assess
    await expect(invocation).rejects.toMatchObject({ code: 'THROTTLED' });
    expect(published()).toHaveLength(0);
    expect(out.logs().some((entry) => entry.level === 'ERROR')).toBe(true);
    expect(out.metrics()).toEqual({ findings: 1 });
  });

  it('throws when the notice cannot be published, so no notice is lost silently', async () => {
    // Prepare
    exposedGroup();
    snsMock.on(PublishCommand).rejects(
      new SNSServiceException({
        name: 'InternalError',
        message: 'boom',
        $fault: 'server',
        $metadata: {},
      }),
    );

    // Assess: thrown (Lambda retries), the entry kept pending in the ledger, counted, logged whole.
    await expect(handlerWith()({ groupId: GROUP }, context)).rejects.toMatchObject({
      code: 'NOTICE_NOT_PUBLISHED',
      cause: { code: 'AWS_ERROR', awsCode: 'InternalError' },
    });
    const writes = dynamoMock.commandCalls(TransactWriteItemsCommand);
    expect(writes).toHaveLength(1);
    expect(writes[0]?.args[0].input.TransactItems?.[1]?.Put?.Item?.status).toEqual({
      S: 'applied',
    });
    expect(out.metrics()).toMatchObject({ publishFailed: 1 });
    expect(
      out.logs().find((line) => String(line.message).startsWith('notice not published')),
    ).toMatchObject({
      record: { groupId: GROUP, action: 'remediated' },
    });
  });

  it('logs a group that no longer exists and mails nothing', async () => {
    // Prepare
    ec2Mock.on(DescribeSecurityGroupsCommand).rejects(ec2Error('InvalidGroup.NotFound'));
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });

    // Act
    const summary = await handlerWith()({ groupId: GROUP }, context);

    // Assess
    expect(summary.outcomes[0]?.outcome).toBe('group-not-found');
    expect(published()).toHaveLength(0);
    expect(decisions()[0]).toMatchObject({ outcome: 'group-not-found', group: GROUP });
  });

  it('returns normally for a malformed event, logging it and counting ignoredEvents', async () => {
    // Act
    const summary = await handlerWith()({ groupId: 'not-a-group' }, context);

    // Assess
    expect(summary).toEqual({ findings: 0, ignored: 1, outcomes: [] });
    expect(out.metrics()).toEqual({ ignoredEvents: 1 });
    const rejected = out.logs().find((entry) => entry.message === 'event rejected');
    expect(rejected).toMatchObject({ event: { groupId: 'not-a-group' } });
    expect(callCount()).toBe(0);
  });

  it('returns normally for an unsupported event and counts it', async () => {
    // Act
    const summary = await handlerWith()({ hello: 'world' }, context);

    // Assess
    expect(summary.ignored).toBe(1);
    expect(out.metrics()).toEqual({ ignoredEvents: 1 });
  });

  it('counts recognised-but-ignored parts apart, so the ignoredEvents alarm does not fire', async () => {
    // Prepare
    const event = structuredClone(configSnsEvent) as { Records: { Sns: { Message: string } }[] };
    const message = JSON.parse(event.Records[0]?.Sns.Message ?? '{}');
    (event.Records[0] as { Sns: { Message: string } }).Sns.Message = JSON.stringify({
      ...message,
      messageType: 'ConfigurationItemChangeNotification',
    });

    // Act
    const summary = await handlerWith()(event, context);

    // Assess
    expect(summary).toMatchObject({ findings: 0, ignored: 1 });
    expect(out.metrics()).toEqual({});
    expect(out.metrics(['service', 'kind'])).toEqual({ ignoredEvents: 1 });
  });

  it('ignores a finding for another account without touching EC2', async () => {
    // Act
    const summary = await handlerWith()({ groupId: GROUP, accountId: '111122223333' }, context);

    // Assess
    expect(summary).toMatchObject({ findings: 1, ignored: 1, outcomes: [] });
    expect(callCount()).toBe(0);
    expect(out.metrics()).toEqual({ findings: 1, ignoredEvents: 1 });
  });

  it('ignores a finding for another region', async () => {
    // Act
    const summary = await handlerWith()({ groupId: GROUP, region: 'eu-west-1' }, context);

    // Assess
    expect(summary.outcomes).toEqual([]);
    expect(callCount()).toBe(0);
  });

  it('asks STS who it is once per container when the context has no function ARN', async () => {
    // Prepare
    exposedGroup();
    stsMock.on(GetCallerIdentityCommand).resolves({
      Account: ACCOUNT,
      Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/r/s`,
    });
    const handler = handlerWith();

    // Act
    await handler({ groupId: GROUP });
    await handler({ groupId: GROUP });

    // Assess
    expect(stsMock.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
    expect(published()).toHaveLength(2);
  });

  it('narrows a range: authorizes the ports beside 22 before revoking', async () => {
    // Prepare
    exposedGroup();
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [
        {
          SecurityGroupRuleId: 'sgr-0wide',
          GroupId: GROUP,
          IpProtocol: 'tcp',
          FromPort: 0,
          ToPort: 1024,
          CidrIpv4: '0.0.0.0/0',
        },
      ],
    });
    ec2Mock.on(AuthorizeSecurityGroupIngressCommand).resolves({ Return: true });

    // Act
    await handlerWith()({ groupId: GROUP }, context);

    // Assess
    const calls = ec2Mock.calls().map((call) => call.args[0].constructor.name);
    expect(calls.indexOf('AuthorizeSecurityGroupIngressCommand')).toBeLessThan(
      calls.indexOf('RevokeSecurityGroupIngressCommand'),
    );
    expect(
      ec2Mock.commandCalls(AuthorizeSecurityGroupIngressCommand)[0]?.args[0].input.IpPermissions,
    ).toHaveLength(2);
  });

  it('handles every finding of an event, then throws if one of them failed', async () => {
    // Prepare
    exposedGroup();
    snsMock
      .on(PublishCommand)
      .rejectsOnce(new Error('socket hang up'))
      .resolves({ MessageId: 'm' });
    const event = structuredClone(configSnsEvent) as { Records: unknown[] };
    event.Records.push(structuredClone(event.Records[0]));

    // Act
    const invocation = handlerWith()(event, context);

    // Assess
    await expect(invocation).rejects.toMatchObject({ code: 'NOTICE_NOT_PUBLISHED' });
    expect(published()).toHaveLength(2);
    expect(out.metrics()).toEqual({ findings: 2, remediated: 1, publishFailed: 1 });
  });
});

describe('remediator handler, several findings failing', () => {
  it('throws one error that carries each failure', async () => {
    // Prepare
    exposedGroup();
    snsMock.on(PublishCommand).rejects(new Error('socket hang up'));
    const event = structuredClone(configSnsEvent) as { Records: unknown[] };
    event.Records.push(structuredClone(event.Records[0]));

    // Act
    const invocation = handlerWith()(event, context);

    // Assess
    await expect(invocation).rejects.toBeInstanceOf(AggregateError);
    await expect(invocation).rejects.toMatchObject({
      errors: [{ code: 'NOTICE_NOT_PUBLISHED' }, { code: 'NOTICE_NOT_PUBLISHED' }],
    });
  });
});

describe('with the mode map', () => {
  const modeMap = { modeMap: { bucket: 'sg-guard-modes-999988887777', region: 'us-east-1' } };

  function modeObject(mode: string) {
    const text = JSON.stringify({
      accountId: ACCOUNT,
      accountName: 'payments-prod',
      mode,
      source: { kind: 'account', id: ACCOUNT },
      updatedAt: '2026-12-01T10:00:00.000Z',
    });
    s3Mock
      .on(GetObjectCommand)
      .resolves({ Body: { transformToString: async () => text } as never });
  }

  it('leaves an account the map says is off alone: only reads (the group, beside the mode), no change, no mail', async () => {
    // Prepare
    modeObject('off');

    // Act
    const summary = await handlerWith(modeMap)({ groupId: GROUP }, context);

    // Assess
    expect(summary.outcomes[0]?.outcome).toBe('skipped-off');
    const ec2Calls = ec2Mock.calls().map((call) => call.args[0].constructor.name);
    expect(ec2Calls.every((name) => name.startsWith('Describe'))).toBe(true);
    expect(published()).toHaveLength(0);
    expect(s3Mock.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: modeMap.modeMap.bucket,
      Key: `modes/${ACCOUNT}.json`,
    });
  });

  it('makes the warm count + 1 calls on a cold container (one GetObject), no STS or Organizations', async () => {
    // Prepare
    modeObject('enforce');
    exposedGroup();
    freeLedger();
    const handler = handlerWith(modeMap);

    // Act
    await handler({ groupId: GROUP }, context);
    const cold = callCount();
    await handler({ groupId: GROUP }, context);
    const warm = callCount() - cold;

    // Assess: describe rules ‖ describe group, ledger intent, revoke, publish, ledger close.
    expect({ cold, warm }).toEqual({ cold: 7, warm: 6 });
    expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(1);
    expect(stsMock.calls()).toHaveLength(0);
  });

  it('uses the deployed default and says so when the account has no object yet', async () => {
    // Prepare
    s3Mock.on(GetObjectCommand).rejects(
      new S3ServiceException({
        name: 'NoSuchKey',
        message: 'gone',
        $fault: 'client',
        $metadata: { httpStatusCode: 404 },
      }),
    );
    exposedGroup();
    freeLedger();

    // Act
    const summary = await handlerWith(modeMap)({ groupId: GROUP }, context);

    // Assess
    expect(summary.outcomes[0]?.outcome).toBe('remediated');
    expect(summary.outcomes[0]?.policy.source).toEqual({ kind: 'default' });
    expect(summary.outcomes[0]?.notice?.record.warnings.join(' ')).toMatch(/mode map/);
  });

  it('changes nothing while the map is unreadable and mails failed on the final attempt', async () => {
    // Prepare
    s3Mock.on(GetObjectCommand).rejects(
      new S3ServiceException({
        name: 'AccessDenied',
        message: 'no',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    exposedGroup();
    let attempts = 0;
    dynamoMock
      .on(UpdateItemCommand)
      .callsFake(async () => ({ Attributes: { count: { N: String(++attempts) } } }));
    const handler = handlerWith(modeMap);
    const retried = { ...context, awsRequestId: 'req-1' };

    // Act
    const first = handler({ groupId: GROUP }, retried);
    await expect(first).rejects.toMatchObject({ code: 'MODE_MAP_UNREADABLE' });
    await expect(handler({ groupId: GROUP }, retried)).rejects.toMatchObject({
      code: 'MODE_MAP_UNREADABLE',
    });
    const last = await handler({ groupId: GROUP }, retried);

    // Assess
    expect(last.outcomes[0]?.outcome).toBe('failed');
    expect(published()).toHaveLength(1);
    expect(published()[0]?.Subject).toMatch(/FAILED|failed/i);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
  });

  it('mails would-remediate once for an account in notify mode, not again within the hour', async () => {
    // Prepare
    modeObject('notify');
    exposedGroup();
    const handler = handlerWith(modeMap);

    // Act
    const first = await handler({ groupId: GROUP }, context);
    const second = await handler({ groupId: GROUP }, context);

    // Assess
    expect(first.outcomes[0]?.outcome).toBe('would-remediate');
    expect(second.outcomes[0]?.outcome).toBe('suppressed');
    expect(published()).toHaveLength(1);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
    expect(out.metrics()).toEqual({ findings: 2, notified: 1 });
  });
});
