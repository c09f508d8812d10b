/**
 * The AWS calls of one org-wide audit, counted by a proxy in front of the emulator: how many
 * describes each account-region costs (target: one paginated describe of rules and one of
 * groups per region, never one per group), and everything else by name.
 */
import {
  type CountedCall,
  countByName,
  describeCounts,
  startCallCounter,
} from '../support/call-counter.js';
import type { BenchRow } from '../support/report.js';
import { runAudit } from './cli-audit.js';
import type { AuditEstate } from './estate.js';

const DESCRIBE_RULES = 'ec2:DescribeSecurityGroupRules';
const DESCRIBE_GROUPS = 'ec2:DescribeSecurityGroups';

/** Describe calls per account-region: each account signs with its own assumed-role key. */
function describesPerAccountRegion(calls: readonly CountedCall[]) {
  const perAccountRegion = new Map<string, { rules: number; groups: number }>();
  for (const call of calls) {
    if (call.name !== DESCRIBE_RULES && call.name !== DESCRIBE_GROUPS) continue;
    const key = `${call.accessKeyId} ${call.region}`;
    const counts = perAccountRegion.get(key) ?? { rules: 0, groups: 0 };
    if (call.name === DESCRIBE_RULES) counts.rules += 1;
    else counts.groups += 1;
    perAccountRegion.set(key, counts);
  }
  const all = [...perAccountRegion.values()];
  return {
    accountRegions: all.length,
    maxRules: Math.max(0, ...all.map((counts) => counts.rules)),
    maxGroups: Math.max(0, ...all.map((counts) => counts.groups)),
  };
}

/** Runs one audit at the default concurrency through the counting proxy. */
export async function countAuditCalls(
  endpoint: string,
  estate: AuditEstate,
  directory: string,
): Promise<{ rows: BenchRow[]; figures: Record<string, number>; notes: string[] }> {
  const counter = await startCallCounter(endpoint);
  try {
    counter.reset();
    await runAudit(counter.endpoint, estate, undefined, directory);
    const calls = counter.calls();
    const expected = estate.accounts.length * estate.regions.length;
    const describes = describesPerAccountRegion(calls);
    const byName = countByName(calls);
    const total = calls.length;
    const others = Object.fromEntries(
      Object.entries(byName).filter(
        ([name]) => name !== DESCRIBE_RULES && name !== DESCRIBE_GROUPS,
      ),
    );
    const onePerRegion =
      describes.accountRegions === expected && describes.maxRules <= 1 && describes.maxGroups <= 1;
    return {
      rows: [
        {
          metric: 'audit: describe calls per account-region',
          value: `${describes.maxRules} rules + ${describes.maxGroups} groups`,
          baseline: `${estate.rules} rules in ${expected} account-regions`,
          ratio: '—',
          target: '1 + 1 per region (paginated)',
          pass: onePerRegion,
        },
        {
          metric: 'audit: AWS calls in total (vs describes alone)',
          value: String(total),
          baseline: String(2 * expected),
          ratio: `${(total / (2 * expected)).toFixed(2)}×`,
          target: '—',
        },
      ],
      figures: {
        auditCallsTotal: total,
        auditDescribeRulesPerRegion: describes.maxRules,
        auditDescribeGroupsPerRegion: describes.maxGroups,
      },
      notes: [
        `audit calls by name: ${describeCounts(byName)}.`,
        `audit calls besides the describes: ${describeCounts(others)} (entering each account once, its mode from the organization's tags, the caller once).`,
      ],
    };
  } finally {
    await counter.stop();
  }
}
