/**
 * The ledger `fix` writes to: the account-region's own `sg-guard-ledger` table when the member
 * stack created it there (so the remediator, the sweep and `undo` see the CLI's changes as
 * their own), else an in-memory ledger that keeps the lease and write-ahead order for the run.
 */
import { LedgerMissingError } from '@sg-guard/aws';
import { InMemoryLedger, type RemediationLedger } from '@sg-guard/remediation-core';

/** Where a fix's ledger entries went in one account-region. */
export type LedgerKind = 'table' | 'memory';

/**
 * A {@link RemediationLedger} over the table that falls back to memory, for the rest of the run,
 * the first time the table turns out not to exist (`LedgerMissingError`). Any other error is
 * the table's, and is thrown.
 */
export class TableOrMemoryLedger implements RemediationLedger {
  private current: RemediationLedger;
  private fellBack = false;

  constructor(
    table: RemediationLedger,
    private readonly memory: RemediationLedger = new InMemoryLedger(),
  ) {
    this.current = table;
  }

  /** `table` until the table was found missing, then `memory`. */
  kind(): LedgerKind {
    return this.fellBack ? 'memory' : 'table';
  }

  private async call<T>(use: (ledger: RemediationLedger) => Promise<T>): Promise<T> {
    try {
      return await use(this.current);
    } catch (error) {
      if (this.fellBack || !(error instanceof LedgerMissingError)) throw error;
      this.fellBack = true;
      this.current = this.memory;
      return use(this.current);
    }
  }

  begin: RemediationLedger['begin'] = (request) => this.call((l) => l.begin(request));
  takeOver: RemediationLedger['takeOver'] = (head, now, lease) =>
    this.call((l) => l.takeOver(head, now, lease));
  interrupt: RemediationLedger['interrupt'] = (entry, version) =>
    this.call((l) => l.interrupt(entry, version));
  markApplied: RemediationLedger['markApplied'] = (entry, version) =>
    this.call((l) => l.markApplied(entry, version));
  close: RemediationLedger['close'] = (entry, version, now) =>
    this.call((l) => l.close(entry, version, now));
  getEntry: RemediationLedger['getEntry'] = (groupId, recordId) =>
    this.call((l) => l.getEntry(groupId, recordId));
  listEntries: RemediationLedger['listEntries'] = (groupId) =>
    this.call((l) => l.listEntries(groupId));
  getHead: RemediationLedger['getHead'] = (groupId) => this.call((l) => l.getHead(groupId));
  listUnfinished: RemediationLedger['listUnfinished'] = () => this.call((l) => l.listUnfinished());
  countAttempt: RemediationLedger['countAttempt'] = (key, now) =>
    this.call((l) => l.countAttempt(key, now));
}
