import type { LedgerEntry, RemediationLedger } from '@sg-guard/remediation-core';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../../src/errors.js';
import { recordFromLedger } from '../../../src/undo/from-ledger.js';

const WHERE = { groupId: 'sg-1', accountId: '111122223333', region: 'eu-west-1' };

function entry(recordId: string, status: LedgerEntry['status'], createdAt: string): LedgerEntry {
  return {
    schemaVersion: 1,
    recordId,
    accountId: WHERE.accountId,
    region: WHERE.region,
    groupId: WHERE.groupId,
    status,
    createdAt,
    updatedAt: createdAt,
    decision: {} as LedgerEntry['decision'],
    applied: { revoked: [], authorized: [] },
    ...(status === 'void' || status === 'intent'
      ? {}
      : { record: { recordId } as unknown as LedgerEntry['record'] }),
  };
}

/** Entries newest first, as the port promises. */
function ledger(entries: LedgerEntry[]): RemediationLedger {
  return {
    getEntry: async (_g: string, id: string) => entries.find((e) => e.recordId === id),
    listEntries: async () => entries,
  } as unknown as RemediationLedger;
}

describe('recordFromLedger', () => {
  it('takes the newest published entry of the group', async () => {
    // Prepare
    const entries = [
      entry('r3', 'intent', '2026-11-27T12:00:00Z'),
      entry('r2', 'published', '2026-11-27T11:00:00Z'),
      entry('r1', 'published', '2026-11-27T10:00:00Z'),
    ];

    // Act
    const record = await recordFromLedger(ledger(entries), WHERE);

    // Assess
    expect(record.recordId).toBe('r2');
  });

  it('takes the entry named by --record', async () => {
    // Act
    const record = await recordFromLedger(
      ledger([
        entry('r2', 'published', '2026-11-27T11:00:00Z'),
        entry('r1', 'applied', '2026-11-27T10:00:00Z'),
      ]),
      WHERE,
      'r1',
    );

    // Assess
    expect(record.recordId).toBe('r1');
  });

  it('fails naming the group when nothing was published, or the entry is unknown', async () => {
    // Prepare
    const only = ledger([entry('r1', 'void', '2026-11-27T10:00:00Z')]);

    // Act
    const none = recordFromLedger(only, WHERE);
    const unknown = recordFromLedger(only, WHERE, 'nope');
    const empty = recordFromLedger(only, WHERE, 'r1');

    // Assess
    await expect(none).rejects.toThrow(
      'the ledger holds no published entry for sg-1 in account 111122223333, eu-west-1',
    );
    await expect(unknown).rejects.toThrow(CliError);
    await expect(empty).rejects.toThrow('holds no record');
  });
});
