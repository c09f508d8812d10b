/** `undo --from-ledger`: the record to undo, read from the ledger itself instead of a file. */
import type { RemediationLedger, RemediationRecord } from '@sg-guard/remediation-core';
import { CliError } from '../errors.js';

/**
 * The record of `recordId` in the group's ledger, or (without it) the record of the group's
 * newest `published` entry.
 *
 * @throws CliError `INPUT` when the ledger holds no such entry (or none published), or the
 *   entry has no record.
 */
export async function recordFromLedger(
  ledger: RemediationLedger,
  where: { readonly groupId: string; readonly accountId: string; readonly region: string },
  recordId?: string,
): Promise<RemediationRecord> {
  const place = `${where.groupId} in account ${where.accountId}, ${where.region}`;
  const entry =
    recordId !== undefined
      ? await ledger.getEntry(where.groupId, recordId)
      : (await ledger.listEntries(where.groupId)).find((e) => e.status === 'published');
  if (entry === undefined) {
    throw new CliError(
      'INPUT',
      recordId !== undefined
        ? `the ledger holds no entry ${recordId} for ${place}`
        : `the ledger holds no published entry for ${place}`,
    );
  }
  if (entry.record === undefined) {
    throw new CliError('INPUT', `the ledger entry ${entry.recordId} of ${place} holds no record`);
  }
  return entry.record;
}
