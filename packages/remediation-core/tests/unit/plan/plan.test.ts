import { describe, expect, it } from 'vitest';
import { InvalidSettingsError } from '../../../src/errors.js';
import { assessGroup } from '../../../src/exposure/assess.js';
import type { InboundRule } from '../../../src/model.js';
import { DEFAULT_RULE_QUOTA, peakRuleCounts, planRemediation } from '../../../src/plan/plan.js';
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

const world = v4('0.0.0.0/0');
/** `count` harmless IPv4 host rules on port 443. */
const hosts = (count: number): InboundRule[] =>
  Array.from({ length: count }, (_, i) =>
    tcp(443, 443, v4(`10.0.${Math.floor(i / 256)}.${i % 256}/32`)),
  );

describe('planRemediation', () => {
  it('narrows by default: authorizes the ports beside 22, then revokes the rule', () => {
    // Prepare
    const wide = tcp(0, 65535, world, 'sgr-1');
    const office = tcp(22, 22, v4('10.0.0.0/8'), 'sgr-2');

    // Act
    const plan = planRemediation(assessGroup(group(wide, office)));

    // Assess
    expect(plan).toEqual({
      groupId: 'sg-0123456789abcdef0',
      strategy: 'narrow',
      appliedStrategy: 'narrow',
      authorize: [tcp(0, 21, world), tcp(23, 65535, world)],
      revoke: [wide],
      dropped: [],
    });
  });

  it('revokes only the world source of a permission that also holds 10.0.0.0/8', () => {
    // Prepare
    const assessment = assessGroup({
      GroupId: 'sg-1',
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          IpRanges: [{ CidrIp: '10.0.0.0/8' }, { CidrIp: '0.0.0.0/0' }],
        },
      ],
    });

    // Act
    const plan = planRemediation(assessment);

    // Assess
    expect(plan.revoke).toEqual([tcp(22, 22, world)]);
    expect(plan.authorize).toEqual([]);
  });

  it('with revoke, revokes every exposing rule whole and authorizes nothing', () => {
    // Prepare
    const rules = [
      allTraffic(v6('::/0'), 'sgr-1'),
      tcp(0, 65535, world, 'sgr-2'),
      allTraffic(securityGroup('sg-2')),
    ];

    // Act
    const plan = planRemediation(assessGroup(group(...rules)), { strategy: 'revoke' });

    // Assess
    expect(plan).toEqual({
      groupId: 'sg-0123456789abcdef0',
      strategy: 'revoke',
      appliedStrategy: 'revoke',
      authorize: [],
      revoke: [rules[0], rules[1]],
      dropped: [],
    });
  });

  it('narrows all traffic to tcp, udp and icmp of the family and reports the dropped protocols', () => {
    // Prepare
    const everything = { ...allTraffic(v6('::/0'), 'sgr-1'), description: 'legacy' };

    // Act
    const plan = planRemediation(assessGroup(group(everything)));

    // Assess
    expect(plan.authorize).toEqual(
      [
        tcp(0, 21, v6('::/0')),
        tcp(23, 65535, v6('::/0')),
        rule('udp', 0, 65535, v6('::/0')),
        rule('icmpv6', -1, -1, v6('::/0')),
      ].map((r) => ({ ...r, description: 'legacy' })),
    );
    expect(plan.dropped).toEqual([
      {
        rule: everything,
        description:
          'protocols other than tcp, udp and icmpv6 (such as GRE 47, ESP 50) are no longer allowed from ::/0',
      },
    ]);
  });

  it('splits a range around several guarded ports', () => {
    // Act
    const plan = planRemediation(assessGroup(group(tcp(20, 4000, world)), { ports: [22, 3389] }));

    // Assess
    expect(plan.authorize).toEqual([
      tcp(20, 21, world),
      tcp(23, 3388, world),
      tcp(3390, 4000, world),
    ]);
  });

  it('does not authorize access that a kept rule or an earlier authorization already grants', () => {
    // Prepare
    const kept = tcp(0, 21, world, 'sgr-kept');
    const rules = [kept, tcp(0, 65535, world, 'sgr-1'), allTraffic(world, 'sgr-2')];

    // Act
    const plan = planRemediation(assessGroup(group(...rules)));

    // Assess
    expect(plan.revoke).toEqual([rules[1], rules[2]]);
    expect(plan.authorize).toEqual([
      tcp(23, 65535, world),
      rule('udp', 0, 65535, world),
      rule('icmp', -1, -1, world),
    ]);
  });

  it('plans rules that have no id', () => {
    // Act
    const plan = planRemediation(assessGroup(group(tcp(22, 22, world))));

    // Assess
    expect(plan.revoke).toEqual([tcp(22, 22, world)]);
  });

  it('plans nothing for a group that is not exposed', () => {
    // Act
    const plan = planRemediation(assessGroup(group(tcp(22, 22, v4('10.0.0.0/8')))));

    // Assess
    expect(plan).toMatchObject({
      appliedStrategy: 'narrow',
      authorize: [],
      revoke: [],
      dropped: [],
    });
  });

  it('falls back to revoke when narrowing would pass the rule quota while both rules exist', () => {
    // Prepare: 58 + 1 exposing = 59 rules; narrowing adds 2 before revoking, peaking at 61.
    const wide = tcp(0, 65535, world, 'sgr-1');
    const assessment = assessGroup(group(...hosts(58), wide));

    // Act
    const plan = planRemediation(assessment);

    // Assess
    expect(plan).toMatchObject({
      strategy: 'narrow',
      appliedStrategy: 'revoke',
      authorize: [],
      revoke: [wide],
      dropped: [],
    });
    expect(plan.fallbackReason).toBe(
      'narrowing would need 2 new rule(s), bringing the group to ipv4 61 inbound rules, over the quota of 60 per family; revoking the exposing rules instead',
    );
  });

  it('narrows when the peak stays within the quota', () => {
    // Prepare
    const assessment = assessGroup(group(...hosts(57), tcp(0, 65535, world)));

    // Act / Assess
    expect(planRemediation(assessment).appliedStrategy).toBe('narrow');
    expect(planRemediation(assessment, { ruleQuota: 59 }).appliedStrategy).toBe('revoke');
  });

  it('counts the quota per family, prefix lists and security groups in both', () => {
    // Prepare: 58 IPv4 hosts; the IPv6 family holds only the exposing rule and two shared rules.
    const rules = [
      ...hosts(58),
      allTraffic(v6('::/0')),
      tcp(80, 80, prefixList('pl-1')),
      tcp(80, 80, securityGroup('sg-2')),
    ];

    // Act
    const plan = planRemediation(assessGroup(group(...rules)), { ruleQuota: DEFAULT_RULE_QUOTA });

    // Assess
    expect(peakRuleCounts(rules, plan.authorize)).toEqual({ ipv4: 60, ipv6: 7 });
    expect(plan.appliedStrategy).toBe('narrow');
  });

  it('rejects an unknown strategy or a bad quota', () => {
    // Prepare
    const assessment = assessGroup(group());

    // Act / Assess
    expect(() => planRemediation(assessment, { strategy: 'delete' as never })).toThrow(
      InvalidSettingsError,
    );
    expect(() => planRemediation(assessment, { ruleQuota: 0 })).toThrow(/ruleQuota/);
    expect(() => planRemediation(assessment, { ruleQuota: 1.5 })).toThrow(/ruleQuota/);
  });
});
