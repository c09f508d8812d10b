/**
 * The ledger: every change sg-guard makes to a group is written down before it is made
 * (write-ahead), with a lease that keeps racing events for one group from changing it twice,
 * and is closed only once its notice is published. Implemented over DynamoDB in `@sg-guard/aws`
 * and in memory in tests.
 */
import type {
  AccountPolicy,
  Exposure,
  Finding,
  GroupSnapshot,
  RecordedRule,
  RemediationPlan,
  RemediationRecord,
} from '../model.js';

/**
 * Where an entry is in its life:
 * - `intent`: the plan is written, changes may be under way (or were cut short);
 * - `applied`: the changes are made and the record says exactly what; its notice is not out yet;
 * - `published`: the notice went out (closed);
 * - `void`: nothing changed in the end (the owner fixed or edited the rule first); no notice (closed).
 */
export type LedgerStatus = 'intent' | 'applied' | 'published' | 'void';

/** Everything the notice of an entry is built from, so any container can finish it. */
export interface LedgerDecision {
  readonly finding: Finding;
  readonly policy: AccountPolicy;
  /** The group as read before any change (its rules tell a rule sg-guard created from one that was there). */
  readonly group: GroupSnapshot;
  readonly exposures: readonly Exposure[];
  readonly plan: RemediationPlan;
}

/** Changes made so far for an entry (kept when a run is cut short, so the next one resumes). */
export interface AppliedChanges {
  readonly revoked: readonly RecordedRule[];
  readonly authorized: readonly RecordedRule[];
}

/** One remediation of one group, from intent to published. */
export interface LedgerEntry {
  readonly schemaVersion: 1;
  readonly recordId: string;
  readonly accountId: string;
  readonly region: string;
  readonly groupId: string;
  readonly status: LedgerStatus;
  /** ISO 8601: when the intent was written. */
  readonly createdAt: string;
  /** ISO 8601: last transition. */
  readonly updatedAt: string;
  readonly decision: LedgerDecision;
  /** What was changed so far (for `intent` cut short) or in all (`applied`, `published`). */
  readonly applied: AppliedChanges;
  /** The record as published (or to be published); set from `applied` on. */
  readonly record?: RemediationRecord;
}

/** State of a group's head: no run (`idle`), a run in progress or cut short, or one to publish. */
export type HeadState = 'idle' | 'intent' | 'applied';

/** The per-group item that serializes runs: lease, version and the unfinished entry. */
export interface LedgerHead {
  readonly groupId: string;
  readonly state: HeadState;
  /** Incremented by every transition; a write names the version it read. */
  readonly version: number;
  /** Epoch ms until which the holder owns the group (`intent` only). */
  readonly leaseExpiresAt?: number;
  /** Epoch ms of the last close: a group read before it may be stale. */
  readonly lastClosedAt?: number;
  /** Record id of the last closed entry that changed something. */
  readonly lastRecordId?: string;
  /** The unfinished entry (`intent` or `applied`). */
  readonly entry?: LedgerEntry;
}

/** The answer to {@link RemediationLedger.begin}. */
export type BeginResult =
  /**
   * The lease is ours; the intent is written. `previous` is the group's last closed entry, if
   * any (a group open again soon after a fix is a repeat).
   */
  | {
      readonly kind: 'acquired';
      readonly version: number;
      readonly previous?: { readonly recordId: string; readonly closedAt: number };
    }
  /** Someone else's head is in the way (held lease, an unfinished entry, or a close after our read). */
  | { readonly kind: 'conflict'; readonly head: LedgerHead };

/** What {@link RemediationLedger.begin} is told. */
export interface BeginRequest {
  readonly entry: LedgerEntry;
  /** Epoch ms now. */
  readonly now: number;
  /** Epoch ms until which the lease holds. */
  readonly leaseExpiresAt: number;
  /**
   * The head version the caller saw before reading the group again. When absent, the head must be
   * missing, or idle and last closed before `closedBefore`.
   */
  readonly expectVersion?: number;
  /**
   * Epoch ms: when the group read started, less a margin for clocks. A close after it may not be
   * in what was read, so the caller must read again (used when `expectVersion` is absent).
   */
  readonly closedBefore: number;
}

/**
 * The ledger of one account and region.
 *
 * Every method that changes the head names the version it read, so two containers never both
 * move one group's head; a lost race is a `LedgerConflictError` (code `LEDGER_CONFLICT`).
 */
export interface RemediationLedger {
  /** Writes the intent and takes the group's lease, or says what is in the way (one call). */
  begin(request: BeginRequest): Promise<BeginResult>;
  /**
   * Takes over an unfinished entry that nobody holds: cut short with its lease expired, or
   * waiting to be published and not yet taken by another finisher (whose lease then holds).
   */
  takeOver(head: LedgerHead, now: number, leaseExpiresAt: number): Promise<number>;
  /** Keeps the progress of an intent that was cut short and lets the next run resume at once. */
  interrupt(entry: LedgerEntry, version: number): Promise<number>;
  /** The changes are made but the notice is not out: keeps the entry pending (and its record). */
  markApplied(entry: LedgerEntry, version: number): Promise<number>;
  /** Closes an entry (`published` or `void`): writes it to history and frees the group (one call). */
  close(entry: LedgerEntry, version: number, now: number): Promise<void>;
  /** One closed or pending entry, by group and record id. */
  getEntry(groupId: string, recordId: string): Promise<LedgerEntry | undefined>;
  /** Every entry of a group, newest first. */
  listEntries(groupId: string): Promise<LedgerEntry[]>;
  /** The group's head, if it has one (an event for a clean group checks for an unfinished entry). */
  getHead(groupId: string): Promise<LedgerHead | undefined>;
  /** Heads that are not idle (for the sweep to finish). */
  listUnfinished(): Promise<LedgerHead[]>;
  /**
   * Counts one more attempt at `key` (e.g. a Lambda request id, which async retries keep) and
   * returns the count, so a run can tell its final retry. Kept for a day.
   */
  countAttempt(key: string, now: number): Promise<number>;
}
