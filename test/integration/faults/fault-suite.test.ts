import { writeFileSync } from 'node:fs';
import {
  defaultVpcId,
  describeInboundRuleDetails,
  describeInboundRules,
  type OpenedGroup,
  openSsh,
  SSH_SHAPES,
} from '@sg-guard/emulator';
import type { RemediationRecord } from '@sg-guard/remediation-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy.js';
import { readNotices, ruleLines } from '../../support/notices.js';
import { coldStart, type Remediator } from '../../support/remediator.js';
import { buildWorld, type World } from '../../support/world.js';
import {
  type Delivery,
  deliver,
  diff,
  eventOf,
  inspector,
  pool,
  scheduledEvent,
  shuffled,
  TRIGGER_KINDS,
  targetOf,
} from './support.js';

/** Sized to finish well under a minute on two shared cores. */
const COPIES_OF_EACH_EXPOSED_SHAPE = 8;
const CONCURRENCY = 25;
const SEED = 20261201;
const OPENING_CONCURRENCY = 1;

const EXPOSED_SHAPES = SSH_SHAPES.filter((shape) => shape.exposed);
const CONTROL_SHAPES = SSH_SHAPES.filter((shape) => !shape.exposed);

let world: World;
let proxy: FaultProxy;
beforeEach(async () => {
  world = await buildWorld();
  proxy = await startFaultProxy({ target: world.endpoint, seed: SEED });
});
afterEach(async () => {
  await proxy.close();
});

interface Estate {
  readonly opened: OpenedGroup;
  /** The id of one of its inbound rules, for the CloudTrail events. */
  readonly ruleId: string;
}

/**
 * Opens the groups one at a time, straight against moto: its EC2 backend is not thread-safe. A
 * describe while another create is under way fails inside moto ("dictionary changed size during
 * iteration", an HTML 500 the SDK cannot parse): a hundred at once did in CI, and four at once
 * did in one run of four here.
 */
async function openEstate(shapes: readonly (typeof SSH_SHAPES)[number][], prefix: string) {
  const ec2 = world.account('enforced').ec2();
  const vpcId = await defaultVpcId(ec2);
  const estate: Estate[] = [];
  await pool(
    OPENING_CONCURRENCY,
    shapes.map((shape, index) => ({ shape, index })),
    async ({ shape, index }) => {
      const opened = await openSsh(ec2, shape, {
        groupName: `${prefix}-${index}-${shape.name}`,
        vpcId,
      });
      const [rule] = await describeInboundRuleDetails(ec2, opened.groupId);
      estate[index] = { opened, ruleId: rule?.SecurityGroupRuleId ?? '' };
    },
  );
  return estate;
}

describe('remediation under faults and load', () => {
  it(`${EXPOSED_SHAPES.length * COPIES_OF_EACH_EXPOSED_SHAPE} exposed groups, 2-3 events each, ${CONCURRENCY} at once, 30 % of publishes throttled, 15 % of authorizes and revokes answered 503 after applying: one mail per change, nothing open, nothing else lost, all in the ledger`, async () => {
    const started = Date.now();
    const exposedShapes = Array.from(
      { length: COPIES_OF_EACH_EXPOSED_SHAPE },
      () => EXPOSED_SHAPES,
    ).flat();
    const exposed = await openEstate(exposedShapes, 'x');
    const controls = await openEstate(CONTROL_SHAPES, 'c');
    const opening = Date.now();
    const containers: Remediator[] = [];
    for (let index = 0; index < CONCURRENCY; index += 1) {
      containers.push(await coldStart(world, { account: 'enforced', endpoint: proxy.endpoint }));
    }
    const built = Date.now();

    // 2 or 3 events per exposed group, of different kinds; 1 for each control group.
    const events = [
      ...exposed.flatMap(({ opened, ruleId }, index) => {
        const target = targetOf(world, 'enforced', opened.groupId);
        const count = index % 2 === 0 ? 3 : 2;
        return Array.from({ length: count }, (_, k) =>
          eventOf(TRIGGER_KINDS[(index + k) % TRIGGER_KINDS.length] ?? 'direct', target, ruleId),
        );
      }),
      ...controls.map(({ opened, ruleId }, index) =>
        eventOf(
          TRIGGER_KINDS[index % TRIGGER_KINDS.length] ?? 'direct',
          targetOf(world, 'enforced', opened.groupId),
          ruleId,
        ),
      ),
    ];
    proxy.setFaults([
      { actions: ['sns:Publish'], fault: 'throttle', rate: 0.3 },
      {
        actions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'],
        fault: 'apply-then-503',
        rate: 0.15,
      },
    ]);

    const deliveries: Delivery[] = [];
    await pool(CONCURRENCY, shuffled(events, SEED), async (event, worker) => {
      deliveries.push(await deliver(() => containers[worker] as Remediator, event));
    });
    const underFaults = { calls: proxy.counts(), injected: proxy.injected() };
    const delivered = Date.now();

    // Faults off, then the hourly sweep, as its schedule rule invokes it.
    proxy.clearFaults();
    proxy.resetCounts();
    const sweep = await deliver(
      () => containers[0] as Remediator,
      scheduledEvent(world.account('enforced').accountId),
    );
    expect(sweep).toMatchObject({ attempts: 1, succeeded: true });
    const swept = Date.now();

    if (process.env.SG_GUARD_FAULT_STATS) {
      writeFileSync(
        process.env.SG_GUARD_FAULT_STATS,
        JSON.stringify(
          {
            groups: exposed.length,
            controls: controls.length,
            events: events.length,
            attempts: deliveries.reduce((sum, delivery) => sum + delivery.attempts, 0),
            eventsRetried: deliveries.filter((delivery) => delivery.errors.length > 0).length,
            eventsFailedAllAttempts: deliveries.filter((delivery) => !delivery.succeeded).length,
            errors: deliveries
              .flatMap((delivery) => delivery.errors)
              .reduce<Record<string, number>>((counts, error) => {
                const name = (error as Error).name;
                counts[name] = (counts[name] ?? 0) + 1;
                return counts;
              }, {}),
            motoErrors: proxy.log().filter((call) => !call.fault && call.status >= 500),
            ms: {
              open: opening - started,
              coldStarts: built - opening,
              build: built - started,
              deliver: delivered - built,
              sweep: swept - delivered,
            },
            underFaults,
            sweepCalls: proxy.counts(),
            messages: [
              ...new Set(
                deliveries
                  .flatMap((d) => d.errors)
                  .map((e) => `${(e as Error).name}: ${(e as Error).message}`.slice(0, 300)),
              ),
            ],
            unfinished: await inspector(world, 'enforced').ledger.listUnfinished(),
          },
          null,
          2,
        ),
      );
    }

    // The faults did happen.
    expect(underFaults.injected['sns:Publish throttle']).toBeGreaterThan(0);
    expect(
      underFaults.injected['ec2:AuthorizeSecurityGroupIngress apply-then-503'],
    ).toBeGreaterThan(0);
    expect(underFaults.injected['ec2:RevokeSecurityGroupIngress apply-then-503']).toBeGreaterThan(
      0,
    );
    // Whether a delivery exhausted the SDK's three attempts (so Lambda had to retry) depends on
    // how the concurrent calls draw from the PRNG: about one run in twenty sees none. The retry
    // paths are asserted deterministically in publish.test.ts and pending-retry.test.ts.

    const look = inspector(world, 'enforced');
    const notices = await readNotices(world);
    const byGroup = new Map<string, RemediationRecord[]>();
    for (const notice of notices) {
      const record = notice.record;
      if (!record) throw new Error(`a notice without a record: ${notice.text}`);
      byGroup.set(record.groupId, [...(byGroup.get(record.groupId) ?? []), record]);
    }
    expect(await look.ledger.listUnfinished()).toEqual([]);

    const problems: string[] = [];
    for (const { opened } of exposed) {
      const where = `${opened.groupName} (${opened.groupId})`;
      const after = await describeInboundRules(look.ec2, opened.groupId);
      const assessment = await look.assess(opened.groupId);
      if (assessment.verdict === 'EXPOSED') problems.push(`${where}: still exposed`);
      if (JSON.stringify(after) !== JSON.stringify(opened.expectedAfter('narrow')))
        problems.push(`${where}: rules ${after.join(', ')}`);
      const records = byGroup.get(opened.groupId) ?? [];
      if (records.length !== 1 || records[0]?.action !== 'remediated') {
        problems.push(`${where}: mails ${records.map((r) => r.action).join(', ') || 'none'}`);
        continue;
      }
      const record = records[0];
      const { gone, added } = diff(opened, after);
      if (JSON.stringify(ruleLines(record.revoked)) !== JSON.stringify(gone.sort()))
        problems.push(`${where}: gone ${gone} but revoked ${ruleLines(record.revoked)}`);
      const created = ruleLines(record.authorized.filter((rule) => rule.created));
      if (JSON.stringify(created) !== JSON.stringify(added.sort()))
        problems.push(`${where}: added ${added} but authorized ${created}`);
      const entries = await look.entries(opened.groupId);
      const published = entries.filter((entry) => entry.status === 'published');
      const others = entries.filter((entry) => !['published', 'void'].includes(entry.status));
      if (published.length !== 1 || others.length > 0)
        problems.push(`${where}: ledger ${entries.map((entry) => entry.status)}`);
      else if (JSON.stringify(published[0]?.record) !== JSON.stringify(record))
        problems.push(`${where}: the mailed record is not the ledger's`);
    }
    for (const { opened } of controls) {
      const where = `${opened.groupName} (${opened.groupId})`;
      if (
        JSON.stringify(await describeInboundRules(look.ec2, opened.groupId)) !==
        JSON.stringify(opened.rules)
      )
        problems.push(`${where}: a group that was never exposed changed`);
      if (byGroup.has(opened.groupId)) problems.push(`${where}: mailed`);
      if ((await look.entries(opened.groupId)).length > 0) problems.push(`${where}: in the ledger`);
    }
    expect(problems).toEqual([]);
    expect(notices).toHaveLength(exposed.length);
    // Measured 34-50 s on the shared 2-core machine at load average 10-12 (build ~10 s, events
    // ~24-29 s, sweep < 1 s); the bound leaves room for a loaded one.
  }, 120_000);

  it('one remediation on the happy path makes the floor of calls: describe ×2, ledger intent, the change, publish, ledger close', async () => {
    const ec2 = world.account('enforced').ec2();
    const revokeOnly = await openSsh(ec2, 'tcp-22-world-v4');
    const narrowed = await openSsh(ec2, 'tcp-all-ports-world');
    const remediator = await coldStart(world, { account: 'enforced', endpoint: proxy.endpoint });

    await remediator.invoke(eventOf('direct', targetOf(world, 'enforced', revokeOnly.groupId), ''));
    const first = proxy.counts();
    proxy.resetCounts();
    await remediator.invoke(eventOf('direct', targetOf(world, 'enforced', narrowed.groupId), ''));
    const second = proxy.counts();
    proxy.resetCounts();
    await remediator.invoke(eventOf('direct', targetOf(world, 'enforced', narrowed.groupId), ''));
    const again = proxy.counts();

    const floor = {
      'ec2:DescribeSecurityGroups': 1,
      'ec2:DescribeSecurityGroupRules': 1,
      'dynamodb:UpdateItem': 1,
      'ec2:RevokeSecurityGroupIngress': 1,
      'sns:Publish': 1,
      'dynamodb:TransactWriteItems': 1,
    };
    // The cold start reads the account's mode once (S3 GetObject on the mode map), then caches it.
    expect(first).toEqual({ ...floor, 's3:GET': 1 });
    // Narrowing adds the authorize. moto answers it with the id of only the last rule it made
    // (MOTO_NOTES.md), so the run reads the group once more to learn the other id; AWS returns
    // them all and needs no second read.
    expect(second).toEqual({
      ...floor,
      'ec2:AuthorizeSecurityGroupIngress': 1,
      'ec2:DescribeSecurityGroups': 2,
      'ec2:DescribeSecurityGroupRules': 2,
    });
    // A second event for a fixed group reads it, and its ledger head (in case a failed publish
    // left a mail pending there), and changes nothing.
    expect(again).toEqual({
      'ec2:DescribeSecurityGroups': 1,
      'ec2:DescribeSecurityGroupRules': 1,
      'dynamodb:GetItem': 1,
    });
    expect(await describeInboundRules(ec2, narrowed.groupId)).toEqual(
      narrowed.expectedAfter('narrow'),
    );
    expect(await readNotices(world)).toHaveLength(2);
  });
});
