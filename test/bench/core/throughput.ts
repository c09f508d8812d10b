/**
 * Benchmark 4: `assessGroup` + `planRemediation` throughput on one core, in rules per second,
 * against a loop that only reads every field of the same rules (the floor of any code that
 * looks at each rule once: it allocates nothing and decides nothing, so it is a reference, not a
 * floor the core could reach). The target is on wall time; the CPU time of the same passes is
 * reported beside it, since on a shared machine wall time also counts the time this thread waits
 * for a core (at a load of about 10 on these 2 cores, a pass took 2.6× its CPU time).
 */
import {
  assessGroup,
  type GroupSnapshot,
  type InboundRule,
  planRemediation,
} from '@sg-guard/remediation-core';
import { type BenchOutcome, infoRow } from '../support/report.js';
import { median, significant, timedSync } from '../support/stats.js';
import { generatePopulation } from './population.js';

/** Options of {@link benchCoreThroughput}. */
export interface CoreThroughputOptions {
  /** Groups in the population. @default 4_000 (about 100,000 rules) */
  readonly groups?: number;
  /** Untimed passes first, so the JIT has compiled the hot paths. @default 5 */
  readonly warmups?: number;
  /** Timed passes; the median is reported. @default 15 */
  readonly repetitions?: number;
}

const TARGET_RULES_PER_SECOND = 1_000_000;

/** One pass of the code under test: assess every group, plan every assessment. */
function assessAndPlan(
  groups: readonly GroupSnapshot[],
  prefixLists: ReturnType<typeof generatePopulation>['prefixLists'],
): number {
  let exposed = 0;
  for (const group of groups) {
    const assessment = assessGroup(group, { ports: [22], prefixLists });
    const plan = planRemediation(assessment, { strategy: 'narrow' });
    if (plan.revoke.length > 0) exposed += 1;
  }
  return exposed;
}

function touch(rule: InboundRule): number {
  const { source } = rule;
  let sum = rule.fromPort + rule.toPort + rule.protocol.length + (rule.ruleId?.length ?? 0);
  sum += rule.description?.length ?? 0;
  if (source.kind === 'cidr') sum += source.cidr.length + source.family.length;
  else if (source.kind === 'prefix-list') sum += source.prefixListId.length;
  else sum += source.groupId.length + (source.userId?.length ?? 0);
  return sum;
}

/** The baseline: read every field of every rule once, and keep a checksum so nothing is elided. */
function touchEveryField(groups: readonly GroupSnapshot[]): number {
  let checksum = 0;
  for (const group of groups) {
    checksum += group.groupId.length;
    for (const rule of group.rules) checksum += touch(rule);
  }
  return checksum;
}

/**
 * Measures both loops over the same generated population, each warmed up, then timed
 * `repetitions` times; reports the medians.
 */
export function benchCoreThroughput(options: CoreThroughputOptions = {}): BenchOutcome {
  const population = generatePopulation({ groups: options.groups ?? 4_000 });
  const { groups, prefixLists, ruleCount } = population;
  const warmups = options.warmups ?? 5;
  const repetitions = options.repetitions ?? 15;

  let exposed = 0;
  let checksum = 0;
  for (let pass = 0; pass < warmups; pass += 1) {
    exposed = assessAndPlan(groups, prefixLists);
    checksum += touchEveryField(groups);
  }
  if (exposed !== population.exposedGroups) {
    throw new Error(
      `the core found ${exposed} exposed groups, the generator made ${population.exposedGroups}`,
    );
  }
  const coreMs: number[] = [];
  const coreCpuMs: number[] = [];
  const baselineMs: number[] = [];
  // The baseline pass is too short to time alone; each sample covers several passes.
  const baselinePasses = 20;
  for (let pass = 0; pass < repetitions; pass += 1) {
    const cpuBefore = process.cpuUsage();
    coreMs.push(timedSync(() => assessAndPlan(groups, prefixLists)));
    const cpu = process.cpuUsage(cpuBefore);
    coreCpuMs.push((cpu.user + cpu.system) / 1_000);
    baselineMs.push(
      timedSync(() => {
        for (let inner = 0; inner < baselinePasses; inner += 1) checksum += touchEveryField(groups);
      }) / baselinePasses,
    );
  }
  if (checksum === 0) throw new Error('the baseline loop read nothing');

  const coreRate = ruleCount / (median(coreMs) / 1_000);
  const baselineRate = ruleCount / (median(baselineMs) / 1_000);
  // Process CPU time: the GC's helper threads count too, so on an idle machine it can exceed
  // the wall time a little.
  const cpuRate = ruleCount / (median(coreCpuMs) / 1_000);
  const perSecond = (rate: number) => `${significant(rate)} rules/s`;
  return {
    rows: [
      {
        metric: 'core: assessGroup + planRemediation (1 core)',
        value: perSecond(coreRate),
        baseline: perSecond(baselineRate),
        ratio: `${significant(baselineRate / coreRate)}× slower`,
        target: `≥ ${significant(TARGET_RULES_PER_SECOND)} rules/s`,
        pass: coreRate >= TARGET_RULES_PER_SECOND,
      },
      infoRow(
        'core: the same passes in CPU time (process.cpuUsage, median)',
        perSecond(cpuRate),
        '—',
        `wall ÷ CPU ${significant(median(coreMs) / median(coreCpuMs))}×`,
      ),
      infoRow(
        'core: population',
        `${groups.length} groups, ${ruleCount} rules, ${population.exposedGroups} exposed`,
      ),
    ],
    figures: {
      coreRulesPerSecond: coreRate,
      coreBaselineRulesPerSecond: baselineRate,
      coreRuleCount: ruleCount,
      coreMedianPassMs: median(coreMs),
      coreCpuRulesPerSecond: cpuRate,
      coreMedianPassCpuMs: median(coreCpuMs),
    },
    notes: [
      `core: ${repetitions} timed passes over ${ruleCount} rules after ${warmups} warm-ups; median pass ${significant(median(coreMs))} ms (baseline ${significant(median(baselineMs), 2)} ms).`,
    ],
  };
}
