/**
 * The core benchmark's loop alone, for a CPU profile:
 * `node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx test/bench/core/profile.ts [passes]`.
 * Prints the median pass and rules/s; the profile shows where a pass spends its time.
 */
import { assessGroup, planRemediation } from '@sg-guard/remediation-core';
import { median, nowMs } from '../support/stats.js';
import { generatePopulation } from './population.js';

const passes = Number(process.argv[2] ?? 20);
const { groups, prefixLists, ruleCount } = generatePopulation({ groups: 4_000 });
const samples: number[] = [];
let exposed = 0;
for (let pass = 0; pass < passes; pass += 1) {
  const start = nowMs();
  exposed = 0;
  for (const group of groups) {
    const assessment = assessGroup(group, { ports: [22], prefixLists });
    const plan = planRemediation(assessment, { strategy: 'narrow' });
    if (plan.revoke.length > 0) exposed += 1;
  }
  samples.push(nowMs() - start);
}
const ms = median(samples);
process.stdout.write(
  `${passes} passes, ${ruleCount} rules, ${exposed} exposed groups: median ${ms.toFixed(1)} ms, ${Math.round(ruleCount / (ms / 1_000)).toLocaleString('en-US')} rules/s\n`,
);
