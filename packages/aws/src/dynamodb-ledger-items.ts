/**
 * How the DynamoDB ledger lays out its items: the head item of a group (partition `head`), one
 * record item per entry (partition = the group id), and reading them back.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  type HeadState,
  LEDGER_TABLE,
  type LedgerEntry,
  type LedgerHead,
  readLedgerEntry,
} from '@sg-guard/remediation-core';
import { InvalidLedgerEntryError } from './errors.js';

/** The table's key and TTL attribute names. */
export const { partitionKey: PK, sortKey: SK, ttlAttribute: TTL } = LEDGER_TABLE;
/** A string attribute value. */
export const S = (value: string): AttributeValue => ({ S: value });
/** A number attribute value. */
export const N = (value: number): AttributeValue => ({ N: String(value) });

/** One head change: the update expression with the names and values it uses. */
export interface HeadChange {
  readonly update: string;
  readonly names: Record<string, string>;
  readonly values: Record<string, AttributeValue>;
}

/**
 * An update of a group's head item, conditional on its `version` (`#version = :expected` unless
 * the change has its own condition) and bumping it by `:one`.
 */
export function headUpdateInput(
  tableName: string,
  groupId: string,
  version: number,
  change: HeadChange & { readonly condition?: string },
) {
  return {
    TableName: tableName,
    Key: headKey(groupId),
    UpdateExpression: change.update,
    ConditionExpression: change.condition ?? '#version = :expected',
    ExpressionAttributeNames: { ...change.names, '#version': 'version' },
    ExpressionAttributeValues: { ...change.values, ':expected': N(version), ':one': N(1) },
  };
}

/** Key of a group's head item. */
export function headKey(groupId: string): Record<string, AttributeValue> {
  return { [PK]: S(LEDGER_TABLE.headPartition), [SK]: S(groupId) };
}

/** A head item as a {@link LedgerHead}. */
export function headOf(groupId: string, item: Record<string, AttributeValue>): LedgerHead {
  const number = (name: string) =>
    item[name]?.N !== undefined ? Number(item[name]?.N) : undefined;
  const state = (item.state?.S ?? 'idle') as HeadState;
  const leaseExpiresAt = number('leaseExpiresAt');
  const lastClosedAt = number('lastClosedAt');
  const lastRecordId = item.lastRecordId?.S;
  return {
    groupId,
    state,
    version: number('version') ?? 0,
    ...(leaseExpiresAt !== undefined ? { leaseExpiresAt } : {}),
    ...(lastClosedAt !== undefined ? { lastClosedAt } : {}),
    ...(lastRecordId !== undefined ? { lastRecordId } : {}),
    ...(item.entry?.S ? { entry: entryOf(item, `head/${groupId}`) } : {}),
  };
}

/**
 * An item's `entry` attribute, parsed and validated.
 *
 * @throws InvalidLedgerEntryError naming `where` when it is not JSON or not an entry.
 */
export function entryOf(item: Record<string, AttributeValue>, where: string): LedgerEntry {
  let json: unknown;
  try {
    json = JSON.parse(item.entry?.S ?? '');
  } catch {
    throw new InvalidLedgerEntryError(where, ['entry: not JSON']);
  }
  const { entry, issues } = readLedgerEntry(json);
  if (!entry) throw new InvalidLedgerEntryError(where, issues);
  return entry;
}

/** A record item (history for `undo`, kept for the table's retention from `nowMs`). */
export function recordItem(entry: LedgerEntry, nowMs: number): Record<string, AttributeValue> {
  const expiresAt = Math.floor(nowMs / 1000) + LEDGER_TABLE.retentionDays * 86_400;
  return {
    [PK]: S(entry.groupId),
    [SK]: S(`${LEDGER_TABLE.recordPrefix}${entry.recordId}`),
    recordId: S(entry.recordId),
    status: S(entry.status),
    createdAt: S(entry.createdAt),
    entry: S(JSON.stringify(entry)),
    [TTL]: N(expiresAt),
    // Top level, so the audit can read exposure windows without parsing every entry.
    ...(entry.record?.exposureSeconds !== undefined && {
      exposureSeconds: N(entry.record.exposureSeconds),
    }),
  };
}
