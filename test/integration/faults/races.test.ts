import { describeInboundRuleDetails, describeInboundRules, openSsh } from '@sg-guard/emulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy.js';
import { readNotices } from '../../support/notices.js';
import { coldStart, type Remediator } from '../../support/remediator.js';
import { buildWorld, type World } from '../../support/world.js';
import {
  deliver,
  eventOf,
  inspector,
  TRIGGER_KINDS,
  type TriggerKind,
  targetOf,
} from './support.js';

let world: World;
let proxy: FaultProxy;
beforeEach(async () => {
  world = await buildWorld();
  proxy = await startFaultProxy({ target: world.endpoint, seed: 3 });
});
afterEach(async () => {
  await proxy.close();
});

/**
 * Holds the first `count` ledger writes until all of them have arrived, so the containers take
 * the group's lease at the same moment (not merely close together).
 */
function barrierOnLedgerWrites(count: number): () => number {
  let arrived = 0;
  let release: () => void = () => undefined;
  const open = new Promise<void>((resolve) => {
    release = resolve;
  });
  proxy.before({
    actions: ['dynamodb:UpdateItem'],
    times: count,
    run: async () => {
      arrived += 1;
      if (arrived === count) release();
      // Never hold on forever: a container that did not get here must not wedge the others.
      await Promise.race([open, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    },
  });
  return () => arrived;
}

async function race(kinds: readonly TriggerKind[]) {
  const ec2 = world.account('enforced').ec2();
  const opened = await openSsh(ec2, 'tcp-all-ports-world');
  const [rule] = await describeInboundRuleDetails(ec2, opened.groupId);
  const target = targetOf(world, 'enforced', opened.groupId);
  const containers: Remediator[] = [];
  for (const _ of kinds) {
    containers.push(await coldStart(world, { account: 'enforced', endpoint: proxy.endpoint }));
  }
  const arrived = barrierOnLedgerWrites(kinds.length);

  const deliveries = await Promise.all(
    kinds.map((kind, index) =>
      deliver(
        () => containers[index] as Remediator,
        eventOf(kind, target, rule?.SecurityGroupRuleId ?? ''),
      ),
    ),
  );

  expect(arrived()).toBe(kinds.length);
  expect(deliveries.every((delivery) => delivery.succeeded)).toBe(true);
  expect(await describeInboundRules(ec2, opened.groupId)).toEqual(opened.expectedAfter('narrow'));
  // One change: the narrowing authorized once, the exposing rule revoked once.
  expect(proxy.count('ec2:AuthorizeSecurityGroupIngress')).toBe(1);
  expect(proxy.count('ec2:RevokeSecurityGroupIngress')).toBe(1);
  // One mail, and the ledger holds that one change.
  const notices = await readNotices(world);
  expect(notices.map((notice) => notice.record?.action)).toEqual(['remediated']);
  const entries = await inspector(world, 'enforced').entries(opened.groupId);
  expect(entries.map((entry) => entry.status)).toEqual(['published']);
  expect(entries[0]?.record).toEqual(notices[0]?.record);
}

describe('handler instances racing on one group at the same moment', () => {
  for (const kind of TRIGGER_KINDS) {
    it(`three containers, each with a ${kind} event: one change, one mail`, async () => {
      await race([kind, kind, kind]);
    });
  }

  it('one container per trigger kind at once: one change, one mail', async () => {
    await race(TRIGGER_KINDS);
  });

  it('two containers with a direct event and a Config one: one change, one mail', async () => {
    await race(['direct', 'config-sns']);
  });
});
