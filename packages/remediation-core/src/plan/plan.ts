/**
 * The smallest change that removes every exposure of one group (DESIGN.md, "Remediation").
 * Pure: the plan is data that an adapter applies, authorizations first.
 */
import { InvalidSettingsError } from '../errors.js';
import type {
  AddressFamily,
  Assessment,
  DroppedAccess,
  InboundRule,
  PlanOptions,
  RemediationPlan,
  RemediationStrategy,
  RuleSource,
  RuleToAuthorize,
} from '../model.js';
import { narrowExposure } from './narrow.js';

/** EC2's default quota of inbound rules per security group and address family. */
export const DEFAULT_RULE_QUOTA = 60;

/** How an exposure is closed when the settings say nothing: narrowed. */
export const DEFAULT_STRATEGY: RemediationStrategy = 'narrow';

/** Every way to close an exposure: narrow the exposing rules, or revoke them. */
export const STRATEGIES = ['narrow', 'revoke'] as const satisfies readonly RemediationStrategy[];

/** Counts a rule against its CIDR's family, or both for prefix lists and security groups. */
function count(counts: Record<AddressFamily, number>, rule: RuleToAuthorize): void {
  if (rule.source.kind === 'cidr') {
    counts[rule.source.family] += 1;
  } else {
    counts.ipv4 += 1;
    counts.ipv6 += 1;
  }
}

/**
 * Inbound rules per family while the plan is applied. Authorizations come before revocations,
 * so the peak is the group's rules plus every authorized rule.
 */
export function peakRuleCounts(
  rules: readonly RuleToAuthorize[],
  authorize: readonly RuleToAuthorize[],
): Record<AddressFamily, number> {
  const counts: Record<AddressFamily, number> = { ipv4: 0, ipv6: 0 };
  for (const rule of rules) count(counts, rule);
  for (const rule of authorize) count(counts, rule);
  return counts;
}

/**
 * Whether two rules grant the same: same protocol, ports, source kind and source id. Rules of an
 * assessment are canonical (`toGroupSnapshot`), and so are the narrowed rules built from them, so
 * equal access means equal fields. Security group ids are unique across accounts, so the account
 * id is left out.
 */
function sameGrant(a: RuleToAuthorize, b: RuleToAuthorize): boolean {
  return (
    a.protocol === b.protocol &&
    a.fromPort === b.fromPort &&
    a.toPort === b.toPort &&
    a.source.kind === b.source.kind &&
    sourceId(a.source) === sourceId(b.source)
  );
}

/** The CIDR, prefix list id or group id of a source. */
function sourceId(source: RuleSource): string {
  return source.kind === 'cidr'
    ? source.cidr
    : source.kind === 'prefix-list'
      ? source.prefixListId
      : source.groupId;
}

function validated(options: PlanOptions): { strategy: RemediationStrategy; ruleQuota: number } {
  const strategy = options.strategy ?? DEFAULT_STRATEGY;
  if (!(STRATEGIES as readonly string[]).includes(strategy)) {
    throw new InvalidSettingsError('strategy', `expected narrow or revoke, got ${strategy}`);
  }
  const ruleQuota = options.ruleQuota ?? DEFAULT_RULE_QUOTA;
  if (!Number.isInteger(ruleQuota) || ruleQuota < 1) {
    throw new InvalidSettingsError('ruleQuota', `expected a positive integer, got ${ruleQuota}`);
  }
  return { strategy, ruleQuota };
}

/** A plan that revokes the exposing rules and authorizes nothing. */
function revokePlan(
  assessment: Assessment,
  strategy: RemediationStrategy,
  appliedStrategy: RemediationStrategy,
  revoke: readonly InboundRule[],
  fallbackReason?: string,
): RemediationPlan {
  const plan: RemediationPlan = {
    groupId: assessment.groupId,
    strategy,
    appliedStrategy,
    authorize: [],
    revoke,
    dropped: [],
  };
  return fallbackReason === undefined ? plan : Object.assign(plan, { fallbackReason });
}

/**
 * Plans the remediation of an assessment.
 *
 * - `revoke`: revoke each exposing rule, authorize nothing.
 * - `narrow` (default): for each exposing rule, authorize what it allowed minus tcp on its
 *   exposed ports (same source and description), then revoke it; see `narrowExposure`. An
 *   authorization that a kept rule (or an earlier authorization) already grants is left out.
 *   Authorizations are applied before revocations, so the quota is checked at that peak: when
 *   the group's current rules plus the authorizations would pass `ruleQuota` in a family (CIDR
 *   rules count in their family, prefix-list and security-group rules in both), the whole plan
 *   falls back to `revoke` and `fallbackReason` says why.
 *
 * Rules without `ruleId` are planned too (so `explain` works offline); an adapter needs ids to
 * revoke.
 *
 * @throws InvalidSettingsError for an unknown strategy or a quota that is not a positive integer.
 * @example
 * planRemediation(assessGroup(group)) // tcp 0-65535 from 0.0.0.0/0 →
 * // { authorize: [tcp 0-21, tcp 23-65535 from 0.0.0.0/0], revoke: [the original rule], … }
 */
export function planRemediation(
  assessment: Assessment,
  options: PlanOptions = {},
): RemediationPlan {
  const { strategy, ruleQuota } = validated(options);
  const revoke = assessment.exposures.map((exposure) => exposure.rule);
  if (strategy === 'revoke' || revoke.length === 0) {
    return revokePlan(assessment, strategy, strategy, revoke);
  }

  const revokedIds = new Set<string>();
  for (const rule of revoke) if (rule.ruleId) revokedIds.add(rule.ruleId);
  // What the group grants after the plan, to leave out an authorization it already has. A
  // narrowed rule keeps its exposing rule's source, so only kept rules from one of those
  // sources can grant it: the others (most of a group's rules) are not collected.
  const granted: RuleToAuthorize[] = [];
  for (const rule of assessment.rules) {
    if (!revoke.some((revoked) => sourceId(revoked.source) === sourceId(rule.source))) continue;
    if (revoke.includes(rule) || (rule.ruleId && revokedIds.has(rule.ruleId))) continue;
    granted.push(rule);
  }
  const authorize: RuleToAuthorize[] = [];
  const dropped: DroppedAccess[] = [];
  for (const exposure of assessment.exposures) {
    const narrowing = narrowExposure(exposure);
    for (const rule of narrowing.authorize) {
      if (granted.some((other) => sameGrant(other, rule))) continue;
      granted.push(rule);
      authorize.push(rule);
    }
    if (narrowing.dropped) dropped.push(narrowing.dropped);
  }

  const peak = peakRuleCounts(assessment.rules, authorize);
  const over = (['ipv4', 'ipv6'] as const).filter((family) => peak[family] > ruleQuota);
  if (over.length > 0) {
    const detail = over.map((family) => `${family} ${peak[family]}`).join(', ');
    return revokePlan(
      assessment,
      strategy,
      'revoke',
      revoke,
      `narrowing would need ${authorize.length} new rule(s), bringing the group to ${detail} inbound rules, over the quota of ${ruleQuota} per family; revoking the exposing rules instead`,
    );
  }
  return {
    groupId: assessment.groupId,
    strategy,
    appliedStrategy: 'narrow',
    authorize,
    revoke,
    dropped,
  };
}
