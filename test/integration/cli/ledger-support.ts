/**
 * The ledger side of `undo`'s integration tests: ledger tables in the emulator and entries put
 * there with the real adapter, as the remediator writes them once a change is published.
 */
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDbLedger } from '@sg-guard/aws';
import { createLedgerTable, type EmulatorCredentials, emulatorDynamoDb } from '@sg-guard/emulator';
import {
  type BeginRequest,
  LEDGER_TABLE,
  type LedgerEntry,
  type RemediationRecord,
} from '@sg-guard/remediation-core';

/** Where a ledger lives, with credentials that act in its account. */
export interface LedgerPlace {
  readonly endpoint: string;
  readonly credentials: EmulatorCredentials;
  readonly region: string;
}

/** The account-region's ledger over the real adapter. */
export function ledgerAt(place: LedgerPlace): DynamoDbLedger {
  return new DynamoDbLedger({
    dynamodb: emulatorDynamoDb(place.endpoint, {
      credentials: place.credentials,
      region: place.region,
    }),
  });
}

/** Creates the ledger table of an account-region, as the member stack does (unless it exists). */
export async function createLedger(place: LedgerPlace): Promise<void> {
  try {
    await createLedgerTable(place.endpoint, {
      credentials: place.credentials,
      region: place.region,
    });
  } catch (error) {
    // An estate that already makes its ledgers leaves nothing to create.
    if ((error as Error).name !== 'ResourceInUseException') throw error;
  }
}

/**
 * Writes `record` into its ledger as a published entry, through the adapter's own transitions
 * (intent, then close as published), the way the remediator leaves an entry once its notice is
 * out; nothing when the entry is there already.
 */
export async function publishToLedger(
  place: LedgerPlace,
  record: RemediationRecord,
): Promise<void> {
  const ledger = ledgerAt(place);
  // Once the remediator writes its own entries, there is nothing left to put.
  if (await ledger.getEntry(record.groupId, record.recordId)) return;
  const now = Date.now();
  const entry: LedgerEntry = {
    schemaVersion: 1,
    recordId: record.recordId,
    accountId: record.accountId,
    region: record.region,
    groupId: record.groupId,
    status: 'intent',
    createdAt: record.time,
    updatedAt: record.time,
    decision: {
      finding: { groupId: record.groupId, trigger: record.trigger },
      policy: {
        accountId: record.accountId,
        mode: record.mode,
        source: record.policySource,
        warnings: [],
      },
      group: { groupId: record.groupId, rules: [] },
      exposures: [],
      plan: {
        groupId: record.groupId,
        strategy: record.strategy,
        appliedStrategy: record.appliedStrategy,
        authorize: [],
        revoke: [],
        dropped: [],
      },
    },
    applied: { revoked: record.revoked, authorized: record.authorized },
  };
  // Both spellings of "closed before" the port has had, so the helper outlives its revision.
  const request = {
    entry,
    now,
    leaseExpiresAt: now + 60_000,
    closedBefore: now + 1,
    readAt: now + 1,
  } as unknown as BeginRequest;
  const begun = await ledger.begin(request);
  if (begun.kind !== 'acquired') throw new Error(`ledger head of ${record.groupId} is busy`);
  await ledger.close({ ...entry, status: 'published', record }, begun.version, now);
}

/** Deletes a record's ledger entry (as an administrator could). */
export async function deleteFromLedger(
  place: LedgerPlace,
  record: RemediationRecord,
): Promise<void> {
  await emulatorDynamoDb(place.endpoint, {
    credentials: place.credentials,
    region: place.region,
  }).send(
    new DeleteItemCommand({
      TableName: LEDGER_TABLE.name,
      Key: {
        [LEDGER_TABLE.partitionKey]: { S: record.groupId },
        [LEDGER_TABLE.sortKey]: { S: `${LEDGER_TABLE.recordPrefix}${record.recordId}` },
      },
    }),
  );
}
