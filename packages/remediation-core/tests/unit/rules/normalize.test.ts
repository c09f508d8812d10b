import type { SecurityGroup, SecurityGroupRule } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { InvalidCidrError, InvalidRuleError } from '../../../src/errors.js';
import {
  groupFromSecurityGroup,
  normalizePorts,
  normalizeProtocol,
  rulesFromIpPermissions,
  rulesFromSecurityGroupRules,
  tagsToRecord,
  toGroupSnapshot,
} from '../../../src/rules/normalize.js';
import describeRules from '../../fixtures/ec2-describe-security-group-rules.json' with {
  type: 'json',
};
import describeGroups from '../../fixtures/ec2-describe-security-groups.json' with { type: 'json' };
import { group, prefixList, securityGroup, tcp, v4, v6 } from '../../fixtures/rule-builders.js';

const bastion = describeGroups.SecurityGroups[0] as SecurityGroup;
const bastionRules = describeRules.SecurityGroupRules as SecurityGroupRule[];

describe('normalizeProtocol', () => {
  it.each([
    ['tcp', 'tcp'],
    ['TCP', 'tcp'],
    ['6', 'tcp'],
    [6, 'tcp'],
    ['udp', 'udp'],
    ['17', 'udp'],
    ['icmp', 'icmp'],
    ['1', 'icmp'],
    ['icmpv6', 'icmpv6'],
    ['58', 'icmpv6'],
    ['-1', '-1'],
    [-1, '-1'],
    ['all', '-1'],
    ['47', '47'],
    [47, '47'],
    ['050', '50'],
    ['0', '0'],
    ['GRE', 'gre'],
  ] as const)('reads %j as %j', (input, expected) => {
    expect(normalizeProtocol(input)).toBe(expected);
  });

  it.each([undefined, '', 'tc p', '256', 300, -2, 6.5, '1.5'])('rejects %j', (input) => {
    expect(() => normalizeProtocol(input)).toThrow(InvalidRuleError);
  });
});

describe('normalizePorts', () => {
  it.each([
    ['tcp', 22, 22, { fromPort: 22, toPort: 22 }],
    ['tcp', undefined, undefined, { fromPort: 0, toPort: 65535 }],
    ['udp', -1, -1, { fromPort: 0, toPort: 65535 }],
    ['tcp', 22, undefined, { fromPort: 22, toPort: 22 }],
    ['tcp', undefined, 3389, { fromPort: 3389, toPort: 3389 }],
    ['tcp', -1, 80, { fromPort: 80, toPort: 80 }],
    ['-1', 22, 22, { fromPort: -1, toPort: -1 }],
    ['47', 0, 100, { fromPort: -1, toPort: -1 }],
    ['icmp', 8, 0, { fromPort: 8, toPort: 0 }],
    ['icmp', 8, undefined, { fromPort: 8, toPort: -1 }],
    ['icmpv6', undefined, undefined, { fromPort: -1, toPort: -1 }],
    ['icmp', -1, 3, { fromPort: -1, toPort: -1 }],
  ] as const)('%s %j-%j means %j', (protocol, from, to, expected) => {
    expect(normalizePorts(protocol, from, to)).toEqual(expected);
  });

  it.each([
    ['tcp', 23, 22],
    ['tcp', 0, 65536],
    ['udp', -5, 10],
    ['tcp', 1.5, 2],
    ['icmp', 256, 0],
    ['icmp', 8, -2],
  ] as const)('rejects %s %j-%j', (protocol, from, to) => {
    expect(() => normalizePorts(protocol, from, to)).toThrow(InvalidRuleError);
  });
});

describe('rulesFromSecurityGroupRules', () => {
  it('reads every inbound rule with its id, skipping egress', () => {
    // Act
    const rules = rulesFromSecurityGroupRules(bastionRules);

    // Assess
    expect(rules).toEqual([
      { ...tcp(22, 22, v4('10.0.0.0/8'), 'sgr-00000000000000001'), description: 'office' },
      tcp(22, 22, v4('0.0.0.0/0'), 'sgr-00000000000000002'),
      {
        ruleId: 'sgr-00000000000000003',
        protocol: '-1',
        fromPort: -1,
        toPort: -1,
        source: v6('::/0'),
        description: 'everyone',
      },
      {
        ruleId: 'sgr-00000000000000004',
        protocol: '-1',
        fromPort: -1,
        toPort: -1,
        source: prefixList('pl-0a1b2c3d4e5f60718'),
      },
      {
        ruleId: 'sgr-00000000000000005',
        protocol: '-1',
        fromPort: -1,
        toPort: -1,
        source: { kind: 'security-group', groupId: 'sg-0fedcba9876543210', userId: '111122223333' },
        description: 'app tier',
      },
      {
        ruleId: 'sgr-00000000000000006',
        protocol: 'udp',
        fromPort: 0,
        toPort: 65535,
        source: v4('0.0.0.0/0'),
      },
    ]);
  });

  it('reads protocol 6 with canonical CIDR text', () => {
    // Prepare
    const raw: SecurityGroupRule = {
      IpProtocol: '6',
      FromPort: 22,
      ToPort: 22,
      CidrIpv6: '2001:DB8::1/32',
    };

    // Act
    const [rule] = rulesFromSecurityGroupRules([raw]);

    // Assess
    expect(rule).toEqual(tcp(22, 22, v6('2001:db8::/32')));
  });

  it.each([
    [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22 }, 'exactly one source, has 0'],
    [
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0', PrefixListId: 'pl-1' },
      'exactly one source, has 2',
    ],
    [{ IpProtocol: 'tcp', CidrIpv4: '::/0' }, 'not an ipv4 CIDR'],
    [{ IpProtocol: 'tcp', CidrIpv6: '0.0.0.0/0' }, 'not an ipv6 CIDR'],
    [{ IpProtocol: 'tcp', ReferencedGroupInfo: { UserId: '1' } }, 'without a group id'],
    [{ IpProtocol: 'tcp', PrefixListId: '' }, 'prefix list source without an id'],
    [{ CidrIpv4: '0.0.0.0/0' }, 'no protocol'],
  ] as const)('rejects %j', (raw, message) => {
    expect(() => rulesFromSecurityGroupRules([raw as SecurityGroupRule])).toThrow(
      new RegExp(message),
    );
  });

  it('rejects a malformed CIDR with the CIDR error', () => {
    expect(() =>
      rulesFromSecurityGroupRules([{ IpProtocol: 'tcp', CidrIpv4: '0.0.0.0/00' }]),
    ).toThrow(InvalidCidrError);
  });
});

describe('rulesFromIpPermissions', () => {
  it('expands one permission per source, keeping each description', () => {
    // Act
    const rules = rulesFromIpPermissions(bastion.IpPermissions ?? []);

    // Assess
    expect(rules).toEqual([
      { ...tcp(22, 22, v4('10.0.0.0/8')), description: 'office' },
      tcp(22, 22, v4('0.0.0.0/0')),
      { protocol: '-1', fromPort: -1, toPort: -1, source: v6('::/0'), description: 'everyone' },
      { protocol: '-1', fromPort: -1, toPort: -1, source: prefixList('pl-0a1b2c3d4e5f60718') },
      {
        protocol: '-1',
        fromPort: -1,
        toPort: -1,
        source: { kind: 'security-group', groupId: 'sg-0fedcba9876543210', userId: '111122223333' },
        description: 'app tier',
      },
      { protocol: 'udp', fromPort: 0, toPort: 65535, source: v4('0.0.0.0/0') },
    ]);
  });

  it('reads a permission without ToPort as the single port FromPort', () => {
    // Act
    const rules = rulesFromIpPermissions([
      { IpProtocol: 'tcp', FromPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
    ]);

    // Assess
    expect(rules).toEqual([tcp(22, 22, v4('0.0.0.0/0'))]);
  });

  it('yields nothing for a permission without sources', () => {
    expect(rulesFromIpPermissions([{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22 }])).toEqual([]);
  });

  it.each([
    [{ IpProtocol: 'tcp', IpRanges: [{}] }, 'without CidrIp'],
    [{ IpProtocol: 'tcp', Ipv6Ranges: [{}] }, 'without CidrIpv6'],
    [{ IpProtocol: 'tcp', UserIdGroupPairs: [{ GroupName: 'default' }] }, 'without a group id'],
    [{ IpProtocol: 'tcp', PrefixListIds: [{}] }, 'without an id'],
  ])('rejects %j', (permission, message) => {
    expect(() => rulesFromIpPermissions([permission])).toThrow(new RegExp(message));
  });
});

describe('groupFromSecurityGroup', () => {
  it('keeps identity, tags as a record and inbound rules only', () => {
    // Act
    const snapshot = groupFromSecurityGroup(bastion);

    // Assess
    expect(snapshot).toMatchObject({
      groupId: 'sg-0123456789abcdef0',
      groupName: 'bastion-sg',
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      ownerId: '111122223333',
      tags: { team: 'platform', 'sg-guard:exempt': '' },
    });
    expect(snapshot.rules).toHaveLength(6);
  });

  it('leaves out what the group does not have', () => {
    expect(groupFromSecurityGroup({ GroupId: 'sg-1' })).toEqual({ groupId: 'sg-1', rules: [] });
  });

  it('rejects a group without GroupId', () => {
    expect(() => groupFromSecurityGroup({ GroupName: 'x' })).toThrow(InvalidRuleError);
  });

  it('drops tags without a key and reads a missing value as empty', () => {
    expect(tagsToRecord([{ Key: 'a' }, { Value: 'orphan' }, { Key: 'b', Value: '2' }])).toEqual({
      a: '',
      b: '2',
    });
  });
});

describe('toGroupSnapshot', () => {
  it('reads an EC2 SecurityGroup', () => {
    expect(toGroupSnapshot(bastion)).toEqual(groupFromSecurityGroup(bastion));
  });

  it('reads { groupId, rules } with DescribeSecurityGroupRules rules', () => {
    // Act
    const snapshot = toGroupSnapshot({ groupId: 'sg-0123456789abcdef0', rules: bastionRules });

    // Assess
    expect(snapshot).toEqual({
      groupId: 'sg-0123456789abcdef0',
      rules: rulesFromSecurityGroupRules(bastionRules),
    });
  });

  it('re-canonicalizes the rules of a GroupSnapshot', () => {
    // Prepare
    const input = {
      ...group(
        { protocol: '6', fromPort: -1, toPort: -1, source: v6('2001:DB8::/32') },
        tcp(22, 22, securityGroup('sg-9'), 'sgr-1'),
      ),
      groupName: 'web',
    };

    // Act
    const snapshot = toGroupSnapshot(input);

    // Assess
    expect(snapshot).toEqual({
      groupId: 'sg-0123456789abcdef0',
      groupName: 'web',
      rules: [tcp(0, 65535, v6('2001:db8::/32')), tcp(22, 22, securityGroup('sg-9'), 'sgr-1')],
    });
  });

  it('rejects rules of another group', () => {
    // Prepare
    const input = { groupId: 'sg-1', rules: [{ ...bastionRules[0], GroupId: 'sg-2' }] };

    // Act / Assess
    expect(() => toGroupSnapshot(input)).toThrow(/belongs to sg-2, not sg-1/);
  });

  it.each([
    [null, 'must be an object'],
    [{ id: 'sg-1' }, 'unknown group shape'],
    [{ groupId: '', rules: [] }, 'without a groupId'],
    [
      group({ ...tcp(22, 22, v4('0.0.0.0/0')), source: { kind: 'other' } } as never),
      'unknown rule source',
    ],
    [group(tcp(22, 22, { kind: 'cidr', family: 'ipv6', cidr: '0.0.0.0/0' })), 'not an ipv6 CIDR'],
  ])('rejects %j', (input, message) => {
    expect(() => toGroupSnapshot(input as never)).toThrow(new RegExp(message));
  });
});
