/**
 * The core benchmark's pass split by phase, to see where a pass spends its time:
 * `node --import tsx test/bench/core/phases.ts`. Each phase runs over the whole population,
 * warmed up, and reports its median (CPU time and wall time) over repeated passes.
 */
import {
  type Assessment,
  assessGroup,
  planRemediation,
  prefixListsToResolve,
  toGroupSnapshot,
} from '@sg-guard/remediation-core';
import { median, nowMs } from '../support/stats.js';
import { generatePopulation } from './population.js';

const { groups, prefixLists, ruleCount } = generatePopulation({ groups: 4_000 });
const assessments: Assessment[] = groups.map((group) =>
  assessGroup(group, { ports: [22], prefixLists }),
);
let sink = 0;
const phases: Record<string, () => void> = {
  toGroupSnapshot: () => {
    for (const group of groups) sink += toGroupSnapshot(group).rules.length;
  },
  'prefixListsToResolve (snapshot + one pass over the rules)': () => {
    for (const group of groups) sink += prefixListsToResolve(group, [22]).length;
  },
  assessGroup: () => {
    for (const group of groups)
      sink += assessGroup(group, { ports: [22], prefixLists }).exposures.length;
  },
  planRemediation: () => {
    for (const assessment of assessments) {
      sink += planRemediation(assessment, { strategy: 'narrow' }).revoke.length;
    }
  },
  'assessGroup + planRemediation': () => {
    for (const group of groups) {
      const assessment = assessGroup(group, { ports: [22], prefixLists });
      sink += planRemediation(assessment, { strategy: 'narrow' }).revoke.length;
    }
  },
};
const passes = Number(process.argv[2] ?? 30);
for (const [name, run] of Object.entries(phases)) {
  for (let pass = 0; pass < 5; pass += 1) run();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let pass = 0; pass < passes; pass += 1) {
    const c0 = process.cpuUsage();
    const t0 = nowMs();
    run();
    wall.push(nowMs() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1_000);
  }
  const ms = median(cpu);
  process.stdout.write(
    `${name}: cpu ${ms.toFixed(1)} ms, wall ${median(wall).toFixed(1)} ms per pass (${Math.round(ruleCount / (ms / 1_000)).toLocaleString('en-US')} rules/s of CPU time)\n`,
  );
}
if (sink === 0) throw new Error('nothing measured');
