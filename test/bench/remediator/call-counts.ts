/**
 * AWS calls per remediation, by name, counted by a proxy in front of the emulator: on a cold
 * container (every cache empty: org reader credentials, account policy, prefix lists) for each
 * way an account's mode can be set, and on the warm container that follows.
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

const TARGET_WARM = 4;
const TARGET_COLD = 8;

const LAYOUT_LABEL: Readonly<Record<PolicyLayout, string>> = {
  account: 'mode tag on the account',
  ou: 'mode tag on its OU',
  default: 'no mode tag, default mode',
};

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
  try {
    let warmTotal = 0;
    let warmCalls: Record<string, number> = {};
    for (const layout of ['account', 'ou', 'default'] as const) {
      const account = world.accounts[layout];
      const { cold, warm } = await coldThenWarm(world, counter, account, layout, () =>
        createExposedGroup(account, `count-cold-${layout}`),
      );
      rows.push({
        metric: `AWS calls per remediation, cold (${LAYOUT_LABEL[layout]})`,
        value: String(cold.total),
        baseline: '3',
        ratio: '—',
        target: `≤ ${TARGET_COLD}`,
        pass: cold.total <= TARGET_COLD,
      });
      figures[`callsCold_${layout}`] = cold.total;
      notes.push(`calls, cold, ${LAYOUT_LABEL[layout]}: ${describeCounts(cold.calls)}.`);
      warmTotal = Math.max(warmTotal, warm.total);
      warmCalls = warm.calls;
    }
    // A group whose exposure comes through a prefix list also fills the prefix list cache.
    const account = world.accounts.account;
    const prefixList = await coldThenWarm(world, counter, account, 'prefix-list', async () => {
      const opened = await openSsh(account.ec2, 'world-prefix-list', {
        groupName: 'count-cold-prefix-list',
        vpcId: account.vpcId,
      });
      return opened.groupId;
    });
    rows.push({
      metric: 'AWS calls per remediation, cold (tag on account, group with a prefix list)',
      value: String(prefixList.cold.total),
      baseline: '3',
      ratio: '—',
      target: `≤ ${TARGET_COLD}`,
      pass: prefixList.cold.total <= TARGET_COLD,
    });
    figures.callsCold_prefixList = prefixList.cold.total;
    notes.push(
      `calls, cold, tag on account, world prefix list: ${describeCounts(prefixList.cold.calls)}.`,
    );
    rows.splice(0, 0, {
      metric: 'AWS calls per remediation, warm',
      value: String(warmTotal),
      baseline: '3',
      ratio: '—',
      target: `≤ ${TARGET_WARM}`,
      pass: warmTotal <= TARGET_WARM,
    });
    figures.callsWarm = warmTotal;
    notes.unshift(`calls, warm (any layout): ${describeCounts(warmCalls)}.`);
  } finally {
    await counter.stop();
  }
  return { rows, figures, notes };
}
