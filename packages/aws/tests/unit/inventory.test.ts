import {
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AccessDeniedError } from '../../src/errors.js';
import { loadReferencedPrefixLists, scanRegion } from '../../src/inventory.js';

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'eu-west-1' });

afterEach(() => ec2Mock.reset());

describe('scanRegion', () => {
  it('reads the whole region with one paginated describe of rules and one of groups', async () => {
    // Prepare: two pages of rules, two pages of groups.
    ec2Mock
      .on(DescribeSecurityGroupRulesCommand)
      .resolvesOnce({
        SecurityGroupRules: [
          {
            SecurityGroupRuleId: 'sgr-1',
            GroupId: 'sg-a',
            IsEgress: false,
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            CidrIpv4: '0.0.0.0/0',
          },
          {
            SecurityGroupRuleId: 'sgr-2',
            GroupId: 'sg-a',
            IsEgress: true,
            IpProtocol: '-1',
            FromPort: -1,
            ToPort: -1,
            CidrIpv4: '0.0.0.0/0',
          },
        ],
        NextToken: 'rules-2',
      })
      .resolvesOnce({
        SecurityGroupRules: [
          {
            SecurityGroupRuleId: 'sgr-3',
            GroupId: 'sg-b',
            IsEgress: false,
            IpProtocol: 'tcp',
            FromPort: 443,
            ToPort: 443,
            CidrIpv6: '::/0',
          },
        ],
      });
    ec2Mock
      .on(DescribeSecurityGroupsCommand)
      .resolvesOnce({
        SecurityGroups: [
          {
            GroupId: 'sg-b',
            GroupName: 'web',
            VpcId: 'vpc-1',
            OwnerId: '111122223333',
            Tags: [{ Key: 'team', Value: 'web' }],
          },
        ],
        NextToken: 'groups-2',
      })
      .resolvesOnce({
        SecurityGroups: [{ GroupId: 'sg-a', GroupName: 'bastion', VpcId: 'vpc-1' }],
      });

    // Act
    const groups = await scanRegion(ec2);

    // Assess
    expect(ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand)).toHaveLength(2);
    expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand)).toHaveLength(2);
    // The paginator reuses one input object, so only the whole-region shape can be checked.
    for (const call of [
      ...ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand),
      ...ec2Mock.commandCalls(DescribeSecurityGroupsCommand),
    ]) {
      expect(call.args[0].input).not.toHaveProperty('Filters');
      expect(call.args[0].input).not.toHaveProperty('GroupIds');
      expect(call.args[0].input).toMatchObject({ MaxResults: 1000 });
    }
    expect(groups).toEqual([
      {
        groupId: 'sg-a',
        groupName: 'bastion',
        vpcId: 'vpc-1',
        rules: [
          {
            ruleId: 'sgr-1',
            protocol: 'tcp',
            fromPort: 22,
            toPort: 22,
            source: { kind: 'cidr', family: 'ipv4', cidr: '0.0.0.0/0' },
          },
        ],
      },
      {
        groupId: 'sg-b',
        groupName: 'web',
        vpcId: 'vpc-1',
        ownerId: '111122223333',
        tags: { team: 'web' },
        rules: [
          {
            ruleId: 'sgr-3',
            protocol: 'tcp',
            fromPort: 443,
            toPort: 443,
            source: { kind: 'cidr', family: 'ipv6', cidr: '::/0' },
          },
        ],
      },
    ]);
  });

  it('reports a group with no inbound rules, and one whose rules arrived without its description', async () => {
    // Prepare
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [
        {
          SecurityGroupRuleId: 'sgr-9',
          GroupId: 'sg-new',
          IsEgress: false,
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          CidrIpv4: '10.0.0.0/8',
        },
      ],
    });
    ec2Mock
      .on(DescribeSecurityGroupsCommand)
      .resolves({ SecurityGroups: [{ GroupId: 'sg-empty', GroupName: 'default' }] });

    // Act
    const groups = await scanRegion(ec2, { pageSize: 5 });

    // Assess
    expect(groups.map((g) => [g.groupId, g.groupName, g.rules.length])).toEqual([
      ['sg-empty', 'default', 0],
      ['sg-new', undefined, 1],
    ]);
    expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand)[0]?.args[0].input).toEqual({
      MaxResults: 5,
    });
  });

  it('turns a denied describe into a typed access error naming the action', async () => {
    // Prepare
    ec2Mock
      .on(DescribeSecurityGroupRulesCommand)
      .rejects(
        Object.assign(new Error('You are not authorized'), { name: 'UnauthorizedOperation' }),
      );
    ec2Mock.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });

    // Act
    const scan = scanRegion(ec2);

    // Assess
    await expect(scan).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(scan).rejects.toMatchObject({ action: 'ec2:DescribeSecurityGroupRules' });
  });
});

describe('loadReferencedPrefixLists', () => {
  const group = (groupId: string, prefixListId: string, port: number) => ({
    groupId,
    rules: [
      {
        protocol: 'tcp',
        fromPort: port,
        toPort: port,
        source: { kind: 'prefix-list' as const, prefixListId },
      },
    ],
  });

  it('fetches each list referenced on a guarded port once, for all groups together', async () => {
    // Prepare
    const asked: string[][] = [];
    const gateway = {
      loadPrefixLists: async (ids: readonly string[]) => {
        asked.push([...ids]);
        return new Map(ids.map((id) => [id, ['0.0.0.0/0']]));
      },
    };

    // Act
    const entries = await loadReferencedPrefixLists(gateway, [
      group('sg-a', 'pl-2', 22),
      group('sg-b', 'pl-1', 22),
      group('sg-c', 'pl-2', 22),
      group('sg-d', 'pl-9', 443),
    ]);

    // Assess
    expect(asked).toEqual([['pl-1', 'pl-2']]);
    expect([...entries.keys()]).toEqual(['pl-1', 'pl-2']);
  });

  it('makes no call when no guarded port references a prefix list', async () => {
    // Prepare
    let calls = 0;
    const gateway = {
      loadPrefixLists: async () => {
        calls += 1;
        return new Map();
      },
    };

    // Act
    const entries = await loadReferencedPrefixLists(
      gateway,
      [group('sg-d', 'pl-9', 443)],
      [22, 3389],
    );

    // Assess
    expect(calls).toBe(0);
    expect(entries.size).toBe(0);
  });
});
