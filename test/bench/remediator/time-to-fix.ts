/**
 * Benchmark 1: time to fix. The real remediator handler (built by `createHandler`, as
 * `handler.ts` builds it) on a warm container, against the floor: the three SDK calls any fix
 * needs (DescribeSecurityGroupRules, RevokeSecurityGroupIngress, Publish) made directly, with
 * the same client settings, in the same run. Plus the AWS calls per remediation, by name.
 */
import {
  DescribeSecurityGroupRulesCommand,
  type EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { createEc2Client, createSnsClient } from '@sg-guard/aws';
import type { MotoServer } from '@sg-guard/emulator';
import type { Notice } from '@sg-guard/remediation-core';
import { type BenchOutcome, type BenchRow, infoRow } from '../support/report.js';
import { formatMs, median, significant, timed } from '../support/stats.js';
import { countRemediationCalls } from './call-counts.js';
import { containerFor, remediate } from './container.js';
import { BENCH_REGION, buildRemediatorWorld, createExposedGroup, deleteGroup } from './fixture.js';

/** Options of {@link benchTimeToFix}. */
export interface TimeToFixOptions {
  /** Timed iterations of each side. @default 40 */
  readonly iterations?: number;
  /** Untimed iterations of each side first. @default 5 */
  readonly warmups?: number;
}

const TARGET_RATIO = 1.3;

/** The floor: the fewest SDK calls that close the hole and tell the central inbox. */
async function bareFix(
  clients: { readonly ec2: EC2Client; readonly sns: SNSClient },
  groupId: string,
  topicArn: string,
  template: Notice,
): Promise<void> {
  const described = await clients.ec2.send(
    new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }),
  );
  const exposing = (described.SecurityGroupRules ?? []).filter(
    (rule) =>
      rule.IsEgress !== true &&
      rule.IpProtocol === 'tcp' &&
      rule.CidrIpv4 === '0.0.0.0/0' &&
      (rule.FromPort ?? 0) <= 22 &&
      22 <= (rule.ToPort ?? 65535),
  );
  const ids = exposing.flatMap((rule) =>
    rule.SecurityGroupRuleId ? [rule.SecurityGroupRuleId] : [],
  );
  if (ids.length !== 1)
    throw new Error(`expected one exposing rule in ${groupId}, found ${ids.length}`);
  await clients.ec2.send(
    new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: ids }),
  );
  await clients.sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      // A notice of the same size as the handler's (built once, outside the timing).
      Message: template.message,
      MessageStructure: 'json',
      Subject: template.subject,
      MessageAttributes: Object.fromEntries(
        Object.entries(template.attributes).map(([name, value]) => [
          name,
          { DataType: 'String', StringValue: value },
        ]),
      ),
    }),
  );
}

/**
 * Warm-container time to fix against the floor, interleaving the two sides (their order
 * alternating) so drift in the emulator affects both alike; each iteration fixes fresh groups
 * and deletes them afterwards.
 */
export async function benchTimeToFix(
  moto: MotoServer,
  options: TimeToFixOptions = {},
): Promise<BenchOutcome> {
  const iterations = options.iterations ?? 40;
  const warmups = options.warmups ?? 5;
  await moto.reset();
  const world = await buildRemediatorWorld(moto.endpoint);
  const account = world.accounts.ou;
  const clientSettings = {
    region: BENCH_REGION,
    endpoint: world.endpoint,
    credentials: account.credentials,
  };
  const floorClients = {
    ec2: createEc2Client(clientSettings),
    sns: createSnsClient(clientSettings),
  };
  const handler = containerFor(world, account);

  const first = await createExposedGroup(account, 'ttf-cold');
  const cold = await timed(() => remediate(handler, account, first));
  await deleteGroup(account, first);
  const template = cold.result;

  const handlerMs: number[] = [];
  const floorMs: number[] = [];
  for (let iteration = 0; iteration < warmups + iterations; iteration += 1) {
    const forHandler = await createExposedGroup(account, `ttf-handler-${iteration}`);
    const forFloor = await createExposedGroup(account, `ttf-floor-${iteration}`);
    const runHandler = async () => (await timed(() => remediate(handler, account, forHandler))).ms;
    const runFloor = async () =>
      (await timed(() => bareFix(floorClients, forFloor, world.topicArn, template))).ms;
    let handlerTime: number;
    let floorTime: number;
    if (iteration % 2 === 0) {
      handlerTime = await runHandler();
      floorTime = await runFloor();
    } else {
      floorTime = await runFloor();
      handlerTime = await runHandler();
    }
    if (iteration >= warmups) {
      handlerMs.push(handlerTime);
      floorMs.push(floorTime);
    }
    await deleteGroup(account, forHandler);
    await deleteGroup(account, forFloor);
  }

  const handlerMedian = median(handlerMs);
  const floorMedian = median(floorMs);
  const ratio = handlerMedian / floorMedian;
  const counts = await countRemediationCalls(world);
  const rows: BenchRow[] = [
    {
      metric: 'time to fix, warm (handler vs floor)',
      value: formatMs(handlerMedian),
      baseline: formatMs(floorMedian),
      ratio: `${significant(ratio)}×`,
      target: `≤ ${TARGET_RATIO}×`,
      pass: ratio <= TARGET_RATIO,
    },
    infoRow('time to fix, first invocation (caches empty)', formatMs(cold.ms)),
    ...counts.rows,
  ];
  return {
    rows,
    figures: {
      timeToFixHandlerMs: handlerMedian,
      timeToFixFloorMs: floorMedian,
      timeToFixRatio: ratio,
      timeToFixColdMs: cold.ms,
      ...counts.figures,
    },
    notes: [
      `time to fix: ${iterations} interleaved iterations per side after ${warmups} warm-ups; the floor is DescribeSecurityGroupRules + RevokeSecurityGroupIngress + Publish with the same client settings.`,
      ...counts.notes,
    ],
  };
}
