/**
 * One finding's run in `enforce`: the ledger transitions (intent, interrupt, applied, close),
 * the compare-and-swap apply, the notices, and the finishing of entries earlier runs left.
 * `remediateFinding` drives it; nothing else does.
 */
import { LedgerNotClosedError, NoticeNotPublishedError } from '../errors.js';
import { prefixListsToResolve } from '../exposure/assess.js';
import type { LedgerEntry, LedgerHead } from '../ledger/ledger.js';
import type {
  AccountPolicy,
  Finding,
  GroupSnapshot,
  Notice,
  NoticeInput,
  PrefixListEntries,
} from '../model.js';
import { buildNotice, renderNotice } from '../notice/notice.js';
import type { RemediationContext, RemediationDeps, RemediationOutcome } from '../remediate.js';
import { type Convergence, converge, MAX_REPLANS } from './converge.js';
import { decide, type GroupDecision, type RemediationSettings } from './decide.js';
import { managedByOf } from './managed-by.js';
import {
  type AccessDeniedFailure,
  isAccessDenied,
  isGroupNotFound,
  isLedgerConflict,
} from './port-errors.js';

const DEFAULT_LEASE_MS = 120_000;
/** Tries to close an entry whose notice is out (250 ms, then 1 s between them). */
const CLOSE_TRIES = 3;
/** A group fixed within this time before and open again is flagged as a repeat. */
const REPEAT_WINDOW_MS = 86_400_000;

/** A group as read, with the entries of the prefix lists its guarded ports reference. */
export type Loaded = { group: GroupSnapshot; prefixLists: PrefixListEntries };

/** One finding's run: the decisions, ledger transitions and notices it makes. */
export class Run {
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
    // Held (a run in progress, or another finisher publishing it): theirs.
    if ((head.leaseExpiresAt ?? 0) >= now) return [];
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
      // Pending again, and nobody's: the retry, the next event or the sweep may take it at once.
      await this.deps.ledger.markApplied({ ...entry, status: 'applied' }, version);
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
        // Another run moved the head: it is theirs now (callers that race expect the conflict).
        if (isLedgerConflict(error)) throw error;
        if (attempt >= CLOSE_TRIES) {
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
      ...this.beforeChangeNotice(decision),
      ...(decision.exemption ? { exemption: decision.exemption } : {}),
      ...managedByField(decision.group),
    });
    await this.deps.notices.publish(notice);
    this.context.recentNotices?.remember(key, this.context.now());
    return { ...outcome, outcome: action, notice };
  }

  /** What a notice of this run says when nothing was changed: a new record of `decision`. */
  private beforeChangeNotice(decision: GroupDecision) {
    return {
      recordId: this.context.newRecordId(),
      time: this.context.now().toISOString(),
      accountId: this.context.accountId,
      region: this.context.region,
      finding: this.finding,
      policy: this.policy,
      group: decision.group,
      assessment: decision.assessment,
      plan: decision.plan,
    };
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
      ...this.beforeChangeNotice(decision),
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

/** The failure of a denied call, as a record states it. */
export function deniedFailure(error: AccessDeniedFailure) {
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
