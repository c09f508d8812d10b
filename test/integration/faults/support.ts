/**
 * What the fault tests share: a Lambda-like async invoker (1 + 2 attempts), re-describing and
 * re-assessing a group against moto directly, and the account's ledger as the real adapter
 * reads it.
 */
import { DynamoDbLedger, Ec2SecurityGroupGateway } from '@sg-guard/aws';
import { emulatorDynamoDb, type OpenedGroup } from '@sg-guard/emulator';
import {
  type Assessment,
  assessGroup,
  type LedgerEntry,
  prefixListsToResolve,
} from '@sg-guard/remediation-core';
import {
  cloudTrailAuthorizeEvent,
  cloudTrailModifyEvent,
  configEventBridgeEvent,
  configSnsEvent,
  directEvent,
  type EventTarget,
} from '../../support/events.js';
import type { Remediator } from '../../support/remediator.js';
import { HOME_REGION, type TestAccountName, type World } from '../../support/world.js';

/** Attempts Lambda makes for one asynchronous event: the first and two retries. */
export const LAMBDA_ATTEMPTS = 3;

/** How one event fared across its attempts. */
export interface Delivery {
  readonly attempts: number;
  /** The error of each attempt that threw. */
  readonly errors: readonly unknown[];
  /** Whether the last attempt returned (else the event went to the DLQ). */
  readonly succeeded: boolean;
}

/**
 * Invokes like Lambda's asynchronous invocation: an attempt that throws is retried, up to
 * {@link LAMBDA_ATTEMPTS} in all. `pick` chooses the container of each attempt (a retry may land
 * on another one).
 */
export async function deliver(
  pick: (attempt: number) => Remediator,
  event: unknown,
): Promise<Delivery> {
  const errors: unknown[] = [];
  for (let attempt = 1; attempt <= LAMBDA_ATTEMPTS; attempt += 1) {
    try {
      await pick(attempt).invoke(event);
      return { attempts: attempt, errors, succeeded: true };
    } catch (error) {
      errors.push(error);
    }
  }
  return { attempts: LAMBDA_ATTEMPTS, errors, succeeded: false };
}

/** The trigger kinds an event can have, with the record's `trigger` each one yields. */
export const TRIGGER_KINDS = [
  'direct',
  'cloudtrail-authorize',
  'cloudtrail-modify',
  'config-sns',
  'config-eventbridge',
] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

/** The group `opened` as an event target in `account`. */
export const targetOf = (world: World, account: TestAccountName, groupId: string): EventTarget => ({
  groupId,
  accountId: world.account(account).accountId,
  region: HOME_REGION,
});

/** An event of `kind` about `target`; `ruleId` is the exposing rule the CloudTrail call named. */
export function eventOf(kind: TriggerKind, target: EventTarget, ruleId: string): unknown {
  const rule = { fromPort: 22, toPort: 22, cidr: '0.0.0.0/0', ruleId };
  switch (kind) {
    case 'direct':
      return directEvent(target.groupId);
    case 'cloudtrail-authorize':
      return cloudTrailAuthorizeEvent(target, rule);
    case 'cloudtrail-modify':
      return cloudTrailModifyEvent(target, rule);
    case 'config-sns':
      return configSnsEvent(target);
    case 'config-eventbridge':
      return configEventBridgeEvent(target);
  }
}

/** EventBridge's `Scheduled Event`, as the sweep's schedule rule sends it. */
export function scheduledEvent(accountId: string): Record<string, unknown> {
  return {
    version: '0',
    id: '5ac8d8a2-2b1c-4c5e-9f59-0a9f1c3f0001',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: accountId,
    time: new Date().toISOString(),
    region: HOME_REGION,
    resources: [`arn:aws:events:${HOME_REGION}:${accountId}:rule/sg-guard-sweep`],
    detail: {},
  };
}

/** Clients that read what the handler left, straight from moto (never through the proxy). */
export function inspector(world: World, account: TestAccountName) {
  const { credentials } = world.account(account);
  const ec2 = world.account(account).ec2();
  const gateway = new Ec2SecurityGroupGateway({ ec2, prefixListTtlMs: 0 });
  const ledger = new DynamoDbLedger({
    dynamodb: emulatorDynamoDb(world.endpoint, { credentials, region: HOME_REGION }),
  });
  return {
    ec2,
    ledger,
    /** The core's verdict on the group as EC2 now describes it (prefix lists resolved). */
    async assess(groupId: string): Promise<Assessment> {
      const group = await gateway.loadGroup({ groupId });
      if (!group) throw new Error(`group ${groupId} is gone`);
      const lists = prefixListsToResolve(group, [22]);
      const prefixLists = lists.length > 0 ? await gateway.loadPrefixLists(lists) : new Map();
      return assessGroup(group, { ports: [22], prefixLists });
    },
    /** Every ledger entry of the group, newest first. */
    entries(groupId: string): Promise<LedgerEntry[]> {
      return ledger.listEntries(groupId);
    },
  };
}

/** `opened.rules` (as first described) that `after` no longer holds, and the ones it added. */
export function diff(opened: Pick<OpenedGroup, 'rules'>, after: readonly string[]) {
  return {
    gone: opened.rules.filter((line) => !after.includes(line)),
    added: after.filter((line) => !opened.rules.includes(line)),
  };
}

/** Runs `jobs` with at most `limit` at once; each worker takes the next job when it is free. */
export async function pool<T>(
  limit: number,
  jobs: readonly T[],
  work: (job: T, worker: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, jobs.length) }, async (_, worker) => {
      while (next < jobs.length) {
        const job = jobs[next] as T;
        next += 1;
        await work(job, worker);
      }
    }),
  );
}

/** A seeded shuffle (mulberry32), so a run's event order can be replayed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}
