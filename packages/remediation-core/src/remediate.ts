/**
 * The one use case: a finding in, the smallest change and a notice out. `decide` (pure) says
 * what to do; `execute` does it behind the ports, write-ahead: the ledger holds the intent
 * before any change, what really changed after it, and is closed only once the notice is out.
 */

import { LeaseHeldError } from './errors.js';
import type { LedgerHead, RemediationLedger } from './ledger/ledger.js';
import type {
  AccountPolicy,
  Exposure,
  Finding,
  GroupSnapshot,
  Mode,
  Notice,
  NoticeAction,
  RemediationPlan,
} from './model.js';
import type { AccountPolicyReader, NoticePublisher, SecurityGroupGateway } from './ports.js';
import { decide, type GroupDecision, type RemediationSettings } from './remediate/decide.js';
import {
  isAccessDenied,
  isGroupNotFound,
  isLedgerConflict,
  isPolicyUnreadable,
  type PolicyUnreadableFailure,
} from './remediate/port-errors.js';
import type { RecentNotices } from './remediate/recent-notices.js';
import { deniedFailure, type Loaded, Run } from './remediate/run.js';

/** The ports the use case drives. */
export interface RemediationDeps {
  readonly groups: SecurityGroupGateway;
  readonly policies: AccountPolicyReader;
  readonly notices: NoticePublisher;
  /** The account-region's ledger (an `InMemoryLedger` where no table exists, e.g. `fix`). */
  readonly ledger: RemediationLedger;
}

/** Where and when the use case runs. */
export interface RemediationContext {
  /** The account whose group is handled (the function's own). */
  readonly accountId: string;
  readonly region: string;
  readonly now: () => Date;
  readonly newRecordId: () => string;
  /** Suppresses repeated `would-remediate` / `exempted` notices; none when absent. */
  readonly recentNotices?: RecentNotices;
  /** How long a run owns a group (about twice the function's timeout). @default 120_000 */
  readonly leaseMs?: number;
  /** Waits between tries for a group another run holds. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * Identifies this delivery across retries (Lambda keeps the request id of an async event), so
   * an unreadable mode map is reported on the final attempt instead of on every one.
   */
  readonly attemptKey?: string;
  /** Attempts Lambda makes for one event (1 + retries). @default 3 */
  readonly maxAttempts?: number;
}

/**
 * What happened to one finding. Besides the notice actions: `skipped-off` (mode off, group not
 * read), `group-not-found` (no mail), `not-exposed` (no mail), `already-fixed` (nothing left to
 * change: an earlier run did it, or the owner fixed or edited the rule first; no mail),
 * `suppressed` (the same notice was sent within the TTL; no mail).
 */
export type RemediationOutcomeKind =
  | NoticeAction
  | 'skipped-off'
  | 'group-not-found'
  | 'not-exposed'
  | 'already-fixed'
  | 'suppressed';

/** The result of {@link remediateFinding}, for logs and metrics. */
export interface RemediationOutcome {
  readonly outcome: RemediationOutcomeKind;
  readonly accountId: string;
  readonly region: string;
  /** The group's id once resolved, else the finding's. */
  readonly groupId?: string;
  readonly groupName?: string;
  readonly mode: Mode;
  readonly policy: AccountPolicy;
  readonly exposures: readonly Exposure[];
  readonly unresolvedPrefixLists: readonly string[];
  readonly plan?: RemediationPlan;
  /** The notice published, when one was. */
  readonly notice?: Notice;
  /** For `suppressed`: which notice was not sent again. */
  readonly suppressedAction?: NoticeAction;
  /** For `failed`: the denied IAM action. */
  readonly missingPermission?: string;
  /** Entries of earlier runs that this run found unfinished and published. */
  readonly finishedEntries?: readonly string[];
}

/** Tries to take a group another run holds before giving the event back to Lambda. */
const BEGIN_TRIES = 8;
/** A close this close to our read may be missing from it (clocks of two containers). */
const CLOCK_MARGIN_MS = 2_000;

/**
 * Runs one finding through policy → group → {@link decide} → ledger → apply → notice → ledger.
 *
 * - mode `off`: nothing is changed or sent (the group, read while the mode is, is dropped). A
 *   missing group or no exposure: nothing is sent.
 * - An exempted group (where exemptions are allowed) is mailed `exempted`; mode `notify` mails
 *   `would-remediate` with the plan; both are suppressed when sent within the TTL of
 *   `context.recentNotices`. Neither changes anything, so neither touches the ledger.
 * - mode `enforce`: the intent is written with the group's lease (racing runs wait, then find
 *   the work done), the plan is applied compare-and-swap (see {@link converge}), the record of
 *   what really changed is published as `remediated`, and the entry is closed. An unfinished
 *   entry of an earlier run (cut short, or applied but not published) is finished first.
 * - Access denied on any EC2 call: a `failed` notice names the missing permission, with what
 *   was changed before; not thrown. The policy read, throttling, 5xx, a held lease and a failed
 *   publish are thrown (the caller retries), and the ledger keeps what was done, so the retry
 *   resumes instead of guessing.
 *
 * @example
 * const outcome = await remediateFinding({ groupId: 'sg-1', trigger: 'direct' }, deps,
 *   { ports: [22], strategy: 'narrow', allowGroupExemptions: false },
 *   { accountId: '111122223333', region: 'eu-west-1', now: () => new Date(), newRecordId: randomUUID });
 * outcome.outcome // → 'remediated'
 */
export async function remediateFinding(
  finding: Finding,
  deps: RemediationDeps,
  settings: RemediationSettings,
  context: RemediationContext,
): Promise<RemediationOutcome> {
  // The group is read while the account's mode is, so a cold container's mode-map read costs no
  // round trip of its own; in mode `off` (or with the mode unreadable) the read is dropped unseen.
  let readAt = context.now().getTime();
  const reading = deps.groups.loadGroup({ groupId: finding.groupId, groupName: finding.groupName });
  // Its failure is handled where it is awaited, or dropped with the read.
  reading.catch(() => undefined);
  let policy: AccountPolicy;
  try {
    policy = await deps.policies.policyFor(context.accountId);
  } catch (error) {
    if (!isPolicyUnreadable(error)) throw error;
    return modeUnreadable(finding, error, deps, settings, context);
  }
  const base = {
    accountId: context.accountId,
    region: context.region,
    ...(finding.groupId ? { groupId: finding.groupId } : {}),
    ...(finding.groupName ? { groupName: finding.groupName } : {}),
    mode: policy.mode,
    policy,
    exposures: [],
    unresolvedPrefixLists: [],
  };
  if (policy.mode === 'off') return { ...base, outcome: 'skipped-off' };

  const run = new Run(finding, policy, deps, settings, context);
  let loaded: Loaded | undefined;
  let group: GroupSnapshot | undefined;
  try {
    group = await reading;
    loaded = group && (await run.withPrefixLists(group));
  } catch (error) {
    if (isGroupNotFound(error)) return { ...base, outcome: 'group-not-found' };
    // A record names its group by id; a name that could not even be resolved stays an error.
    const groupId = group?.groupId ?? finding.groupId;
    if (!isAccessDenied(error) || groupId === undefined) throw error;
    // What is known goes into the notice: the group when it was read, else just its id.
    const stub: GroupSnapshot = group ?? { groupId, rules: [] };
    return run.fail(
      run.decideOn({ group: stub, prefixLists: new Map() }),
      deniedFailure(error),
      base,
    );
  }
  if (!loaded) return { ...base, outcome: 'group-not-found' };

  let decision = run.decideOn(loaded);
  const described = (d: GroupDecision) => ({
    ...base,
    groupId: d.group.groupId,
    ...(d.group.groupName ? { groupName: d.group.groupName } : {}),
    exposures: d.assessment.exposures,
    unresolvedPrefixLists: d.assessment.unresolvedPrefixLists,
    ...(d.kind === 'not-exposed' ? {} : { plan: d.plan }),
  });
  if (decision.kind === 'not-exposed') {
    // Clean now, maybe by an earlier run whose notice is still unsent: finish it first.
    const finished =
      policy.mode === 'enforce' ? await run.finishLeftover(decision.group.groupId) : [];
    return finished.length > 0
      ? { ...described(decision), outcome: 'already-fixed', finishedEntries: finished }
      : { ...described(decision), outcome: 'not-exposed' };
  }
  if (decision.kind === 'exempt') return run.notifyOnce('exempted', decision, described(decision));
  if (decision.kind === 'notify') {
    return run.notifyOnce('would-remediate', decision, described(decision));
  }

  // Enforce: take the group's lease with the intent, finishing what earlier runs left.
  let expectVersion: number | undefined;
  for (let attempt = 0; attempt < BEGIN_TRIES; attempt += 1) {
    const entry = run.intent(decision);
    const begun = await deps.ledger.begin({
      entry,
      now: context.now().getTime(),
      leaseExpiresAt: context.now().getTime() + run.leaseMs,
      closedBefore: readAt - CLOCK_MARGIN_MS,
      ...(expectVersion !== undefined ? { expectVersion } : {}),
    });
    if (begun.kind === 'acquired') {
      const outcome = await run.execute(entry, begun.version, loaded, decision, begun.previous);
      return { ...outcome, ...run.finished() };
    }
    const { head } = begun;
    const now = context.now().getTime();
    if (head.state === 'idle') {
      // Closed after our read: what we read may predate that run's change.
      expectVersion = head.version;
    } else if ((head.leaseExpiresAt ?? 0) < now) {
      // Unfinished and nobody's (cut short, or applied and unpublished): finish it first.
      try {
        expectVersion = await run.finish(head);
      } catch (error) {
        // Another finisher took it first: wait for it like for any held lease.
        if (!isLedgerConflict(error)) throw error;
        await run.sleep(Math.min(2_000, 100 * 2 ** attempt));
        expectVersion = undefined;
        continue;
      }
    } else {
      await run.sleep(Math.min(2_000, 100 * 2 ** attempt));
      expectVersion = undefined;
      continue;
    }
    readAt = context.now().getTime();
    loaded = await run.load({ groupId: decision.group.groupId });
    if (!loaded) return { ...base, outcome: 'group-not-found', ...run.finished() };
    decision = run.decideOn(loaded);
    if (decision.kind !== 'enforce') {
      const outcome = decision.kind === 'not-exposed' ? 'already-fixed' : decision.kind;
      if (outcome === 'already-fixed')
        return { ...described(decision), outcome, ...run.finished() };
      const action = outcome === 'exempt' ? 'exempted' : 'would-remediate';
      return {
        ...(await run.notifyOnce(action, decision, described(decision))),
        ...run.finished(),
      };
    }
  }
  throw new LeaseHeldError(decision.group.groupId);
}

/**
 * The mode could not be read: nothing is changed. Before the final attempt the error is thrown
 * (Lambda retries); on the final one an exposed group gets a `failed` notice naming it, so the
 * central team knows a hole may be open.
 */
async function modeUnreadable(
  finding: Finding,
  error: PolicyUnreadableFailure,
  deps: RemediationDeps,
  settings: RemediationSettings,
  context: RemediationContext,
): Promise<RemediationOutcome> {
  const key = context.attemptKey && `${context.attemptKey}/${finding.groupId ?? finding.groupName}`;
  if (!key) throw error;
  const attempt = await deps.ledger.countAttempt(key, context.now().getTime());
  if (attempt < (context.maxAttempts ?? 3)) throw error;
  const policy: AccountPolicy = {
    accountId: context.accountId,
    mode: 'notify',
    source: { kind: 'default' },
    warnings: [
      `the account's mode could not be read (${error.message}); sg-guard changed nothing and treated the account as notify-only`,
    ],
  };
  const run = new Run(finding, policy, deps, settings, context);
  const base = {
    accountId: context.accountId,
    region: context.region,
    ...(finding.groupId ? { groupId: finding.groupId } : {}),
    mode: policy.mode,
    policy,
    exposures: [],
    unresolvedPrefixLists: [],
  };
  const loaded = await run.load({ groupId: finding.groupId, groupName: finding.groupName });
  if (!loaded) return { ...base, outcome: 'group-not-found' };
  const decision = run.decideOn(loaded);
  if (decision.kind === 'not-exposed') return { ...base, outcome: 'not-exposed' };
  return run.fail(decision, { code: error.code, message: error.message }, base);
}

/**
 * Finishes the entries that earlier runs left unfinished in the ledger (the sweep's second job):
 * applied ones are published, ones cut short (lease expired) are resumed against the group.
 * Returns the record ids it finished; a held lease is left to its holder.
 */
export async function finishUnfinishedEntries(
  heads: readonly LedgerHead[],
  deps: RemediationDeps,
  settings: RemediationSettings,
  context: RemediationContext,
): Promise<string[]> {
  const finished: string[] = [];
  for (const head of heads) {
    const now = context.now().getTime();
    if (!head.entry || (head.leaseExpiresAt ?? 0) >= now) continue;
    const run = new Run(
      head.entry.decision.finding,
      head.entry.decision.policy,
      deps,
      settings,
      context,
    );
    try {
      await run.finish(head);
      finished.push(...run.finished().finishedEntries);
    } catch (error) {
      // Another run took it first: it is theirs to finish.
      if (!isLedgerConflict(error)) throw error;
    }
  }
  return finished;
}
