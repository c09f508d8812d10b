import type { SecurityGroupRule } from '@aws-sdk/client-ec2';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assessGroup } from '../../src/exposure/assess.js';
import type { Assessment, RemediationPlan, RuleToAuthorize } from '../../src/model.js';
import { planRemediation } from '../../src/plan/plan.js';
import { type GroupCase, groupCaseArb } from './generators.js';
import {
  type OracleProtocol,
  type OracleRule,
  oracleAllows,
  oracleInterval,
  oracleRule,
  oracleWorldReaches,
} from './oracle.js';

const GROUP_ID = 'sg-0123456789abcdef0';
const RUNS = 10_000;

/** An authorized rule as DescribeSecurityGroupRules would list it afterwards. */
function asSecurityGroupRule(rule: RuleToAuthorize, id: string): SecurityGroupRule {
  const { source } = rule;
  return {
    SecurityGroupRuleId: id,
    GroupId: GROUP_ID,
    IsEgress: false,
    IpProtocol: rule.protocol,
    FromPort: rule.fromPort,
    ToPort: rule.toPort,
    ...(source.kind === 'cidr'
      ? source.family === 'ipv4'
        ? { CidrIpv4: source.cidr }
        : { CidrIpv6: source.cidr }
      : source.kind === 'prefix-list'
        ? { PrefixListId: source.prefixListId }
        : { ReferencedGroupInfo: { GroupId: source.groupId } }),
  };
}

/** The group's rules after the plan: revoked ids gone, authorized rules added. */
function applyPlan(
  rules: readonly SecurityGroupRule[],
  plan: RemediationPlan,
): SecurityGroupRule[] {
  const revoked = new Set(plan.revoke.map((rule) => rule.ruleId));
  return [
    ...rules.filter((rule) => !revoked.has(rule.SecurityGroupRuleId)),
    ...plan.authorize.map((rule, i) => asSecurityGroupRule(rule, `sgr-new-${i}`)),
  ];
}

function assess(groupCase: GroupCase, rules: readonly SecurityGroupRule[]): Assessment {
  return assessGroup(
    { groupId: GROUP_ID, rules },
    { ports: groupCase.ports, prefixLists: groupCase.prefixLists },
  );
}

function oracleExposed(groupCase: GroupCase, rules: readonly SecurityGroupRule[]): boolean {
  const read = rules.map(oracleRule);
  return groupCase.ports.some(
    (port) => oracleWorldReaches(read, port, groupCase.prefixLists).length > 0,
  );
}

/** The oracle's reading of a rule of the generated group, found by id. */
function originalRule(groupCase: GroupCase, ruleId: string | undefined): OracleRule {
  const raw = groupCase.rules.find((rule) => rule.SecurityGroupRuleId === ruleId);
  if (raw === undefined) throw new Error(`no generated rule ${ruleId}`);
  return oracleRule(raw);
}

const exposureIds = (assessment: Assessment) =>
  assessment.exposures.map((exposure) => exposure.rule.ruleId).sort();

/** ICMP as the source's family speaks it (IPv6 sources and lists answer ICMPv6). */
function icmpOf(rule: OracleRule, groupCase: GroupCase): OracleProtocol {
  const first =
    rule.interval ?? (rule.prefixListId && groupCase.prefixLists.get(rule.prefixListId)?.[0]);
  const family =
    typeof first === 'string' ? oracleInterval(first).family : first ? first.family : 4;
  return family === 6 ? 'icmpv6' : 'icmp';
}

/** Ports where access can change for one source: rule edges ±1 and the guarded ports ±1. */
function gridPorts(rules: readonly OracleRule[], guarded: readonly number[]): number[] {
  const points = new Set([0, 65535]);
  for (const p of [...rules.flatMap((r) => [r.from, r.to]), ...guarded]) {
    for (const q of [p - 1, p, p + 1]) if (q >= 0 && q <= 65535) points.add(q);
  }
  return [...points];
}

/**
 * Every (protocol, port, source) the group allowed before, checked on a finite grid, that the
 * rules after the plan no longer allow, except tcp on a port the assessment called exposed for
 * that source and GRE from a source whose all-traffic rule was reported as dropped. Rules that
 * were not revoked are still there, so only the revoked ones can lose access.
 */
function lostAccess(
  groupCase: GroupCase,
  assessment: Assessment,
  plan: RemediationPlan,
  after: readonly SecurityGroupRule[],
): string[] {
  const revokedIds = new Set(plan.revoke.map((rule) => rule.ruleId));
  const before = groupCase.rules
    .filter((rule) => revokedIds.has(rule.SecurityGroupRuleId))
    .map(oracleRule);
  if (before.length === 0) return [];
  const kept = after.map(oracleRule);
  const exposedKeys = new Map<string, Set<number>>();
  for (const exposure of assessment.exposures) {
    const key = originalRule(groupCase, exposure.rule.ruleId).sourceKey;
    const ports = exposedKeys.get(key) ?? new Set<number>();
    for (const port of exposure.ports) ports.add(port);
    exposedKeys.set(key, ports);
  }
  const droppedKeys = new Set(
    plan.dropped.map((d) => originalRule(groupCase, d.rule.ruleId).sourceKey),
  );
  const lost: string[] = [];
  for (const rule of before) {
    const sameSource = kept.filter((r) => r.sourceKey === rule.sourceKey);
    const ports = gridPorts([rule, ...sameSource], groupCase.ports);
    for (const protocol of ['tcp', 'udp', icmpOf(rule, groupCase), '47']) {
      for (const port of protocol.startsWith('icmp') ? ports.filter((p) => p <= 255) : ports) {
        if (!oracleAllows(rule, protocol, port)) continue;
        if (sameSource.some((r) => oracleAllows(r, protocol, port))) continue;
        if (protocol === 'tcp' && exposedKeys.get(rule.sourceKey)?.has(port)) continue;
        if (protocol === '47' && droppedKeys.has(rule.sourceKey)) continue;
        lost.push(`${protocol} ${port} from ${rule.sourceKey}`);
      }
    }
  }
  return lost;
}

/** Where the assessment disagrees with the oracle about the rules it blames. */
function blameProblems(groupCase: GroupCase, assessment: Assessment): string[] {
  const problems: string[] = [];
  for (const exposure of assessment.exposures) {
    const read = originalRule(groupCase, exposure.rule.ruleId);
    if (read.sourceKey.startsWith('sg:')) problems.push(`${read.id} has a security group source`);
    for (const port of exposure.ports) {
      if (!groupCase.ports.includes(port)) problems.push(`${read.id}: ${port} is not guarded`);
      if (!oracleAllows(read, 'tcp', port)) problems.push(`${read.id} does not reach tcp ${port}`);
    }
  }
  return problems;
}

// Each property checks 10,000 groups; the timeout leaves room for slow CI machines.
const TIMEOUT = 120_000;

describe('assessGroup against the oracle', () => {
  it(
    'finds a group exposed exactly when the oracle sees the world reach a guarded port',
    () => {
      fc.assert(
        fc.property(groupCaseArb, (groupCase) => {
          // Act
          const assessment = assess(groupCase, groupCase.rules);

          // Assess
          const exposed = oracleExposed(groupCase, groupCase.rules);
          expect(assessment.verdict).toBe(exposed ? 'EXPOSED' : 'NOT_EXPOSED');
          expect(blameProblems(groupCase, assessment)).toEqual([]);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});

describe('planRemediation against the oracle', () => {
  it(
    'with narrow, removes every exposure and keeps every other access',
    () => {
      fc.assert(
        fc.property(groupCaseArb, (groupCase) => {
          // Prepare
          const assessment = assess(groupCase, groupCase.rules);

          // Act
          const plan = planRemediation(assessment, { ruleQuota: groupCase.ruleQuota });
          const after = applyPlan(groupCase.rules, plan);

          // Assess
          const fellBack = plan.appliedStrategy === 'revoke';
          expect({
            remaining: assess(groupCase, after).exposures,
            oracleExposed: oracleExposed(groupCase, after),
            revoked: plan.revoke.map((rule) => rule.ruleId).sort(),
            lost: fellBack ? [] : lostAccess(groupCase, assessment, plan, after),
            fallback: fellBack && !/quota/.test(plan.fallbackReason ?? ''),
            authorizedAfterFallback: fellBack ? plan.authorize : [],
          }).toEqual({
            remaining: [],
            oracleExposed: false,
            revoked: exposureIds(assessment),
            lost: [],
            fallback: false,
            authorizedAfterFallback: [],
          });
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'with revoke, revokes only the exposing rules, authorizes nothing, and leaves no exposure',
    () => {
      fc.assert(
        fc.property(groupCaseArb, (groupCase) => {
          // Prepare
          const assessment = assess(groupCase, groupCase.rules);

          // Act
          const plan = planRemediation(assessment, { strategy: 'revoke' });
          const after = applyPlan(groupCase.rules, plan);

          // Assess
          const harmless = plan.revoke
            .map((rule) => originalRule(groupCase, rule.ruleId))
            .filter(
              (read) =>
                read.sourceKey.startsWith('sg:') ||
                !groupCase.ports.some((port) => oracleAllows(read, 'tcp', port)),
            );
          expect({
            applied: plan.appliedStrategy,
            authorize: plan.authorize,
            revoked: plan.revoke.map((rule) => rule.ruleId).sort(),
            harmless,
            remaining: assess(groupCase, after).exposures,
            oracleExposed: oracleExposed(groupCase, after),
          }).toEqual({
            applied: 'revoke',
            authorize: [],
            revoked: exposureIds(assessment),
            harmless: [],
            remaining: [],
            oracleExposed: false,
          });
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});
