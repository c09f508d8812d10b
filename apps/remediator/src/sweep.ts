/**
 * The hourly sweep: events are best effort (EventBridge delivery, Config fires only on a change,
 * a prefix list shared from another account changes without any call here), so once an hour
 * every group of the account-region is assessed from the paginated describes, the exposed ones
 * are remediated per policy, and ledger entries that earlier runs left unfinished are finished.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { loadReferencedPrefixLists, scanRegion } from '@sg-guard/aws/inventory';
import {
  type AccountPolicy,
  assessGroup,
  type Finding,
  finishUnfinishedEntries,
  isPolicyUnreadable,
  type RemediationContext,
  type RemediationDeps,
  type RemediationOutcome,
  type RemediationSettings,
  remediateFinding,
} from '@sg-guard/remediation-core';

/** EventBridge's shape for a schedule rule's target. */
export function isScheduledEvent(event: unknown): boolean {
  if (typeof event !== 'object' || event === null) return false;
  const record = event as Record<string, unknown>;
  return record.source === 'aws.events' && record['detail-type'] === 'Scheduled Event';
}

/** What one sweep covered. */
export interface SweepSummary {
  /** Groups of the account-region read by the describes. */
  readonly groups: number;
  /** Of those, the ones exposed. */
  readonly exposed: number;
  /** Exposed groups left for the next sweep because the function's time ran out. */
  readonly unreached: number;
  /** Unfinished ledger entries of earlier runs that this sweep finished. */
  readonly finishedEntries: number;
  /** Exposed groups whose handling threw (logged; the next sweep tries again). */
  readonly failures: number;
  readonly outcomes: readonly RemediationOutcome[];
}

/** What {@link runSweep} needs. */
export interface SweepOptions {
  readonly ec2: EC2Client;
  readonly deps: RemediationDeps;
  readonly settings: RemediationSettings;
  readonly context: RemediationContext;
  /** Milliseconds the invocation has left. */
  readonly remainingMs: () => number;
  readonly onOutcome: (finding: Finding, outcome: RemediationOutcome) => Promise<void>;
  readonly onError: (finding: Finding, error: unknown) => void;
}

/** Time kept back for the last group and the flush: about one remediation with retries. */
const RESERVE_MS = 15_000;

/**
 * Runs the sweep. In mode `enforce` each exposed group goes through `remediateFinding` (which
 * reads it again under its lease, so a group fixed meanwhile is left alone). In `notify` and
 * for exempted groups the sweep mails nothing: an hourly mail about a hole that the events
 * already reported would drown the inbox; the audit lists them. Mode `off`: nothing is changed
 * (the describes, started beside the mode read, are dropped).
 * A group whose handling throws does not stop the others.
 *
 * @example
 * const summary = await runSweep({ ec2, deps, settings, context, remainingMs, onOutcome, onError });
 */
export async function runSweep(options: SweepOptions): Promise<SweepSummary> {
  const { deps, settings, context } = options;
  // The describes (most of the sweep's time) start at once, beside the ledger listing and the
  // mode read; in mode `off` their result is dropped unseen. A group an unfinished entry below
  // is finishing may be read exposed here: remediateFinding reads it again under its lease.
  const scanning = scanRegion(options.ec2);
  scanning.catch(() => undefined);
  const finishing = deps.ledger
    .listUnfinished()
    .then((heads) => finishUnfinishedEntries(heads, deps, settings, context));
  finishing.catch(() => undefined);
  let policy: AccountPolicy | undefined;
  try {
    policy = await deps.policies.policyFor(context.accountId);
  } catch (error) {
    // Unreadable: each exposed group below gets remediateFinding's own handling of it.
    if (!isPolicyUnreadable(error)) throw error;
  }
  const finished = await finishing;
  const summary = { groups: 0, exposed: 0, unreached: 0, failures: 0 };
  const outcomes: RemediationOutcome[] = [];
  if (policy?.mode === 'off') {
    return { ...summary, finishedEntries: finished.length, outcomes };
  }
  const groups = await scanning;
  const prefixLists = await loadReferencedPrefixLists(deps.groups, groups, settings.ports);
  const exposed = groups.filter(
    (group) => assessGroup(group, { ports: settings.ports, prefixLists }).verdict === 'EXPOSED',
  );
  summary.groups = groups.length;
  summary.exposed = exposed.length;
  if (policy !== undefined && policy.mode !== 'enforce') {
    return { ...summary, finishedEntries: finished.length, outcomes };
  }
  for (const [index, group] of exposed.entries()) {
    if (options.remainingMs() < RESERVE_MS) {
      summary.unreached = exposed.length - index;
      break;
    }
    const finding: Finding = { groupId: group.groupId, trigger: 'sweep' };
    try {
      const outcome = await remediateFinding(finding, deps, settings, context);
      outcomes.push(outcome);
      await options.onOutcome(finding, outcome);
    } catch (error) {
      summary.failures += 1;
      options.onError(finding, error);
    }
  }
  return { ...summary, finishedEntries: finished.length, outcomes };
}
