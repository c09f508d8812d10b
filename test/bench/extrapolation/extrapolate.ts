/**
 * Benchmark 5, on paper: from the figures measured in this run to an organization of 1,000
 * accounts × 17 regions. Every number that was not measured here is a named assumption below,
 * printed with the result.
 */
import { formatMs, significant } from '../support/stats.js';
import { type DeploymentFacts, readDeploymentFacts } from './deployment.js';

/** What was not measured, stated once. */
export const ASSUMPTIONS = {
  accounts: 1_000,
  regions: 17,
  /** Real DescribeSecurityGroupRules / DescribeSecurityGroups latency per page of ≤ 1,000. */
  describePageMs: [100, 300],
  /** Any other AWS call (AssumeRole, Revoke, Publish, Organizations), per round trip. */
  callMs: [50, 300],
  /** Deploying one member stack instance (Config rule, Lambda, roles, rules, queue, alarms). */
  stackInstanceMinutes: [2, 5],
  findingsPerDay: 1_000,
  daysPerMonth: 30,
  /** A finding usually arrives twice: CloudTrail fast path, then Config (the second is a no-op). */
  invocationsPerFinding: 2,
  /** Lambda arm64, us-east-1 list price (2025): per GB-second and per million requests. */
  pricePerGbSecond: 0.0000133334,
  pricePerMillionRequests: 0.2,
  /** Runtime start before our module loads, billed with the init phase. */
  runtimeInitMs: 150,
} as const;

/** The extrapolation as sentences and as figures. */
export interface Extrapolation {
  readonly lines: readonly string[];
  readonly figures: Readonly<Record<string, number>>;
}

const SIMULATED = '50 ms added to every call by a proxy';
const minutes = (ms: number) => `${significant(ms / 60_000, 2)} min`;
const dollars = (value: number) => `$${value < 1 ? value.toFixed(3) : value.toFixed(2)}`;

function auditLines(f: Readonly<Record<string, number>>, out: Record<string, number>): string[] {
  const { accounts, regions, describePageMs, callMs } = ASSUMPTIONS;
  const accountRegions = accounts * regions;
  const concurrency = f.auditDefaultConcurrency ?? 8;
  const lines: string[] = [];
  if (f.auditSequentialMs !== undefined && f.auditAccountRegions && f.auditDefaultMs) {
    // Scaled from the emulator: its cost per account-region is CPU in moto, not network latency.
    const perRegion = f.auditSequentialMs / f.auditAccountRegions;
    const speedup = f.auditSequentialMs / f.auditDefaultMs;
    out.auditOrgEmulatorMs = (perRegion * accountRegions) / speedup;
    lines.push(
      `Audit, scaled from the emulator: ${formatMs(perRegion)} per account-region at concurrency 1, ${significant(speedup)}× faster at ${concurrency} → ${minutes(out.auditOrgEmulatorMs)} for ${accountRegions.toLocaleString('en-US')} account-regions (moto's cost is CPU on this machine, so this is a bound for this machine, not for AWS).`,
    );
  }
  if (f.auditLatencySequentialMs && f.auditLatencyDefaultMs) {
    lines.push(
      `With ${SIMULATED}: concurrency ${concurrency} ran the audit ${significant(f.auditLatencySequentialMs / f.auditLatencyDefaultMs)}× faster than concurrency 1 (${formatMs(f.auditLatencyDefaultMs)} vs ${formatMs(f.auditLatencySequentialMs)}), still bounded by moto's own time; against AWS, whose describes are latency, not a shared CPU, the speedup approaches ${concurrency}×.`,
    );
  }
  // Real AWS: each account-region is one round of both describes at once (one page each up to
  // 1,000 rules), and each account one AssumeRole, every one holding a slot of `concurrency`.
  const slotsMs = [0, 1].map(
    (i) => accountRegions * (describePageMs[i] as number) + accounts * (callMs[i] as number),
  );
  out.auditOrgAwsLowMs = (slotsMs[0] as number) / concurrency;
  out.auditOrgAwsHighMs = (slotsMs[1] as number) / concurrency;
  lines.push(
    `Audit on AWS at the default concurrency (${concurrency}): ${accountRegions.toLocaleString('en-US')} account-regions × one round of both describes (${describePageMs[0]}–${describePageMs[1]} ms per page of ≤ 1,000 rules, both at once) + ${accounts.toLocaleString('en-US')} AssumeRole (${callMs[0]}–${callMs[1]} ms) ÷ ${concurrency} → ${minutes(out.auditOrgAwsLowMs)}–${minutes(out.auditOrgAwsHighMs)}; regions with more than 1,000 rules add a page each. Assessing is not the bottleneck: at the measured core rate, 1,000 rules per account-region take ${f.coreRulesPerSecond ? formatMs((accountRegions * 1_000 * 1_000) / f.coreRulesPerSecond) : 'n/a'} in all.`,
  );
  return lines;
}

function rolloutLines(facts: DeploymentFacts, out: Record<string, number>): string[] {
  const { accounts, regions, stackInstanceMinutes } = ASSUMPTIONS;
  const maxConcurrent = Math.max(1, Math.floor((accounts * facts.maxConcurrentPercentage) / 100));
  const tolerance = Math.floor((accounts * facts.failureTolerancePercentage) / 100);
  const perRegion =
    facts.concurrencyMode === 'STRICT_FAILURE_TOLERANCE'
      ? Math.min(maxConcurrent, tolerance + 1)
      : maxConcurrent;
  const waves = Math.ceil(accounts / perRegion);
  const regionFactor = facts.regionConcurrency === 'parallel' ? 1 : regions;
  out.rolloutWaves = waves;
  out.rolloutConcurrentAccounts = perRegion;
  out.rolloutLowMinutes = waves * regionFactor * (stackInstanceMinutes[0] as number);
  out.rolloutHighMinutes = waves * regionFactor * (stackInstanceMinutes[1] as number);
  return [
    `StackSet rollout: maxConcurrentPercentage ${facts.maxConcurrentPercentage} % (${maxConcurrent} accounts), failureTolerancePercentage ${facts.failureTolerancePercentage} % (${tolerance}), ${facts.concurrencyMode}${facts.concurrencyMode === 'STRICT_FAILURE_TOLERANCE' ? " (CloudFormation's default; the rollout stack sets no mode)" : ' (set by the rollout stack)'} → ${perRegion} accounts at once per region, ${waves} waves; regions ${facts.regionConcurrency}${facts.regionConcurrency === 'parallel' ? '' : ` (×${regions})`}; at ${stackInstanceMinutes[0]}–${stackInstanceMinutes[1]} min per stack instance → ${out.rolloutLowMinutes}–${out.rolloutHighMinutes} min for ${(accounts * regions).toLocaleString('en-US')} instances (StackSets' own quotas on concurrent operations may slow it further; accounts that join later are deployed by auto-deployment, which ignores these preferences).`,
  ];
}

function costLines(
  f: Readonly<Record<string, number>>,
  facts: DeploymentFacts,
  out: Record<string, number>,
): string[] {
  const { findingsPerDay, daysPerMonth, invocationsPerFinding, callMs, runtimeInitMs } =
    ASSUMPTIONS;
  const invocations = findingsPerDay * daysPerMonth * invocationsPerFinding;
  const gb = facts.memoryMb / 1024;
  const ownMs = Math.max(0, (f.timeToFixHandlerMs ?? 0) - (f.timeToFixFloorMs ?? 0));
  // The import overhead measured on the Lambda's runtime (Node 24), else on this Node.
  const importMs =
    f.coldStartOverheadMs_Node24_deployed ?? f.coldStartOverheadMs_Node20_deployed ?? 0;
  const initMs = runtimeInitMs + importMs;
  // Warm: 5 round trips (both describes at once, ledger intent, revoke, publish, ledger close).
  // Cold: plus the mode map's GetObject, plus the init phase (billed since 2025).
  const warmMs = 5 * (callMs[0] as number) + ownMs;
  const coldMs = 6 * (callMs[1] as number) + ownMs + initMs;
  const cost = (ms: number) =>
    invocations * (ms / 1000) * gb * ASSUMPTIONS.pricePerGbSecond +
    (invocations / 1e6) * ASSUMPTIONS.pricePerMillionRequests;
  out.lambdaInvocationsPerMonth = invocations;
  out.lambdaCostLowPerMonth = cost(warmMs);
  out.lambdaCostHighPerMonth = cost(coldMs);
  const measured = f.timeToFixHandlerMs
    ? ` The emulator's warm handler time, ${formatMs(f.timeToFixHandlerMs)}, would cost ${dollars(cost(f.timeToFixHandlerMs))}.`
    : '';
  return [
    `Lambda cost at ${findingsPerDay.toLocaleString('en-US')} findings/day: ${invocations.toLocaleString('en-US')} invocations/month (${invocationsPerFinding} per finding), ${facts.memoryMb} MB ${facts.architecture} at $${ASSUMPTIONS.pricePerGbSecond}/GB-s and $${ASSUMPTIONS.pricePerMillionRequests}/million requests; ${formatMs(warmMs)} each (all warm, ${callMs[0]} ms calls) to ${formatMs(coldMs)} (all cold: ${callMs[1]} ms calls, mode map read, ${formatMs(initMs)} init) → ${dollars(out.lambdaCostLowPerMonth)}–${dollars(out.lambdaCostHighPerMonth)} per month for the whole organization, before the free tier.${measured}`,
  ];
}

/** The extrapolation from whatever figures this run measured. */
export function extrapolate(figures: Readonly<Record<string, number>>): Extrapolation {
  const out: Record<string, number> = {};
  const facts = readDeploymentFacts();
  const lines = [
    ...(figures.auditSequentialMs !== undefined ? auditLines(figures, out) : []),
    ...rolloutLines(facts, out),
    ...costLines(figures, facts, out),
  ];
  return { lines, figures: out };
}
