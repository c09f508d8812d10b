/**
 * The ledger in memory: for `sg-guard fix` where an account-region has no ledger table, and for
 * tests. Same transitions and conditions as the DynamoDB ledger, in one process.
 */
import type {
  BeginRequest,
  BeginResult,
  LedgerEntry,
  LedgerHead,
  RemediationLedger,
} from './ledger.js';

/** A lost race on a group's head, shaped as the core's `LedgerConflictFailure`. */
class InMemoryLedgerConflict extends Error {
  readonly code = 'LEDGER_CONFLICT' as const;

  constructor(readonly groupId: string) {
    super(`the ledger head of ${groupId} was changed by another run`);
    this.name = 'InMemoryLedgerConflict';
  }
}

/**
 * {@link RemediationLedger} in memory.
 *
 * @example
 * const ledger = new InMemoryLedger();
 * await remediateFinding(finding, { groups, policies, notices, ledger }, settings, context);
 * ledger.entries() // → what was recorded
 */
export class InMemoryLedger implements RemediationLedger {
  private readonly heads = new Map<string, LedgerHead>();
  private readonly records = new Map<string, LedgerEntry>();
  private readonly attempts = new Map<string, number>();

  async begin(request: BeginRequest): Promise<BeginResult> {
    const { entry } = request;
    const head = this.heads.get(entry.groupId);
    const free =
      request.expectVersion !== undefined
        ? head !== undefined && head.version === request.expectVersion && head.state === 'idle'
        : head === undefined ||
          (head.state === 'idle' && (head.lastClosedAt ?? 0) < request.closedBefore);
    if (!free)
      return {
        kind: 'conflict',
        head: head ?? { groupId: entry.groupId, state: 'idle', version: 0 },
      };
    const version = (head?.version ?? 0) + 1;
    this.heads.set(entry.groupId, {
      groupId: entry.groupId,
      state: 'intent',
      version,
      leaseExpiresAt: request.leaseExpiresAt,
      ...(head?.lastClosedAt !== undefined && { lastClosedAt: head.lastClosedAt }),
      ...(head?.lastRecordId !== undefined && { lastRecordId: head.lastRecordId }),
      entry,
    });
    const previous =
      head?.lastRecordId !== undefined && head.lastClosedAt !== undefined
        ? { recordId: head.lastRecordId, closedAt: head.lastClosedAt }
        : undefined;
    return { kind: 'acquired', version, ...(previous && { previous }) };
  }

  async takeOver(head: LedgerHead, now: number, leaseExpiresAt: number): Promise<number> {
    const current = this.expect(head.groupId, head.version);
    const takeable = current.state !== 'idle' && (current.leaseExpiresAt ?? 0) < now;
    if (!takeable) throw new InMemoryLedgerConflict(head.groupId);
    return this.move(current, { leaseExpiresAt });
  }

  async interrupt(entry: LedgerEntry, version: number): Promise<number> {
    return this.move(this.expect(entry.groupId, version), { entry, leaseExpiresAt: 0 });
  }

  async markApplied(entry: LedgerEntry, version: number): Promise<number> {
    const head = this.expect(entry.groupId, version);
    this.records.set(key(entry), entry);
    const { leaseExpiresAt: _lease, ...rest } = head;
    this.heads.set(entry.groupId, { ...rest, state: 'applied', entry, version: version + 1 });
    return version + 1;
  }

  async close(entry: LedgerEntry, version: number, now: number): Promise<void> {
    const head = this.expect(entry.groupId, version);
    this.records.set(key(entry), entry);
    const lastRecordId = entry.status === 'published' ? entry.recordId : head.lastRecordId;
    this.heads.set(entry.groupId, {
      groupId: entry.groupId,
      state: 'idle',
      version: version + 1,
      lastClosedAt: now,
      ...(lastRecordId !== undefined && { lastRecordId }),
    });
  }

  async getEntry(groupId: string, recordId: string): Promise<LedgerEntry | undefined> {
    return this.records.get(`${groupId}/${recordId}`);
  }

  async listEntries(groupId: string): Promise<LedgerEntry[]> {
    return [...this.records.values()]
      .filter((entry) => entry.groupId === groupId)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async getHead(groupId: string): Promise<LedgerHead | undefined> {
    return this.heads.get(groupId);
  }

  async listUnfinished(): Promise<LedgerHead[]> {
    return [...this.heads.values()].filter((head) => head.state !== 'idle');
  }

  async countAttempt(key: string): Promise<number> {
    const count = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, count);
    return count;
  }

  /** Every closed or pending entry (tests and `fix`'s summary). */
  entries(): LedgerEntry[] {
    return [...this.records.values()];
  }

  /** The head of a group, as the store holds it (tests). */
  head(groupId: string): LedgerHead | undefined {
    return this.heads.get(groupId);
  }

  private expect(groupId: string, version: number): LedgerHead {
    const head = this.heads.get(groupId);
    if (!head || head.version !== version) throw new InMemoryLedgerConflict(groupId);
    return head;
  }

  private move(head: LedgerHead, change: Partial<LedgerHead>): number {
    const version = head.version + 1;
    this.heads.set(head.groupId, { ...head, ...change, version });
    return version;
  }
}

function key(entry: LedgerEntry): string {
  return `${entry.groupId}/${entry.recordId}`;
}
