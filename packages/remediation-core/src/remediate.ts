/**
 * The one use case: a finding in, the smallest change and a notice out. `decide` (pure) says
 * what to do; `execute` does it behind the ports, write-ahead: the ledger holds the intent
 * before any change, what really changed after it, and is closed only once the notice is out.
 */

import { LeaseHeldError, LedgerNotClosedError, NoticeNotPublishedError } from './errors.js';
import { prefixListsToResolve } from './exposure/assess.js';
import type { LedgerEntry, LedgerHead, RemediationLedger } from './ledger/ledger.js';
import type {
  AccountPolicy,
  Exposure,
  Finding,
  GroupSnapshot,
  Mode,
  Notice,
  NoticeAction,
  NoticeInput,
  PrefixListEntries,
  RemediationPlan,
} from './model.js';
import { buildNotice, renderNotice } from './notice/notice.js';
import type { AccountPolicyReader, NoticePublisher, SecurityGroupGateway } from './ports.js';
import { type Convergence, converge, MAX_REPLANS } from './remediate/converge.js';
import { decide, type GroupDecision, type RemediationSettings } from './remediate/decide.js';
import { managedByOf } from './remediate/managed-by.js';
import {
  type AccessDeniedFailure,
  isAccessDenied,
  isGroupNotFound,
  isLedgerConflict,
  isPolicyUnreadable,
  type PolicyUnreadableFailure,
} from './remediate/port-errors.js';
import type { RecentNotices } from './remediate/recent-notices.js';

export * from './remediate/converge.js';
export * from './remediate/decide.js';
export * from './remediate/managed-by.js';
export * from './remediate/port-errors.js';
export * from './remediate/recent-notices.js';

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
const DEFAULT_LEASE_MS = 120_000;
/** Tries to close an entry whose notice is out (250 ms, then 1 s between them). */
const CLOSE_TRIES = 3;
/** A group fixed within this time before and open again is flagged as a repeat. */
const REPEAT_WINDOW_MS = 86_400_000;

type Loaded = { group: GroupSnapshot; prefixLists: PrefixListEntries };

/**
 * Runs one finding through policy → group → {@link decide} → ledger → apply → notice → ledger.
 *
 * - mode `off`: nothing is read or changed. A missing group or no exposure: nothing is sent.
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
  let readAt = context.now().getTime();
  let group: GroupSnapshot | undefined;
  try {
    group = await deps.groups.loadGroup({ groupId: finding.groupId, groupName: finding.groupName });
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
    } else if (head.state === 'applied' || (head.leaseExpiresAt ?? 0) < now) {
      expectVersion = await run.finish(head);
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
    if (!head.entry || (head.state === 'intent' && (head.leaseExpiresAt ?? 0) >= now)) continue;
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

/** One finding's run: the decisions, ledger transitions and notices it makes. */
class Run {
  readonly leaseMs: number;
  private readonly finishedIds: string[] = [];

  constructor(
    private readonly finding: Finding,
    private readonly policy: AccountPolicy,
    private readonly deps: RemediationDeps,
    private readonly settings: RemediationSettings,
    private readonly context: RemediationContext,
  ) {
    this.leaseMs = context.leaseMs ?? DEFAULT_LEASE_MS;
  }

  sleep(ms: number): Promise<void> {
    return this.context.sleep
      ? this.context.sleep(ms)
      : new Promise((resolve) => setTimeout(resolve, ms));
  }

  finished(): { finishedEntries: string[] } {
    return { finishedEntries: [...this.finishedIds] };
  }

  async load(ref: { groupId?: string; groupName?: string }): Promise<Loaded | undefined> {
    const group = await this.deps.groups.loadGroup(ref);
    return group && this.withPrefixLists(group);
  }

  async withPrefixLists(group: GroupSnapshot): Promise<Loaded> {
    const listIds = prefixListsToResolve(group, this.settings.ports);
    const prefixLists =
      listIds.length > 0 ? await this.deps.groups.loadPrefixLists(listIds) : new Map();
    return { group, prefixLists };
  }

  decideOn(loaded: Loaded): GroupDecision {
    return decide({
      group: loaded.group,
      policy: this.policy,
      prefixLists: loaded.prefixLists,
      settings: this.settings,
      now: this.context.now(),
    });
  }

  intent(decision: GroupDecision): LedgerEntry {
    const time = this.context.now().toISOString();
    return {
      schemaVersion: 1,
      recordId: this.context.newRecordId(),
      accountId: this.context.accountId,
      region: this.context.region,
      groupId: decision.group.groupId,
      status: 'intent',
      createdAt: time,
      updatedAt: time,
      decision: {
        finding: this.finding,
        policy: this.policy,
        group: decision.group,
        exposures: decision.assessment.exposures,
        plan: decision.plan,
      },
      applied: { revoked: [], authorized: [] },
    };
  }

  /** Applies an entry we hold, then publishes and closes it. */
  async execute(
    entry: LedgerEntry,
    version: number,
    loaded: Loaded,
    decision: GroupDecision,
    previous?: { recordId: string; closedAt: number },
    resuming = false,
  ): Promise<RemediationOutcome> {
    let progress = entry.applied;
    let convergence: Convergence;
    const outcomeBase = {
      accountId: this.context.accountId,
      region: this.context.region,
      groupId: entry.groupId,
      ...(loaded.group.groupName ? { groupName: loaded.group.groupName } : {}),
      mode: this.policy.mode,
      policy: this.policy,
      exposures: entry.decision.exposures,
      unresolvedPrefixLists: decision.assessment.unresolvedPrefixLists,
      plan: entry.decision.plan,
    };
    try {
      convergence = await converge(entry, loaded.group, {
        groups: this.deps.groups,
        settings: this.settings,
        policy: this.policy,
        now: this.context.now,
        reload: () => this.load({ groupId: entry.groupId }),
        progress: (applied) => {
          progress = applied;
        },
        resuming,
      });
    } catch (error) {
      const cut = { ...entry, applied: progress, updatedAt: this.context.now().toISOString() };
      if (isAccessDenied(error)) {
        return this.closeFailed(cut, version, error, outcomeBase);
      }
      if (isGroupNotFound(error)) {
        // Deleted under us: nothing is left to change or to undo.
        await this.deps.ledger.close(
          { ...cut, status: 'void' },
          version,
          this.context.now().getTime(),
        );
        return { ...outcomeBase, outcome: 'group-not-found' };
      }
      // Keep what was done so the retry resumes at once, then let the caller retry.
      await this.deps.ledger.interrupt(cut, version);
      throw error;
    }
    const changed =
      convergence.applied.revoked.length > 0 ||
      convergence.applied.authorized.some((rule) => rule.created);
    if (convergence.unsettled) {
      const error = {
        code: 'RULE_KEPT_CHANGING',
        message: `the group's rules changed under sg-guard ${MAX_REPLANS + 1} times in a row; it stopped and left the group as it is now`,
      };
      return this.publishAndClose(entry, version, convergence, 'failed', outcomeBase, error);
    }
    if (!changed) {
      await this.deps.ledger.close(
        {
          ...entry,
          status: 'void',
          applied: convergence.applied,
          updatedAt: this.context.now().toISOString(),
        },
        version,
        this.context.now().getTime(),
      );
      return { ...outcomeBase, outcome: 'already-fixed' };
    }
    return this.publishAndClose(
      entry,
      version,
      convergence,
      'remediated',
      outcomeBase,
      undefined,
      previous,
    );
  }

  /**
   * Finishes the group's unfinished entry, if any (applied but unpublished, or cut short with its
   * lease expired); a live lease is left to its holder. Returns the finished record ids.
   */
  async finishLeftover(groupId: string): Promise<string[]> {
    const head = await this.deps.ledger.getHead(groupId);
    const now = this.context.now().getTime();
    if (!head?.entry || head.state === 'idle') return [];
    if (head.state === 'intent' && (head.leaseExpiresAt ?? 0) >= now) return [];
    try {
      await this.finish(head);
    } catch (error) {
      if (!isLedgerConflict(error)) throw error;
    }
    return this.finished().finishedEntries;
  }

  /** Finishes an unfinished entry of another run; returns the head version after closing it. */
  async finish(head: LedgerHead): Promise<number> {
    const entry = head.entry;
    if (!entry)
      throw new NoticeNotPublishedError(
        head.groupId,
        'an unfinished ledger head without its entry',
      );
    const now = this.context.now().getTime();
    let version = await this.deps.ledger.takeOver(head, now, now + this.leaseMs);
    if (head.state === 'applied' && entry.record) {
      await this.publishRecordOf(entry, version);
      this.finishedIds.push(entry.recordId);
      return version + 1;
    }
    const run = new Run(
      entry.decision.finding,
      entry.decision.policy,
      this.deps,
      this.settings,
      this.context,
    );
    const loaded = await this.load({ groupId: entry.groupId });
    if (!loaded) {
      await this.deps.ledger.close(
        { ...entry, status: 'void', updatedAt: this.context.now().toISOString() },
        version,
        this.context.now().getTime(),
      );
      return version + 1;
    }
    await run.execute(entry, version, loaded, run.decideOn(loaded), undefined, true);
    this.finishedIds.push(entry.recordId);
    version += 1;
    return version;
  }

  private async closeFailed(
    entry: LedgerEntry,
    version: number,
    error: AccessDeniedFailure,
    outcomeBase: Omit<RemediationOutcome, 'outcome'>,
  ): Promise<RemediationOutcome> {
    const convergence: Convergence = {
      applied: entry.applied,
      exposures: entry.decision.exposures,
      dropped: entry.decision.plan.dropped,
      decision: {
        kind: 'enforce',
        group: entry.decision.group,
        assessment: {
          groupId: entry.groupId,
          verdict: 'EXPOSED',
          exposures: entry.decision.exposures,
          rules: entry.decision.group.rules,
          unresolvedPrefixLists: [],
        },
        plan: entry.decision.plan,
      },
    };
    const failure = {
      code: error.awsCode ?? error.code,
      message: error.message,
      missingPermission: error.action,
    };
    const outcome = await this.publishAndClose(
      entry,
      version,
      convergence,
      'failed',
      outcomeBase,
      failure,
    );
    return { ...outcome, missingPermission: error.action };
  }

  private async publishAndClose(
    entry: LedgerEntry,
    version: number,
    convergence: Convergence,
    action: 'remediated' | 'failed',
    outcomeBase: Omit<RemediationOutcome, 'outcome'>,
    error?: { code: string; message: string; missingPermission?: string },
    previous?: { recordId: string; closedAt: number },
  ): Promise<RemediationOutcome> {
    const changedAt = this.context.now();
    const { decision } = convergence;
    const input: NoticeInput = {
      action,
      recordId: entry.recordId,
      time: changedAt.toISOString(),
      accountId: this.context.accountId,
      region: this.context.region,
      finding: entry.decision.finding,
      policy: entry.decision.policy,
      group: { ...decision.group, groupId: entry.groupId },
      assessment: {
        ...decision.assessment,
        exposures:
          convergence.exposures.length > 0 ? convergence.exposures : entry.decision.exposures,
      },
      plan: { ...decision.plan, dropped: convergence.dropped },
      applied: convergence.applied,
      ...(error ? { error, planned: entry.decision.plan } : {}),
      ...exposureWindow(entry.decision.finding, changedAt),
      ...managedByField(entry.decision.group),
      ...(previous && changedAt.getTime() - previous.closedAt < REPEAT_WINDOW_MS
        ? {
            repeat: {
              previousRecordId: previous.recordId,
              previousTime: new Date(previous.closedAt).toISOString(),
            },
          }
        : {}),
    };
    const notice = buildNotice(input);
    const applied: LedgerEntry = {
      ...entry,
      status: 'applied',
      applied: convergence.applied,
      record: notice.record,
      updatedAt: changedAt.toISOString(),
    };
    await this.publishRecordOf(applied, version, notice);
    return { ...outcomeBase, outcome: action, notice, plan: decision.plan };
  }

  /** Publish, then close; a failed publish leaves the entry applied (pending) and throws. */
  private async publishRecordOf(
    entry: LedgerEntry,
    version: number,
    built?: Notice,
  ): Promise<void> {
    const notice = built ?? noticeOfRecord(entry);
    try {
      await this.deps.notices.publish(notice);
    } catch (error) {
      if (entry.status !== 'applied' || built) {
        await this.deps.ledger.markApplied({ ...entry, status: 'applied' }, version);
      }
      throw new NoticeNotPublishedError(entry.groupId, entry.recordId, {
        cause: error,
        record: notice.record,
      });
    }
    // The mail is out: a close lost now would let a later run resume the entry and mail it
    // again, so the close gets retries of its own on top of the SDK's.
    const closed = { ...entry, status: 'published' as const };
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.deps.ledger.close(
          { ...closed, updatedAt: this.context.now().toISOString() },
          version,
          this.context.now().getTime(),
        );
        return;
      } catch (error) {
        if (isLedgerConflict(error) || attempt >= CLOSE_TRIES) {
          throw new LedgerNotClosedError(entry.groupId, entry.recordId, { cause: error });
        }
        await this.sleep(250 * 4 ** (attempt - 1));
      }
    }
  }

  async notifyOnce(
    action: 'exempted' | 'would-remediate',
    decision: GroupDecision,
    outcome: Omit<RemediationOutcome, 'outcome'>,
  ): Promise<RemediationOutcome> {
    const key = {
      accountId: this.context.accountId,
      region: this.context.region,
      groupId: decision.group.groupId,
      action,
      exposures: decision.assessment.exposures,
    };
    if (this.context.recentNotices?.has(key, this.context.now())) {
      return { ...outcome, outcome: 'suppressed', suppressedAction: action };
    }
    const notice = buildNotice({
      action,
      recordId: this.context.newRecordId(),
      time: this.context.now().toISOString(),
      accountId: this.context.accountId,
      region: this.context.region,
      finding: this.finding,
      policy: this.policy,
      group: decision.group,
      assessment: decision.assessment,
      plan: decision.plan,
      ...(decision.exemption ? { exemption: decision.exemption } : {}),
      ...managedByField(decision.group),
    });
    await this.deps.notices.publish(notice);
    this.context.recentNotices?.remember(key, this.context.now());
    return { ...outcome, outcome: action, notice };
  }

  /** A failure before any change (access denied, mode unreadable): a `failed` notice. */
  async fail(
    decision: GroupDecision,
    failure: {
      readonly code: string;
      readonly message: string;
      readonly missingPermission?: string;
    },
    outcome: Omit<RemediationOutcome, 'outcome'>,
  ): Promise<RemediationOutcome> {
    const notice = buildNotice({
      action: 'failed',
      recordId: this.context.newRecordId(),
      time: this.context.now().toISOString(),
      accountId: this.context.accountId,
      region: this.context.region,
      finding: this.finding,
      policy: this.policy,
      group: decision.group,
      assessment: decision.assessment,
      plan: decision.plan,
      applied: { revoked: [], authorized: [] },
      error: failure,
    });
    await this.deps.notices.publish(notice);
    return {
      ...outcome,
      outcome: 'failed',
      notice,
      ...(failure.missingPermission ? { missingPermission: failure.missingPermission } : {}),
    };
  }
}

function deniedFailure(error: AccessDeniedFailure) {
  return {
    code: error.awsCode ?? error.code,
    message: error.message,
    missingPermission: error.action,
  };
}

/** The notice of an entry whose record is already built (a pending entry from the ledger). */
function noticeOfRecord(entry: LedgerEntry): Notice {
  const record = entry.record;
  if (!record) throw new NoticeNotPublishedError(entry.groupId, entry.recordId);
  return renderNotice(record);
}

function exposureWindow(finding: Finding, changedAt: Date): Pick<NoticeInput, 'exposureSeconds'> {
  if (finding.trigger !== 'cloudtrail' || !finding.eventTime) return {};
  const opened = Date.parse(finding.eventTime);
  if (Number.isNaN(opened)) return {};
  return { exposureSeconds: Math.max(0, Math.round((changedAt.getTime() - opened) / 1000)) };
}

function managedByField(group: GroupSnapshot): Pick<NoticeInput, 'managedBy'> {
  const managedBy = managedByOf(group.tags);
  return managedBy ? { managedBy } : {};
}
