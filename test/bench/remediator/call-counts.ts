/**
 * AWS calls per remediation, by name, counted by a proxy in front of the emulator: on a cold
 * container (every cache empty: the account's mode, prefix lists) for each way an account's mode
 * can be set, and on the warm container that follows. Since the mode map, the layout must not
 * change the count: a cold container reads its one object, a warm one nothing.
 */
import { openSsh } from '@sg-guard/emulator';
import {
  type CallCounter,
  countByName,
  describeCounts,
  startCallCounter,
} from '../support/call-counter.js';
import type { BenchRow } from '../support/report.js';
import { containerFor, remediate } from './container.js';
import {
  type BenchAccount,
  createExposedGroup,
  type PolicyLayout,
  type RemediatorWorld,
} from './fixture.js';

/**
 * What a warm remediation needs (issue 9's floor plus the group's own describe, which runs at
 * the same time as the rules'): both describes, the ledger intent, the revoke, the mail, the
 * ledger close.
 */
export const EXPECTED_WARM: Readonly<Record<string, number>> = {
  'dynamodb:TransactWriteItems': 1,
  'dynamodb:UpdateItem': 1,
  'ec2:DescribeSecurityGroupRules': 1,
  'ec2:DescribeSecurityGroups': 1,
  'ec2:RevokeSecurityGroupIngress': 1,
  'sns:Publish': 1,
};

/** A cold container adds exactly its mode map object. */
export const EXPECTED_COLD: Readonly<Record<string, number>> = {
  ...EXPECTED_WARM,
  's3:GetObject': 1,
};

/** The floor of issue 9: describe, ledger intent, revoke, publish, ledger close. */
const FLOOR_CALLS = 5;

const LAYOUT_LABEL: Readonly<Record<PolicyLayout, string>> = {
  account: 'mode tag on the account',
  ou: 'mode tag on its OU',
  default: 'no mode tag, default mode',
};

function sameCounts(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>) {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => a[key] === b[key]);
}

async function countedCalls(counter: CallCounter, task: () => Promise<unknown>) {
  counter.reset();
  await task();
  const calls = countByName(counter.calls());
  return { total: Object.values(calls).reduce((sum, n) => sum + n, 0), calls };
}

/** One cold container: its first remediation, then a second one (warm). */
async function coldThenWarm(
  world: RemediatorWorld,
  counter: CallCounter,
  account: BenchAccount,
  label: string,
  firstGroup: () => Promise<string>,
) {
  const handler = containerFor(world, account, counter.endpoint);
  const coldGroup = await firstGroup();
  const cold = await countedCalls(counter, () => remediate(handler, account, coldGroup));
  const warmGroup = await createExposedGroup(account, `count-warm-${label}`);
  const warm = await countedCalls(counter, () => remediate(handler, account, warmGroup));
  return { cold, warm };
}

/** Counts calls for every policy layout; rows, figures and the calls by name. */
export async function countRemediationCalls(world: RemediatorWorld): Promise<{
  rows: BenchRow[];
  figures: Record<string, number>;
  notes: string[];
}> {
  const counter = await startCallCounter(world.endpoint);
  const rows: BenchRow[] = [];
  const figures: Record<string, number> = {};
  const notes: string[] = [];
  const expectedCold = describeCounts(EXPECTED_COLD);
  try {
    const warmSeen: Record<string, number>[] = [];
    for (const layout of ['account', 'ou', 'default'] as const) {
      const account = world.accounts[layout];
      const { cold, warm } = await coldThenWarm(world, counter, account, layout, () =>
        createExposedGroup(account, `count-cold-${layout}`),
      );
      const ok = sameCounts(cold.calls, EXPECTED_COLD);
      rows.push({
        metric: `AWS calls per remediation, cold (${LAYOUT_LABEL[layout]})`,
        value: String(cold.total),
        baseline: `floor ${FLOOR_CALLS}`,
        ratio: '—',
        target: 'warm + 1 GetObject, no STS/Organizations',
        pass: ok,
      });
      figures[`callsCold_${layout}`] = cold.total;
      notes.push(
        `calls, cold, ${LAYOUT_LABEL[layout]}: ${describeCounts(cold.calls)}${ok ? '' : ` (expected ${expectedCold})`}.`,
      );
      warmSeen.push(warm.calls);
    }
    // A group exposed through a prefix list also fills the prefix list cache.
    const account = world.accounts.account;
    const prefixList = await coldThenWarm(world, counter, account, 'prefix-list', async () => {
      const opened = await openSsh(account.ec2, 'world-prefix-list', {
        groupName: 'count-cold-prefix-list',
        vpcId: account.vpcId,
      });
      return opened.groupId;
    });
    rows.push({
      metric: 'AWS calls per remediation, cold (group with a world prefix list)',
      value: String(prefixList.cold.total),
      baseline: `floor ${FLOOR_CALLS}`,
      ratio: '—',
      target: '—',
    });
    figures.callsCold_prefixList = prefixList.cold.total;
    notes.push(
      `calls, cold, world prefix list: ${describeCounts(prefixList.cold.calls)} (the list's entries are read once per container).`,
    );
    const warmOk = warmSeen.every((calls) => sameCounts(calls, EXPECTED_WARM));
    const warmTotal = Math.max(
      ...warmSeen.map((calls) => Object.values(calls).reduce((s, n) => s + n, 0)),
    );
    rows.splice(0, 0, {
      metric: 'AWS calls per remediation, warm (every layout)',
      value: String(warmTotal),
      baseline: `floor ${FLOOR_CALLS}`,
      ratio: `${(warmTotal / FLOOR_CALLS).toFixed(2)}×`,
      target: 'floor + DescribeSecurityGroups (in parallel)',
      pass: warmOk,
    });
    figures.callsWarm = warmTotal;
    notes.unshift(
      `calls, warm (every layout): ${warmSeen.map((calls) => describeCounts(calls)).find(() => true)}${warmOk ? '' : ` — expected ${describeCounts(EXPECTED_WARM)}; seen ${warmSeen.map((c) => describeCounts(c)).join(' | ')}`}.`,
    );
  } finally {
    await counter.stop();
  }
  return { rows, figures, notes };
}
