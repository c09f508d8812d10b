/**
 * Sweep at scale (issue 14): one account-region with 5,000 groups in moto, swept by the deployed
 * bundle in a fresh process (EventBridge's `Scheduled Event`, the mode map, the ledger), against
 * the floor: a fresh process of the EC2 client's bundle reading both paginated describes of the
 * region. Timed inside each process from the call to its answer (import excluded, the first
 * call's client set-up included on both sides); memory from the sweeping process.
 */

import { pathToFileURL } from 'node:url';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
} from '@aws-sdk/client-ec2';
import { createEc2Client } from '@sg-guard/aws';
import type { MotoServer } from '@sg-guard/emulator';
import type { BenchOutcome } from '../support/report.js';
import type { NodeRuntime } from '../support/runtimes.js';
import { formatBytes, formatMs, median, significant } from '../support/stats.js';
import { bundleOf, DEPLOYED, FLOOR_SWEEP, moduleArgs, runProcess } from './cold-start.js';
import { BENCH_REGION, buildRemediatorWorld } from './fixture.js';
import { memberEnv } from './process-env.js';

/** Groups/s of the sweep ≥ floor ÷ 1.2 (issue 14). */
const TARGET_RATIO = 1.2;

/** Options of {@link benchSweepScale}. */
export interface SweepScaleOptions {
  /** Groups in the account-region (plus its default group). @default 5000 */
  readonly groups?: number;
  /** Rounds of sweep and floor, in rotation. @default 3 */
  readonly rounds?: number;
}

interface ChildResult {
  readonly ms: number;
  readonly groups: number;
  readonly rssBytes: number;
  readonly heapBytes: number;
}

async function inBatches<T>(items: readonly T[], size: number, task: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += size)
    await Promise.all(items.slice(i, i + size).map(task));
}

/** Sweeps `groups` groups with the deployed bundle and the floor, `rounds` times each. */
export async function benchSweepScale(
  moto: MotoServer,
  runtime: NodeRuntime,
  options: SweepScaleOptions = {},
): Promise<BenchOutcome> {
  const count = options.groups ?? 5000;
  const rounds = options.rounds ?? 3;
  await moto.reset();
  const world = await buildRemediatorWorld(moto.endpoint);
  const account = world.accounts.ou;
  // Steady state: nothing exposed (events closed it); one group in five has two inbound rules.
  // Setup retries: moto under this load now and then answers a burst with an HTML 500.
  const ec2 = createEc2Client({
    endpoint: moto.endpoint,
    region: BENCH_REGION,
    credentials: account.credentials,
    maxAttempts: 5,
  });
  const indexes = [...Array(count).keys()];
  await inBatches(indexes, 4, async (i) => {
    let groupId: string | undefined;
    try {
      groupId = (
        await ec2.send(
          new CreateSecurityGroupCommand({
            GroupName: `sweep-${i}`,
            Description: 'bench',
            VpcId: account.vpcId,
          }),
        )
      ).GroupId;
    } catch (error) {
      // A retry of a create that had been applied.
      if ((error as { name?: string }).name !== 'InvalidGroup.Duplicate') throw error;
      return;
    }
    if (i % 5 !== 0) return;
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
        ],
      }),
    );
  });
  const deployed = (await bundleOf(DEPLOYED)).file;
  const floor = (await bundleOf(FLOOR_SWEEP)).file;
  const context = `{ invokedFunctionArn: 'arn:aws:lambda:${BENCH_REGION}:${account.accountId}:function:sg-guard-remediator', awsRequestId: '00000000-0000-4000-8000-000000000002', getRemainingTimeInMillis: () => 900000 }`;
  const report =
    'process.stdout.write(JSON.stringify({ ms, groups, rssBytes: process.resourceUsage().maxRSS * 1024, heapBytes: process.memoryUsage().heapUsed }));';
  const sweepScript = (bundle: string) =>
    [
      `const { handler } = await import(${JSON.stringify(pathToFileURL(bundle).href)});`,
      'const start = performance.now();',
      `const summary = await handler({ version: '0', id: 'bench-sweep', 'detail-type': 'Scheduled Event', source: 'aws.events', account: '${account.accountId}', time: new Date().toISOString(), region: '${BENCH_REGION}', resources: [], detail: {} }, ${context});`,
      'const ms = performance.now() - start;',
      'const groups = summary.sweep.groups;',
      report,
    ].join('\n');
  const floorScript = [
    `const { run } = await import(${JSON.stringify(pathToFileURL(floor).href)});`,
    'const start = performance.now();',
    'const { groups } = await run();',
    'const ms = performance.now() - start;',
    report,
  ].join('\n');
  const env = memberEnv(world, account);
  const child = (script: string): ChildResult =>
    JSON.parse(runProcess(runtime, moduleArgs(script), env).stdout) as ChildResult;
  const sweeps: ChildResult[] = [];
  const floors: ChildResult[] = [];
  const sides = [
    () => sweeps.push(child(sweepScript(deployed))),
    () => floors.push(child(floorScript)),
  ];
  for (let round = 0; round < rounds; round += 1) {
    for (let i = 0; i < sides.length; i += 1) sides[(i + round) % sides.length]?.();
  }
  const groups = sweeps[0]?.groups ?? 0;
  if (groups < count || floors.some((f) => f.groups !== groups)) {
    throw new Error(
      `the sweep read ${groups} groups, the floor ${floors.map((f) => f.groups)}; ${count} made`,
    );
  }
  const sweepMs = median(sweeps.map((s) => s.ms));
  const floorMs = median(floors.map((s) => s.ms));
  const ratio = sweepMs / floorMs;
  const rss = Math.max(...sweeps.map((s) => s.rssBytes));
  const heap = Math.max(...sweeps.map((s) => s.heapBytes));
  const floorRss = Math.max(...floors.map((s) => s.rssBytes));
  return {
    rows: [
      {
        metric: `sweep at scale, ${runtime.label}: ${groups} groups in one account-region`,
        value: `${significant(groups / (sweepMs / 1000))} groups/s (${formatMs(sweepMs)})`,
        baseline: `describes alone: ${significant(groups / (floorMs / 1000))} groups/s (${formatMs(floorMs)})`,
        ratio: `${ratio.toFixed(2)}×`,
        target: `≤ ${TARGET_RATIO}×`,
        pass: ratio <= TARGET_RATIO,
      },
      {
        metric: `sweep at scale, ${runtime.label}: memory of the sweeping process`,
        value: `peak RSS ${formatBytes(rss)}, heap after ${formatBytes(heap)}`,
        baseline: `floor: peak RSS ${formatBytes(floorRss)}`,
        ratio: `${(rss / floorRss).toFixed(2)}×`,
        target: '—',
      },
    ],
    figures: {
      sweepGroups: groups,
      sweepMs,
      sweepFloorMs: floorMs,
      sweepRatio: ratio,
      sweepRssBytes: rss,
      sweepHeapBytes: heap,
      sweepFloorRssBytes: floorRss,
    },
    samples: {
      sweepMs: sweeps.map((s) => s.ms),
      sweepFloorMs: floors.map((s) => s.ms),
    },
    notes: [
      `sweep at scale: ${count} groups made in one account-region (one in five with two inbound rules, none exposed: the steady state), ${rounds} fresh processes per side (deployed bundle, floor) in rotation, timed inside each from the call to its answer; the sweep also lists the ledger's unfinished entries and reads the mode map.`,
    ],
  };
}
