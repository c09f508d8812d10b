/**
 * Benchmark 1: time to fix. The real remediator handler (built by `createHandler`, as
 * `handler.ts` builds it) on a warm container, against the floor: the five SDK calls any fix
 * with a write-ahead ledger needs (DescribeSecurityGroupRules, the ledger intent UpdateItem,
 * RevokeSecurityGroupIngress, Publish, the ledger close TransactWriteItems) made directly, with
 * the same client settings, in the same run. Plus the AWS calls per remediation, by name.
 */
import { createDynamoDbClient, createEc2Client, createSnsClient } from '@sg-guard/aws';
import type { MotoServer } from '@sg-guard/emulator';
import { SIMULATED_LATENCY_MS, startCallCounter } from '../support/call-counter.js';
import { type BenchOutcome, type BenchRow, infoRow } from '../support/report.js';
import { formatMs, median, timed } from '../support/stats.js';
import { countRemediationCalls } from './call-counts.js';
import { containerFor, remediate } from './container.js';
import {
  BENCH_REGION,
  buildRemediatorWorld,
  createExposedGroup,
  deleteGroup,
  type RemediatorWorld,
} from './fixture.js';
import { bareFix, type FloorClients, type NoticeTemplate } from './floor-fix.js';

/** Options of {@link benchTimeToFix}. */
export interface TimeToFixOptions {
  /** Timed iterations of each side. @default 40 */
  readonly iterations?: number;
  /** Untimed iterations of each side first. @default 5 */
  readonly warmups?: number;
}

const TARGET_RATIO = 1.3;

/** Medians of the three sides and the first (cold) invocation, in milliseconds. */
interface SideMedians {
  readonly handler: number;
  readonly floor: number;
  readonly sameCalls: number;
  readonly cold: number;
  readonly template: NoticeTemplate;
  readonly samples: Readonly<Record<'handler' | 'floor' | 'sameCalls', readonly number[]>>;
}

/**
 * One warm container and the floor's clients, all talking to `endpoint`; the sides are
 * interleaved (their order rotating) so drift in the emulator affects all alike, and each fix
 * gets a fresh group, deleted afterwards.
 */
async function measureSides(
  world: RemediatorWorld,
  endpoint: string,
  iterations: number,
  warmups: number,
): Promise<SideMedians> {
  const account = world.accounts.ou;
  const clientSettings = { region: BENCH_REGION, endpoint, credentials: account.credentials };
  const floorClients: FloorClients = {
    ec2: createEc2Client(clientSettings),
    sns: createSnsClient(clientSettings),
    dynamodb: createDynamoDbClient(clientSettings),
  };
  const handler = containerFor(world, account, endpoint);

  const first = await createExposedGroup(account, 'ttf-cold');
  const cold = await timed(() => remediate(handler, account, first));
  await deleteGroup(account, first);
  const template = cold.result;

  // The handler, the floor (5 calls), and the handler's own 6 calls made directly.
  const sides: Record<'handler' | 'floor' | 'sameCalls', (groupId: string) => Promise<unknown>> = {
    handler: (groupId) => remediate(handler, account, groupId),
    floor: (groupId) => bareFix(floorClients, groupId, world.topicArn, template, false),
    sameCalls: (groupId) => bareFix(floorClients, groupId, world.topicArn, template, true),
  };
  const names = Object.keys(sides) as (keyof typeof sides)[];
  const samples = { handler: [] as number[], floor: [] as number[], sameCalls: [] as number[] };
  for (let iteration = 0; iteration < warmups + iterations; iteration += 1) {
    for (let i = 0; i < names.length; i += 1) {
      const name = names[(i + iteration) % names.length] as keyof typeof sides;
      const groupId = await createExposedGroup(account, `ttf-${name}-${iteration}`);
      const { ms } = await timed(() => sides[name](groupId));
      if (iteration >= warmups) samples[name].push(ms);
      await deleteGroup(account, groupId);
    }
  }
  return {
    handler: median(samples.handler),
    floor: median(samples.floor),
    sameCalls: median(samples.sameCalls),
    cold: cold.ms,
    template: cold.result,
    samples,
  };
}

/**
 * Warm-container time to fix against the floor, straight against the emulator (the judged
 * figure) and again through a proxy that adds {@link SIMULATED_LATENCY_MS} per call, so calls
 * made at the same time overlap as they do against AWS (moto's Python server runs them one at
 * a time).
 */
/** The outcome, and the world it was measured in (the cold start's first remediation reuses it). */
export interface TimeToFixRun {
  readonly outcome: BenchOutcome;
  readonly world: RemediatorWorld;
  /** A notice of the handler's size. */
  readonly template: NoticeTemplate;
}

export async function benchTimeToFix(
  moto: MotoServer,
  options: TimeToFixOptions = {},
): Promise<TimeToFixRun> {
  const iterations = options.iterations ?? 40;
  const warmups = options.warmups ?? 5;
  await moto.reset();
  const world = await buildRemediatorWorld(moto.endpoint);
  const direct = await measureSides(world, world.endpoint, iterations, warmups);
  const proxy = await startCallCounter(world.endpoint, { latencyMs: SIMULATED_LATENCY_MS });
  let slow: SideMedians;
  try {
    slow = await measureSides(world, proxy.endpoint, Math.ceil(iterations / 2), warmups);
  } finally {
    await proxy.stop();
  }
  const ratio = direct.handler / direct.floor;
  const counts = await countRemediationCalls(world);
  const rows: BenchRow[] = [
    {
      metric: 'time to fix, warm (handler vs floor)',
      value: formatMs(direct.handler),
      baseline: formatMs(direct.floor),
      ratio: `${ratio.toFixed(2)}×`,
      target: `≤ ${TARGET_RATIO}×`,
      pass: ratio <= TARGET_RATIO,
    },
    infoRow(
      'time to fix, warm (handler vs its own 6 calls made directly)',
      formatMs(direct.handler),
      formatMs(direct.sameCalls),
      `${(direct.handler / direct.sameCalls).toFixed(2)}×`,
    ),
    infoRow(
      `time to fix, warm, +${SIMULATED_LATENCY_MS} ms per call (handler vs floor)`,
      formatMs(slow.handler),
      formatMs(slow.floor),
      `${(slow.handler / slow.floor).toFixed(2)}×`,
    ),
    infoRow('time to fix, first invocation (caches empty)', formatMs(direct.cold)),
    ...counts.rows,
  ];
  const outcome: BenchOutcome = {
    rows,
    figures: {
      timeToFixHandlerMs: direct.handler,
      timeToFixFloorMs: direct.floor,
      timeToFixRatio: ratio,
      timeToFixSameCallsMs: direct.sameCalls,
      timeToFixColdMs: direct.cold,
      timeToFixLatencyHandlerMs: slow.handler,
      timeToFixLatencyFloorMs: slow.floor,
      timeToFixLatencyColdMs: slow.cold,
      ...counts.figures,
    },
    samples: {
      timeToFixHandlerMs: direct.samples.handler,
      timeToFixFloorMs: direct.samples.floor,
      timeToFixSameCallsMs: direct.samples.sameCalls,
    },
    notes: [
      `time to fix: ${iterations} interleaved iterations per side after ${warmups} warm-ups (${Math.ceil(iterations / 2)} with the added latency), a fresh group each; the floor is DescribeSecurityGroupRules + UpdateItem (ledger intent) + RevokeSecurityGroupIngress (by content) + Publish + TransactWriteItems (ledger close) with the same client settings; "its own 6 calls" adds DescribeSecurityGroups at the same time as the rules, as the handler does.`,
      ...counts.notes,
    ],
  };
  return { outcome, world, template: direct.template };
}
