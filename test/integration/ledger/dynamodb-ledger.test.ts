import { DynamoDbLedger, LedgerConflictError, LedgerMissingError } from '@sg-guard/aws';
import { createLedgerTable, emulatorDynamoDb, resetMoto } from '@sg-guard/emulator';
import type { LedgerEntry } from '@sg-guard/remediation-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { motoEndpoint } from '../../support/world.js';

const GROUP = 'sg-0123456789abcdef0';
const NOW = Date.parse('2026-12-01T10:00:00Z');

function entry(recordId: string, status: LedgerEntry['status'] = 'intent'): LedgerEntry {
  return {
    schemaVersion: 1,
    recordId,
    accountId: '111122223333',
    region: 'eu-west-1',
    groupId: GROUP,
    status,
    createdAt: new Date(NOW).toISOString(),
    updatedAt: new Date(NOW).toISOString(),
    decision: {
      finding: { groupId: GROUP, trigger: 'direct' },
      policy: {
        accountId: '111122223333',
        mode: 'enforce',
        source: { kind: 'default' },
        warnings: [],
      },
      group: { groupId: GROUP, rules: [] },
      exposures: [],
      plan: {
        groupId: GROUP,
        strategy: 'narrow',
        appliedStrategy: 'narrow',
        authorize: [],
        revoke: [],
        dropped: [],
      },
    },
    applied: { revoked: [], authorized: [] },
  };
}

let ledger: DynamoDbLedger;

beforeEach(async () => {
  const endpoint = motoEndpoint();
  await resetMoto(endpoint);
  await createLedgerTable(endpoint);
  ledger = new DynamoDbLedger({ dynamodb: emulatorDynamoDb(endpoint), now: () => NOW });
});

const begin = (recordId: string, extra: { expectVersion?: number; closedBefore?: number } = {}) =>
  ledger.begin({
    entry: entry(recordId),
    now: NOW,
    leaseExpiresAt: NOW + 120_000,
    closedBefore: extra.closedBefore ?? NOW - 2_000,
    ...(extra.expectVersion !== undefined ? { expectVersion: extra.expectVersion } : {}),
  });

describe('DynamoDbLedger against the emulator', () => {
  it('takes a free group and reports the held lease to a second run with the holder entry', async () => {
    expect(await begin('r-1')).toEqual({ kind: 'acquired', version: 1 });
    const second = await begin('r-2');
    expect(second.kind).toBe('conflict');
    if (second.kind !== 'conflict') return;
    expect(second.head).toMatchObject({
      state: 'intent',
      version: 1,
      leaseExpiresAt: NOW + 120_000,
    });
    expect(second.head.entry?.recordId).toBe('r-1');
  });

  it('closes into history, frees the group, and refuses a read made before that close', async () => {
    await begin('r-1');
    await ledger.close({ ...entry('r-1'), status: 'published' }, 1, NOW);
    expect((await ledger.getEntry(GROUP, 'r-1'))?.status).toBe('published');
    // A run that read the group before the close may have read stale rules.
    const stale = await begin('r-2', { closedBefore: NOW - 1 });
    expect(stale).toMatchObject({
      kind: 'conflict',
      head: { state: 'idle', version: 2, lastClosedAt: NOW },
    });
    // Having seen version 2 before reading again, it may go on.
    // The last fix comes back with the lease, so a group open again soon is flagged a repeat.
    expect(await begin('r-2', { expectVersion: 2 })).toEqual({
      kind: 'acquired',
      version: 3,
      previous: { recordId: 'r-1', closedAt: NOW },
    });
    expect(await ledger.listUnfinished()).toHaveLength(1);
  });

  it('lets a run take over an expired or interrupted intent, once', async () => {
    await begin('r-1');
    const version = await ledger.interrupt(
      { ...entry('r-1'), applied: { revoked: [], authorized: [] } },
      1,
    );
    const conflict = await begin('r-2');
    if (conflict.kind !== 'conflict') throw new Error('expected a conflict');
    expect(conflict.head.leaseExpiresAt).toBe(0);
    expect(await ledger.takeOver(conflict.head, NOW, NOW + 60_000)).toBe(version + 1);
    await expect(ledger.takeOver(conflict.head, NOW, NOW + 60_000)).rejects.toBeInstanceOf(
      LedgerConflictError,
    );
  });

  it('keeps an applied entry pending in the head and in history until it is closed', async () => {
    await begin('r-1');
    await ledger.markApplied({ ...entry('r-1'), status: 'applied' }, 1);
    expect(
      (await ledger.listUnfinished()).map((head) => [head.state, head.entry?.recordId]),
    ).toEqual([['applied', 'r-1']]);
    expect((await ledger.getEntry(GROUP, 'r-1'))?.status).toBe('applied');
    // One finisher takes it; a second one that read the same head cannot, nor can one that
    // reads it again while the first one's lease holds.
    const [pending] = await ledger.listUnfinished();
    if (!pending) throw new Error('no pending head');
    const taken = await ledger.takeOver(pending, NOW, NOW + 60_000);
    await expect(ledger.takeOver(pending, NOW, NOW + 60_000)).rejects.toBeInstanceOf(
      LedgerConflictError,
    );
    const [held] = await ledger.listUnfinished();
    if (!held) throw new Error('no held head');
    await expect(ledger.takeOver(held, NOW, NOW + 60_000)).rejects.toBeInstanceOf(
      LedgerConflictError,
    );
    await ledger.close({ ...entry('r-1'), status: 'published' }, taken, NOW);
    expect(await ledger.listUnfinished()).toEqual([]);
    expect((await ledger.listEntries(GROUP)).map((e) => e.status)).toEqual(['published']);
  });

  it('refuses a close by a run whose version is stale', async () => {
    await begin('r-1');
    await expect(
      ledger.close({ ...entry('r-1'), status: 'published' }, 7, NOW),
    ).rejects.toBeInstanceOf(LedgerConflictError);
  });

  it('lists published fixes with an exposure window since a time, for the audit', async () => {
    await begin('r-1');
    const record = { exposureSeconds: 42 } as unknown as LedgerEntry['record'];
    await ledger.close({ ...entry('r-1'), status: 'published', ...{ record } }, 1, NOW);
    await begin('r-2', { expectVersion: 2 });
    await ledger.close({ ...entry('r-2'), status: 'void' }, 3, NOW);

    expect(await ledger.listRecentFixes(NOW - 86_400_000)).toEqual([
      { groupId: GROUP, recordId: 'r-1', time: new Date(NOW).toISOString(), exposureSeconds: 42 },
    ]);
    expect(await ledger.listRecentFixes(NOW + 1)).toEqual([]);
  });

  it('says the table is missing instead of failing generically', async () => {
    const missing = new DynamoDbLedger({
      dynamodb: emulatorDynamoDb(motoEndpoint()),
      tableName: 'nope',
    });
    await expect(missing.getEntry(GROUP, 'r-1')).rejects.toBeInstanceOf(LedgerMissingError);
  });
});
