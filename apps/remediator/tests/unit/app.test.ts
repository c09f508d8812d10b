import { readFileSync } from 'node:fs';
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  EC2ServiceException,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import {
  DescribeAccountCommand,
  ListParentsCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { PublishCommand, SNSClient, SNSServiceException } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
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
// Class-level: the handler builds its own Organizations client, signed with the reader role.
const orgMock = mockClient(OrganizationsClient);
const mocks = [ec2Mock, snsMock, stsMock, orgMock];
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

const handlerWith = (overrides: Partial<RemediatorSettings> = {}) =>
  createHandler({ ...settings, ...overrides }, { clients: { ec2, sns, sts } });

const published = () => snsMock.commandCalls(PublishCommand).map((call) => call.args[0].input);
const callCount = () => mocks.reduce((sum, mock) => sum + mock.calls().length, 0);
const decisions = () => out.logs().filter((entry) => entry.message === 'decision');

beforeEach(() => {
  for (const mock of mocks) mock.reset();
  out = captureStdout();
});

afterEach(() => {
  out.restore();
});

describe('remediator handler', () => {
  it('remediates the Config SNS finding: revokes the world rule by id and mails the record', async () => {
    // Prepare
    exposedGroup();

    // Act
    const summary = await handlerWith()(configSnsEvent, context);

    // Assess
    expect(summary.outcomes.map((outcome) => outcome.outcome)).toEqual(['remediated']);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)[0]?.args[0].input).toEqual({
      GroupId: GROUP,
      SecurityGroupRuleIds: ['sgr-0world'],
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

    // Assess
    await expect(handlerWith()({ groupId: GROUP }, context)).rejects.toMatchObject({
      code: 'AWS_ERROR',
      awsCode: 'InternalError',
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
    await expect(invocation).rejects.toMatchObject({ code: 'AWS_ERROR' });
    expect(published()).toHaveLength(2);
    expect(out.metrics()).toEqual({ findings: 2, remediated: 1 });
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
      errors: [{ code: 'AWS_ERROR' }, { code: 'AWS_ERROR' }],
    });
  });
});

describe('with the organization reader role', () => {
  const role = { orgReaderRoleArn: 'arn:aws:iam::999988887777:role/sg-guard-org-reader' };

  /** Answers like Organizations, after resolving the client's credentials as signing would. */
  const signed =
    (output: object) =>
    async (
      _input: unknown,
      getClient: () => { config: { credentials: () => Promise<unknown> } },
    ) => {
      await getClient().config.credentials();
      return output;
    };

  function organization(accountTags: Record<string, string>) {
    stsMock.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIA',
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    });
    orgMock
      .on(DescribeAccountCommand)
      .callsFake(signed({ Account: { Id: ACCOUNT, Name: 'payments-prod' } }));
    orgMock
      .on(ListTagsForResourceCommand, { ResourceId: ACCOUNT })
      .callsFake(
        signed({ Tags: Object.entries(accountTags).map(([Key, Value]) => ({ Key, Value })) }),
      );
    orgMock.on(ListParentsCommand).callsFake(signed({ Parents: [{ Id: 'r-ab12', Type: 'ROOT' }] }));
    orgMock
      .on(ListTagsForResourceCommand, { ResourceId: 'r-ab12' })
      .callsFake(signed({ Tags: [] }));
  }

  it('leaves an account tagged off alone: no EC2 call, no mail', async () => {
    // Prepare
    organization({ 'sg-guard:mode': 'off' });

    // Act
    const summary = await handlerWith(role)({ groupId: GROUP }, context);

    // Assess
    expect(summary.outcomes[0]?.outcome).toBe('skipped-off');
    expect(ec2Mock.calls()).toHaveLength(0);
    expect(published()).toHaveLength(0);
  });

  it('makes 7 AWS calls on a cold container and 4 on a warm one per remediation', async () => {
    // Prepare
    organization({ 'sg-guard:mode': 'enforce' });
    exposedGroup();
    const handler = handlerWith(role);

    // Act
    await handler({ groupId: GROUP }, context);
    const cold = callCount();
    await handler({ groupId: GROUP }, context);
    const warm = callCount() - cold;

    // Assess
    expect({ cold, warm }).toEqual({ cold: 7, warm: 4 });
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    expect(stsMock.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toMatchObject({
      RoleArn: role.orgReaderRoleArn,
      RoleSessionName: 'sg-guard-remediator',
    });
  });

  it('makes 9 calls on a cold container when the root or the default decides', async () => {
    // Prepare
    organization({});
    exposedGroup();

    // Act
    await handlerWith(role)({ groupId: GROUP }, context);

    // Assess
    expect(callCount()).toBe(9);
    expect(orgMock.commandCalls(ListParentsCommand)).toHaveLength(1);
  });

  it('mails would-remediate once for an account in notify mode, not again within the hour', async () => {
    // Prepare
    organization({ 'sg-guard:mode': 'notify' });
    exposedGroup();
    const handler = handlerWith(role);

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
