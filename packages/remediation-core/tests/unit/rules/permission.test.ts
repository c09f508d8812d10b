import { describe, expect, it } from 'vitest';
import type { RuleToAuthorize } from '../../../src/model.js';
import { rulesFromIpPermissions } from '../../../src/rules/normalize.js';
import { sameAccess, toIpPermission } from '../../../src/rules/permission.js';
import { prefixList, rule, securityGroup, tcp, v4, v6 } from '../../fixtures/rule-builders.js';

describe('toIpPermission', () => {
  it.each<[string, RuleToAuthorize, object]>([
    [
      'a tcp range from IPv4 with its description',
      { ...tcp(0, 21, v4('0.0.0.0/0')), description: 'web' },
      {
        IpProtocol: 'tcp',
        FromPort: 0,
        ToPort: 21,
        IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'web' }],
      },
    ],
    [
      'udp from IPv6',
      rule('udp', 0, 65535, v6('::/0')),
      { IpProtocol: 'udp', FromPort: 0, ToPort: 65535, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
    ],
    [
      'icmp type and code',
      rule('icmp', 8, -1, v4('10.0.0.0/8')),
      { IpProtocol: 'icmp', FromPort: 8, ToPort: -1, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
    ],
    [
      'all traffic from a prefix list, without ports',
      { ...rule('-1', -1, -1, prefixList('pl-1')), description: 'vpn' },
      { IpProtocol: '-1', PrefixListIds: [{ PrefixListId: 'pl-1', Description: 'vpn' }] },
    ],
    [
      'GRE from a security group of another account, without ports',
      rule('47', -1, -1, {
        kind: 'security-group',
        groupId: 'sg-2',
        userId: '111122223333',
        vpcId: 'vpc-1',
      }),
      {
        IpProtocol: '47',
        UserIdGroupPairs: [{ GroupId: 'sg-2', UserId: '111122223333', VpcId: 'vpc-1' }],
      },
    ],
    [
      'a security group of the same account',
      tcp(22, 22, securityGroup('sg-3')),
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, UserIdGroupPairs: [{ GroupId: 'sg-3' }] },
    ],
  ])('writes %s', (_name, input, expected) => {
    expect(toIpPermission(input)).toEqual(expected);
  });

  it('round-trips through the permission reader', () => {
    // Prepare
    const original = { ...rule('icmpv6', 128, 0, v6('2001:db8::/32')), description: 'ping' };

    // Act
    const [read] = rulesFromIpPermissions([toIpPermission(original)]);

    // Assess
    expect(read).toEqual(original);
  });
});

describe('sameAccess', () => {
  it('ignores ids and descriptions', () => {
    expect(
      sameAccess(
        { ...tcp(22, 22, v4('0.0.0.0/0'), 'sgr-1'), description: 'a' },
        { ...tcp(22, 22, v4('0.0.0.0/0')), description: 'b' },
      ),
    ).toBe(true);
  });

  it('equates spellings of the same access', () => {
    expect(sameAccess(rule('6', -1, -1, v4('10.0.0.1/8')), tcp(0, 65535, v4('10.0.0.0/8')))).toBe(
      true,
    );
    expect(sameAccess(tcp(22, 22, v6('2001:DB8::/32')), tcp(22, 22, v6('2001:db8::/32')))).toBe(
      true,
    );
  });

  it('matches a security group with and without its account id', () => {
    // Prepare
    const withAccount = {
      kind: 'security-group',
      groupId: 'sg-2',
      userId: '111122223333',
    } as const;
    const otherAccount = {
      kind: 'security-group',
      groupId: 'sg-2',
      userId: '444455556666',
    } as const;

    // Assess
    expect(sameAccess(tcp(22, 22, withAccount), tcp(22, 22, securityGroup('sg-2')))).toBe(true);
    expect(sameAccess(tcp(22, 22, withAccount), tcp(22, 22, otherAccount))).toBe(false);
  });

  it.each([
    ['protocol', tcp(22, 22, v4('0.0.0.0/0')), rule('udp', 22, 22, v4('0.0.0.0/0'))],
    ['port', tcp(22, 22, v4('0.0.0.0/0')), tcp(22, 23, v4('0.0.0.0/0'))],
    ['cidr', tcp(22, 22, v4('0.0.0.0/0')), tcp(22, 22, v4('0.0.0.0/1'))],
    ['source kind', tcp(22, 22, prefixList('pl-1')), tcp(22, 22, securityGroup('pl-1'))],
    ['prefix list', tcp(22, 22, prefixList('pl-1')), tcp(22, 22, prefixList('pl-2'))],
    ['family', tcp(22, 22, v4('0.0.0.0/0')), tcp(22, 22, v6('::/0'))],
  ])('tells rules apart by %s', (_what, a, b) => {
    expect(sameAccess(a, b)).toBe(false);
  });
});
