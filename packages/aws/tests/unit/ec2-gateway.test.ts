import { Readable } from 'node:stream';
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  EC2ServiceException,
  GetManagedPrefixListEntriesCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import type { RuleToAuthorize } from '@sg-guard/remediation-core';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createEc2Client } from '../../src/clients.js';
import { Ec2SecurityGroupGateway } from '../../src/ec2-gateway.js';
import { AccessDeniedError, AwsAdapterError, ThrottledError } from '../../src/errors.js';

const ec2 = new EC2Client({ region: 'eu-west-1' });
const ec2Mock = mockClient(ec2);

function awsError(name: string): EC2ServiceException {
  return new EC2ServiceException({ name, message: `${name}!`, $fault: 'client', $metadata: {} });
}

/** A rule as AuthorizeSecurityGroupIngress answers it: `id`, TCP from..to, open to 0.0.0.0/0. */
const created = (id: string, fromPort: number, toPort: number) => ({
  SecurityGroupRuleId: id,
  IpProtocol: 'tcp',
  FromPort: fromPort,
  ToPort: toPort,
  CidrIpv4: '0.0.0.0/0',
});

const world = (fromPort: number, toPort: number): RuleToAuthorize => ({
  protocol: 'tcp',
  fromPort,
  toPort,
  source: { kind: 'cidr', family: 'ipv4', cidr: '0.0.0.0/0' },
});

beforeEach(() => {
  ec2Mock.reset();
});

describe('Ec2SecurityGroupGateway.loadGroup', () => {
  it('reads the group and every page of its inbound rules, with ids, name, VPC and tags', async () => {
    // Prepare
    ec2Mock.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [
        {
          GroupId: 'sg-1',
          GroupName: 'web',
          VpcId: 'vpc-1',
          OwnerId: '111122223333',
          Tags: [{ Key: 'team', Value: 'a' }],
        },
      ],
    });
    ec2Mock
      .on(DescribeSecurityGroupRulesCommand)
      .resolvesOnce({
        SecurityGroupRules: [
          {
            SecurityGroupRuleId: 'sgr-1',
            GroupId: 'sg-1',
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            CidrIpv4: '0.0.0.0/0',
          },
          {
            SecurityGroupRuleId: 'sgr-e',
            GroupId: 'sg-1',
            IsEgress: true,
            IpProtocol: '-1',
            FromPort: -1,
            ToPort: -1,
            CidrIpv4: '0.0.0.0/0',
          },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        SecurityGroupRules: [
          {
            SecurityGroupRuleId: 'sgr-2',
            GroupId: 'sg-1',
            IpProtocol: '6',
            FromPort: 443,
            ToPort: 443,
            CidrIpv6: '::/0',
          },
        ],
      });

    // Act
    const group = await new Ec2SecurityGroupGateway({ ec2 }).loadGroup({ groupId: 'sg-1' });

    // Assess
    expect(group).toMatchObject({
      groupId: 'sg-1',
      groupName: 'web',
      vpcId: 'vpc-1',
      ownerId: '111122223333',
      tags: { team: 'a' },
    });
    expect(group?.rules.map((rule) => [rule.ruleId, rule.protocol, rule.fromPort])).toEqual([
      ['sgr-1', 'tcp', 22],
      ['sgr-2', 'tcp', 443],
    ]);
    const ruleCalls = ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand);
    expect(ruleCalls[0]?.args[0].input).toMatchObject({
      Filters: [{ Name: 'group-id', Values: ['sg-1'] }],
    });
    expect(ruleCalls[1]?.args[0].input).toMatchObject({ NextToken: 'page-2' });
    expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand)[0]?.args[0].input).toEqual({
      GroupIds: ['sg-1'],
    });
  });

  it('returns undefined when the group does not exist', async () => {
    // Prepare
    ec2Mock.on(DescribeSecurityGroupsCommand).rejects(awsError('InvalidGroup.NotFound'));
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });

    // Act
    const group = await new Ec2SecurityGroupGateway({ ec2 }).loadGroup({ groupId: 'sg-9' });

    // Assess
    expect(group).toBeUndefined();
  });

  it('resolves a name-only reference with GroupNames (the default VPC), then reads its rules', async () => {
    // Prepare
    ec2Mock
      .on(DescribeSecurityGroupsCommand)
      .resolves({ SecurityGroups: [{ GroupId: 'sg-7', GroupName: 'legacy', VpcId: 'vpc-d' }] });
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });

    // Act
    const group = await new Ec2SecurityGroupGateway({ ec2 }).loadGroup({ groupName: 'legacy' });

    // Assess
    expect(group).toMatchObject({ groupId: 'sg-7', groupName: 'legacy', rules: [] });
    expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand)[0]?.args[0].input).toEqual({
      GroupNames: ['legacy'],
    });
    expect(ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand)[0]?.args[0].input).toMatchObject(
      { Filters: [{ Name: 'group-id', Values: ['sg-7'] }] },
    );
  });

  it('returns undefined for an unknown name without reading rules', async () => {
    // Prepare
    ec2Mock.on(DescribeSecurityGroupsCommand).rejects(awsError('InvalidGroup.NotFound'));

    // Act
    const group = await new Ec2SecurityGroupGateway({ ec2 }).loadGroup({ groupName: 'gone' });

    // Assess
    expect(group).toBeUndefined();
    expect(ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand)).toHaveLength(0);
  });

  it('refuses a name that matches several groups', async () => {
    // Prepare
    ec2Mock.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [{ GroupId: 'sg-1' }, { GroupId: 'sg-2' }],
    });

    // Act
    const load = new Ec2SecurityGroupGateway({ ec2 }).loadGroup({ groupName: 'default' });

    // Assess
    await expect(load).rejects.toMatchObject({ code: 'AMBIGUOUS_GROUP' });
  });

  it('refuses a reference without id or name', async () => {
    // Assess
    await expect(new Ec2SecurityGroupGateway({ ec2 }).loadGroup({})).rejects.toBeInstanceOf(
      AwsAdapterError,
    );
  });

  it('reports a denied rule read as AccessDeniedError naming DescribeSecurityGroupRules', async () => {
    // Prepare
    ec2Mock.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: 'sg-1' }] });
    ec2Mock.on(DescribeSecurityGroupRulesCommand).rejects(awsError('UnauthorizedOperation'));

    // Act
    const load = new Ec2SecurityGroupGateway({ ec2 }).loadGroup({ groupId: 'sg-1' });

    // Assess
    await expect(load).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(load).rejects.toMatchObject({ action: 'ec2:DescribeSecurityGroupRules' });
  });
});

describe('Ec2SecurityGroupGateway.loadPrefixLists', () => {
  it('reads every page of each list once and reuses it until the TTL passes', async () => {
    // Prepare
    let now = 0;
    const gateway = new Ec2SecurityGroupGateway({ ec2, prefixListTtlMs: 1000, now: () => now });
    ec2Mock
      .on(GetManagedPrefixListEntriesCommand, { PrefixListId: 'pl-1' })
      .resolvesOnce({ Entries: [{ Cidr: '0.0.0.0/1' }], NextToken: 'n' })
      .resolvesOnce({ Entries: [{ Cidr: '128.0.0.0/1' }] })
      .resolves({ Entries: [{ Cidr: '10.0.0.0/8' }] });

    // Act
    const first = await gateway.loadPrefixLists(['pl-1']);
    now = 999;
    const cached = await gateway.loadPrefixLists(['pl-1']);
    now = 1000;
    const refreshed = await gateway.loadPrefixLists(['pl-1']);

    // Assess
    expect(first.get('pl-1')).toEqual(['0.0.0.0/1', '128.0.0.0/1']);
    expect(cached.get('pl-1')).toEqual(['0.0.0.0/1', '128.0.0.0/1']);
    expect(refreshed.get('pl-1')).toEqual(['10.0.0.0/8']);
    expect(ec2Mock.commandCalls(GetManagedPrefixListEntriesCommand)).toHaveLength(3);
  });

  it('leaves out a list that does not exist, so the assessment reports it unresolved', async () => {
    // Prepare
    ec2Mock
      .on(GetManagedPrefixListEntriesCommand)
      .rejects(awsError('InvalidPrefixListID.NotFound'));

    // Act
    const lists = await new Ec2SecurityGroupGateway({ ec2 }).loadPrefixLists(['pl-x']);

    // Assess
    expect(lists.size).toBe(0);
  });

  it('makes no call when no list is referenced', async () => {
    // Act
    const lists = await new Ec2SecurityGroupGateway({ ec2 }).loadPrefixLists([]);

    // Assess
    expect(lists.size).toBe(0);
    expect(ec2Mock.calls()).toHaveLength(0);
  });
});

describe('Ec2SecurityGroupGateway.authorize', () => {
  it('authorizes every rule in one call and returns the ids AWS assigned', async () => {
    // Prepare
    ec2Mock.on(AuthorizeSecurityGroupIngressCommand).resolves({
      Return: true,
      SecurityGroupRules: [created('sgr-b', 23, 65535), created('sgr-a', 0, 21)],
    });

    // Act
    const recorded = await new Ec2SecurityGroupGateway({ ec2 }).authorize('sg-1', [
      world(0, 21),
      world(23, 65535),
    ]);

    // Assess
    expect(recorded.map((rule) => [rule.fromPort, rule.ruleId])).toEqual([
      [0, 'sgr-a'],
      [23, 'sgr-b'],
    ]);
    const calls = ec2Mock.commandCalls(AuthorizeSecurityGroupIngressCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      GroupId: 'sg-1',
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 0, ToPort: 21, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        { IpProtocol: 'tcp', FromPort: 23, ToPort: 65535, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      ],
    });
  });

  it('retries one by one after a duplicate and returns the duplicate without an id', async () => {
    // Prepare
    ec2Mock
      .on(AuthorizeSecurityGroupIngressCommand)
      .rejectsOnce(awsError('InvalidPermission.Duplicate'))
      .rejectsOnce(awsError('InvalidPermission.Duplicate'))
      .resolvesOnce({
        SecurityGroupRules: [created('sgr-b', 23, 65535)],
      });

    // Act
    const recorded = await new Ec2SecurityGroupGateway({ ec2 }).authorize('sg-1', [
      world(0, 21),
      world(23, 65535),
    ]);

    // Assess
    expect(recorded).toEqual([world(0, 21), { ...world(23, 65535), ruleId: 'sgr-b' }]);
    expect(ec2Mock.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(3);
  });

  it('returns a single duplicate rule without an id and without a second call', async () => {
    // Prepare
    ec2Mock
      .on(AuthorizeSecurityGroupIngressCommand)
      .rejects(awsError('InvalidPermission.Duplicate'));

    // Act
    const recorded = await new Ec2SecurityGroupGateway({ ec2 }).authorize('sg-1', [world(0, 21)]);

    // Assess
    expect(recorded).toEqual([world(0, 21)]);
    expect(ec2Mock.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(1);
  });

  it('returns a rule without an id when the response does not name it', async () => {
    // Prepare
    ec2Mock.on(AuthorizeSecurityGroupIngressCommand).resolves({ Return: true });

    // Act
    const recorded = await new Ec2SecurityGroupGateway({ ec2 }).authorize('sg-1', [world(0, 21)]);

    // Assess
    expect(recorded).toEqual([world(0, 21)]);
  });

  it('reports a denied authorization as AccessDeniedError naming the action', async () => {
    // Prepare
    ec2Mock.on(AuthorizeSecurityGroupIngressCommand).rejects(awsError('UnauthorizedOperation'));

    // Act
    const authorize = new Ec2SecurityGroupGateway({ ec2 }).authorize('sg-1', [world(0, 21)]);

    // Assess
    await expect(authorize).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
      action: 'ec2:AuthorizeSecurityGroupIngress',
    });
  });

  it('fails the one-by-one retry on an error other than a duplicate', async () => {
    // Prepare
    ec2Mock
      .on(AuthorizeSecurityGroupIngressCommand)
      .rejectsOnce(awsError('InvalidPermission.Duplicate'))
      .rejectsOnce(awsError('RulesPerSecurityGroupLimitExceeded'));

    // Act
    const authorize = new Ec2SecurityGroupGateway({ ec2 }).authorize('sg-1', [
      world(0, 21),
      world(23, 65535),
    ]);

    // Assess
    await expect(authorize).rejects.toMatchObject({
      code: 'AWS_ERROR',
      awsCode: 'RulesPerSecurityGroupLimitExceeded',
    });
  });

  it('makes no call for nothing to authorize', async () => {
    // Act
    const recorded = await new Ec2SecurityGroupGateway({ ec2 }).authorize('sg-1', []);

    // Assess
    expect(recorded).toEqual([]);
    expect(ec2Mock.calls()).toHaveLength(0);
  });
});

describe('Ec2SecurityGroupGateway.revoke', () => {
  it('revokes every id in one call by SecurityGroupRuleIds', async () => {
    // Prepare
    ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });

    // Act
    const result = await new Ec2SecurityGroupGateway({ ec2 }).revoke('sg-1', ['sgr-1', 'sgr-2']);

    // Assess
    expect(result).toEqual({ revoked: ['sgr-1', 'sgr-2'], alreadyGone: [] });
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)[0]?.args[0].input).toEqual({
      GroupId: 'sg-1',
      SecurityGroupRuleIds: ['sgr-1', 'sgr-2'],
    });
  });

  it.each(['InvalidPermission.NotFound', 'InvalidSecurityGroupRuleId.NotFound'])(
    'splits revoked from already gone one by one after %s',
    async (code) => {
      // Prepare
      ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError(code));
      ec2Mock
        .on(RevokeSecurityGroupIngressCommand, { SecurityGroupRuleIds: ['sgr-2'] })
        .resolves({ Return: true });

      // Act
      const result = await new Ec2SecurityGroupGateway({ ec2 }).revoke('sg-1', ['sgr-1', 'sgr-2']);

      // Assess
      expect(result).toEqual({ revoked: ['sgr-2'], alreadyGone: ['sgr-1'] });
      expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(3);
    },
  );

  it('reports a single missing id as already gone without a second call', async () => {
    // Prepare
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('InvalidPermission.NotFound'));

    // Act
    const result = await new Ec2SecurityGroupGateway({ ec2 }).revoke('sg-1', ['sgr-1']);

    // Assess
    expect(result).toEqual({ revoked: [], alreadyGone: ['sgr-1'] });
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(1);
  });

  it('reports a denied revoke as AccessDeniedError naming RevokeSecurityGroupIngress', async () => {
    // Prepare
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('UnauthorizedOperation'));

    // Act
    const revoke = new Ec2SecurityGroupGateway({ ec2 }).revoke('sg-1', ['sgr-1']);

    // Assess
    await expect(revoke).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(revoke).rejects.toMatchObject({ action: 'ec2:RevokeSecurityGroupIngress' });
  });

  it('reports a group deleted meanwhile as GROUP_NOT_FOUND', async () => {
    // Prepare
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('InvalidGroup.NotFound'));

    // Act
    const revoke = new Ec2SecurityGroupGateway({ ec2 }).revoke('sg-1', ['sgr-1']);

    // Assess
    await expect(revoke).rejects.toMatchObject({ code: 'GROUP_NOT_FOUND' });
  });

  it('makes no call for nothing to revoke', async () => {
    // Act
    const result = await new Ec2SecurityGroupGateway({ ec2 }).revoke('sg-1', []);

    // Assess
    expect(result).toEqual({ revoked: [], alreadyGone: [] });
    expect(ec2Mock.calls()).toHaveLength(0);
  });
});

describe('Ec2SecurityGroupGateway.revokeRules (compare-and-swap by content)', () => {
  const ssh = { ...world(22, 22), ruleId: 'sgr-ssh' };
  const all = { ...world(0, 65535), ruleId: 'sgr-all', description: 'ignored when matching' };

  it('revokes by content without descriptions, in one call', async () => {
    ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });

    const result = await new Ec2SecurityGroupGateway({ ec2 }).revokeRules('sg-1', [ssh, all]);

    expect(result).toEqual({ revoked: [ssh, all], missing: [], retried: false });
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)[0]?.args[0].input).toEqual({
      GroupId: 'sg-1',
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      ],
    });
  });

  it('takes the rules a default VPC lists as unknown for missing, not revoked', async () => {
    // A default VPC accepts the call and lists content that is not there.
    ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({
      Return: true,
      UnknownIpPermissions: [
        { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      ],
    });

    const result = await new Ec2SecurityGroupGateway({ ec2 }).revokeRules('sg-1', [ssh, all]);

    expect(result).toEqual({ revoked: [ssh], missing: [all], retried: false });
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(1);
  });

  it('splits a batch one by one when a non-default VPC refuses it for one missing rule', async () => {
    ec2Mock
      .on(RevokeSecurityGroupIngressCommand)
      .rejectsOnce(awsError('InvalidPermission.NotFound'))
      .resolvesOnce({ Return: true })
      .rejectsOnce(awsError('InvalidPermission.NotFound'));

    const result = await new Ec2SecurityGroupGateway({ ec2 }).revokeRules('sg-1', [ssh, all]);

    expect(result).toEqual({ revoked: [ssh], missing: [all], retried: false });
  });

  it('says when NotFound answered a retry of the SDK, whose first attempt may have applied', async () => {
    const notFound = awsError('InvalidPermission.NotFound');
    notFound.$metadata.attempts = 2;
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(notFound);

    const result = await new Ec2SecurityGroupGateway({ ec2 }).revokeRules('sg-1', [ssh]);

    expect(result).toEqual({ revoked: [], missing: [ssh], retried: true });
  });
});

describe('retries through the SDK standard retry mode', () => {
  const throttled = {
    statusCode: 503,
    body: '<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r</RequestID></Response>',
  };
  const revoked = {
    statusCode: 200,
    body: '<RevokeSecurityGroupIngressResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><return>true</return></RevokeSecurityGroupIngressResponse>',
  };

  /** A client built by the shared factory whose HTTP layer answers from `responses`, in order. */
  function clientAnswering(responses: { statusCode: number; body: string }[]) {
    const client = createEc2Client({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 3,
    });
    const requests: string[] = [];
    client.config.requestHandler = {
      async handle(request: { body?: unknown }) {
        requests.push(String(request.body));
        const next = responses.shift() ?? throttled;
        return {
          response: {
            statusCode: next.statusCode,
            headers: { 'content-type': 'text/xml' },
            body: Readable.from([Buffer.from(next.body)]),
          },
        };
      },
    } as unknown as typeof client.config.requestHandler;
    return { client, requests };
  }

  it('retries a throttled revoke and succeeds on the next attempt', async () => {
    // Prepare
    const { client, requests } = clientAnswering([throttled, revoked]);

    // Act
    const result = await new Ec2SecurityGroupGateway({ ec2: client }).revoke('sg-1', ['sgr-1']);

    // Assess
    expect(result).toEqual({ revoked: ['sgr-1'], alreadyGone: [] });
    expect(requests).toHaveLength(2);
  });

  it('gives up after three attempts with a ThrottledError', async () => {
    // Prepare
    const { client, requests } = clientAnswering([throttled, throttled, throttled]);

    // Act
    const revoke = new Ec2SecurityGroupGateway({ ec2: client }).revoke('sg-1', ['sgr-1']);

    // Assess
    await expect(revoke).rejects.toBeInstanceOf(ThrottledError);
    expect(requests).toHaveLength(3);
  });
});
