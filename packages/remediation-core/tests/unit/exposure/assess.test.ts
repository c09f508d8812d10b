import type { SecurityGroup } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { InvalidSettingsError } from '../../../src/errors.js';
import { assessGroup, guardedPorts } from '../../../src/exposure/assess.js';
import type { Assessment, InboundRule } from '../../../src/model.js';
import { buildRule } from '../../../src/rules/canonical.js';
import { groupFromConfigItem } from '../../../src/rules/normalize.js';
import configItem from '../../fixtures/config-item-security-group.json' with { type: 'json' };
import describeGroups from '../../fixtures/ec2-describe-security-groups.json' with { type: 'json' };
import {
  allTraffic,
  group,
  prefixList,
  rule,
  securityGroup,
  tcp,
  v4,
  v6,
} from '../../fixtures/rule-builders.js';

const bastion = describeGroups.SecurityGroups[0] as SecurityGroup;
const exposedCidrs = (assessment: Assessment) =>
  assessment.exposures.map(({ rule: { source } }) =>
    source.kind === 'cidr'
      ? source.cidr
      : source.kind === 'prefix-list'
        ? source.prefixListId
        : source.groupId,
  );
const world = v4('0.0.0.0/0');

describe('assessGroup: protocols and ports', () => {
  it.each<[string, InboundRule]>([
    ['tcp 22', tcp(22, 22, world)],
    ['tcp 0-65535', tcp(0, 65535, world)],
    ['tcp 20-25', tcp(20, 25, world)],
    ['all traffic', allTraffic(world)],
  ])('finds %s from 0.0.0.0/0 exposed, as restricted-ssh does', (_name, exposing) => {
    // Act
    const assessment = assessGroup(group(exposing));

    // Assess
    expect(assessment.verdict).toBe('EXPOSED');
    expect(assessment.exposures).toEqual([
      { rule: exposing, ports: [22], family: 'ipv4', reason: 'world-cidr' },
    ]);
  });

  it('reads protocol 6 from DescribeSecurityGroupRules as tcp', () => {
    // Prepare
    const rules = [
      {
        SecurityGroupRuleId: 'sgr-1',
        IpProtocol: '6',
        FromPort: 22,
        ToPort: 22,
        CidrIpv4: '0.0.0.0/0',
      },
    ];

    // Act
    const assessment = assessGroup({ groupId: 'sg-1', rules });

    // Assess
    expect(assessment.exposures).toEqual([
      { rule: tcp(22, 22, world, 'sgr-1'), ports: [22], family: 'ipv4', reason: 'world-cidr' },
    ]);
  });

  it.each<[string, InboundRule]>([
    ['tcp 0-21', tcp(0, 21, world)],
    ['tcp 23-65535', tcp(23, 65535, world)],
    ['udp 22', rule('udp', 22, 22, world)],
    ['udp 0-65535', rule('udp', 0, 65535, world)],
    ['icmp', rule('icmp', -1, -1, world)],
    ['icmp type 22', rule('icmp', 22, -1, world)],
    ['GRE 47', rule('47', -1, -1, world)],
    ['ESP 50 from ::/0', rule('50', -1, -1, v6('::/0'))],
  ])('does not find %s from the world exposed', (_name, rule) => {
    // Act
    const assessment = assessGroup(group(rule));

    // Assess
    expect(assessment).toEqual({
      groupId: 'sg-0123456789abcdef0',
      verdict: 'NOT_EXPOSED',
      exposures: [],
      rules: [rule],
      unresolvedPrefixLists: [],
    });
  });

  it('reads a permission without ToPort as its FromPort alone', () => {
    // Prepare
    const only = (port: number): SecurityGroup => ({
      GroupId: 'sg-1',
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: port, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    });

    // Act / Assess
    expect(assessGroup(only(22)).verdict).toBe('EXPOSED');
    expect(assessGroup(only(21)).verdict).toBe('NOT_EXPOSED');
  });

  it('guards every configured port and names the ones each rule exposes, ascending', () => {
    // Prepare
    const rdp = tcp(3389, 3389, world);
    const everything = tcp(0, 65535, v6('::/0'));
    const ssh = tcp(22, 22, v4('10.0.0.0/8'));

    // Act
    const assessment = assessGroup(group(rdp, everything, ssh), { ports: [3389, 22, 3389] });

    // Assess
    expect(assessment.exposures).toEqual([
      { rule: rdp, ports: [3389], family: 'ipv4', reason: 'world-cidr' },
      { rule: everything, ports: [22, 3389], family: 'ipv6', reason: 'world-cidr' },
    ]);
  });

  it('rejects ports that are not ports', () => {
    expect(() => assessGroup(group(), { ports: [] })).toThrow(InvalidSettingsError);
    expect(() => assessGroup(group(), { ports: [65536] })).toThrow(/ports: not a port/);
    expect(() => guardedPorts([22.5])).toThrow(InvalidSettingsError);
    expect(guardedPorts()).toEqual([22]);
  });
});

describe('assessGroup: sources', () => {
  it('finds ::/0 exposed in the IPv6 family', () => {
    expect(assessGroup(group(tcp(22, 22, v6('::/0')))).exposures).toEqual([
      { rule: tcp(22, 22, v6('::/0')), ports: [22], family: 'ipv6', reason: 'world-cidr' },
    ]);
  });

  it('blames only 0.0.0.0/0 in a permission that also holds 10.0.0.0/8', () => {
    // Prepare
    const input: SecurityGroup = {
      GroupId: 'sg-1',
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          IpRanges: [{ CidrIp: '10.0.0.0/8' }, { CidrIp: '0.0.0.0/0' }],
        },
      ],
    };

    // Act
    const assessment = assessGroup(input);

    // Assess
    expect(assessment.rules).toHaveLength(2);
    expect(exposedCidrs(assessment)).toEqual(['0.0.0.0/0']);
  });

  it('blames a prefix list that is the world in both families once, as its first family', () => {
    // Prepare
    const rules = [tcp(22, 22, prefixList('pl-0123456789abcdef0'))];
    const prefixLists = new Map([['pl-0123456789abcdef0', ['0.0.0.0/0', '::/0']]]);

    // Act
    const assessment = assessGroup(group(...rules), { ports: [22], prefixLists });

    // Assess
    expect(assessment.exposures).toEqual([
      { rule: rules[0], ports: [22], family: 'ipv4', reason: 'world-prefix-list' },
    ]);
  });

  it('parses the CIDR of a built rule whose source no reader made', () => {
    // Prepare: buildRule keeps the source it is given; this one never went through cidrSource.
    const built = buildRule({
      ruleId: 'sgr-1',
      protocol: '6',
      fromPort: 22,
      toPort: 22,
      source: { kind: 'cidr', family: 'ipv4', cidr: '0.0.0.0/0' },
    });

    // Act
    const assessment = assessGroup({ groupId: 'sg-1', rules: [built] });

    // Assess
    expect(assessment.exposures).toEqual([
      { rule: built, ports: [22], family: 'ipv4', reason: 'world-cidr' },
    ]);
  });

  it.each<[string, InboundRule]>([
    ['a security group', tcp(22, 22, securityGroup('sg-0fedcba9876543210'))],
    ['a security group with all traffic', allTraffic(securityGroup('sg-0fedcba9876543210'))],
    ['a public /32 host', tcp(22, 22, v4('203.0.113.10/32'))],
    ['a public IPv6 /128 host', tcp(22, 22, v6('2001:db8::10/128'))],
    ['half of IPv4', tcp(22, 22, v4('0.0.0.0/1'))],
    ['half of IPv6', allTraffic(v6('8000::/1'))],
  ])('does not count %s as the internet', (_name, rule) => {
    expect(assessGroup(group(rule)).verdict).toBe('NOT_EXPOSED');
  });
});

describe('assessGroup: input shapes', () => {
  it('assesses an EC2 SecurityGroup from DescribeSecurityGroups', () => {
    // Act
    const assessment = assessGroup(bastion, {
      prefixLists: new Map([['pl-0a1b2c3d4e5f60718', ['192.0.2.0/24']]]),
    });

    // Assess
    expect(assessment.groupId).toBe('sg-0123456789abcdef0');
    expect(exposedCidrs(assessment)).toEqual(['0.0.0.0/0', '::/0']);
  });

  it('assesses a group read from an AWS Config item', () => {
    // Act
    const assessment = assessGroup(groupFromConfigItem(configItem));

    // Assess
    expect(exposedCidrs(assessment)).toEqual(['0.0.0.0/0', '::/0']);
    expect(assessment.unresolvedPrefixLists).toEqual(['pl-0a1b2c3d4e5f60718']);
  });
});
