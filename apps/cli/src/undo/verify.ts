/**
 * A record is acted on only when the ledger of its account-region holds the same record: records
 * travel by mail and files, where anyone who can publish to the topic or edit the file can forge
 * them; the ledger is written only by the remediator's role and the account's administrators.
 */
import {
  LEDGER_TABLE,
  type LedgerEntry,
  type LedgerStatus,
  type RecordedRule,
  type RemediationLedger,
  type RemediationRecord,
} from '@sg-guard/remediation-core';
import { summarizeError } from '../handle-error.js';

/** The ledger of an account and region, entered with the CLI's credentials. */
export type LedgerFor = (accountId: string, region: string) => Promise<RemediationLedger>;

/** Ledger statuses whose record says what really changed. */
const UNDOABLE_STATUSES: ReadonlySet<LedgerStatus> = new Set(['published', 'applied']);

/** What checking one record against the ledger found. */
export type Verification =
  /** The ledger entry holds this very record. */
  | { readonly status: 'verified'; readonly entryStatus: LedgerStatus }
  /** It could not be verified; `reason` says why, `differences` what differs. */
  | {
      readonly status: 'unverified';
      readonly reason: string;
      readonly differences?: readonly string[];
    };

/**
 * The fields of a record that decide what undo does: where (account, region, group), whether it
 * changed anything (action), and the rules (revoked, authorized with their `created` flags).
 */
function undoFields(record: RemediationRecord) {
  const rule = (r: RecordedRule) => ({
    ruleId: r.ruleId,
    protocol: r.protocol,
    fromPort: r.fromPort,
    toPort: r.toPort,
    source: r.source,
    description: r.description,
    created: r.created,
  });
  return {
    recordId: record.recordId,
    accountId: record.accountId,
    region: record.region,
    groupId: record.groupId,
    action: record.action,
    revoked: record.revoked.map(rule),
    authorized: record.authorized.map(rule),
  };
}

/**
 * Where `given` differs from `expected`, as paths (`revoked[0].source.cidr`, `authorized[2]`,
 * `action`); absent and `undefined` count as the same. Values are never quoted: a forged record's
 * text does not reach the output through here.
 */
export function differences(given: unknown, expected: unknown, path = ''): string[] {
  if (Object.is(given, expected)) return [];
  if (Array.isArray(given) && Array.isArray(expected)) {
    const length = Math.max(given.length, expected.length);
    const out: string[] = [];
    for (let i = 0; i < length; i += 1) {
      const at = `${path}[${i}]`;
      if (i >= given.length) out.push(`${at} (missing from the record)`);
      else if (i >= expected.length) out.push(`${at} (not in the ledger)`);
      else out.push(...differences(given[i], expected[i], at));
    }
    return out;
  }
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(given) && isObject(expected)) {
    const keys = [...new Set([...Object.keys(given), ...Object.keys(expected)])].sort();
    return keys.flatMap((key) =>
      differences(given[key], expected[key], path === '' ? key : `${path}.${key}`),
    );
  }
  return [path === '' ? '(record)' : path];
}

/** The differences between a record and its ledger entry's record, in the fields undo uses. */
export function recordDifferences(
  record: RemediationRecord,
  ledgerRecord: RemediationRecord,
): string[] {
  return differences(undoFields(record), undoFields(ledgerRecord));
}

/** Whether an error says the account-region has no ledger table. */
function isMissingLedger(error: unknown): boolean {
  const { code } = summarizeError(error);
  return code === 'LEDGER_MISSING' || code === 'ResourceNotFoundException';
}

/**
 * Checks `record` against the ledger entry of the same group and record id in the record's own
 * account and region. Verified only when the entry exists, is `published` or `applied`, and holds
 * exactly this record (see {@link recordDifferences}).
 */
export async function verifyRecord(
  record: RemediationRecord,
  ledgerFor: LedgerFor,
): Promise<Verification> {
  const where = `account ${record.accountId}, ${record.region}`;
  const unverified = (reason: string, diff?: readonly string[]): Verification => ({
    status: 'unverified',
    reason,
    ...(diff ? { differences: diff } : {}),
  });
  let entry: LedgerEntry | undefined;
  try {
    const ledger = await ledgerFor(record.accountId, record.region);
    entry = await ledger.getEntry(record.groupId, record.recordId);
  } catch (error) {
    if (isMissingLedger(error)) {
      return unverified(`no ledger in ${where} (table ${LEDGER_TABLE.name} not found)`);
    }
    return unverified(`cannot read the ledger in ${where}: ${summarizeError(error).message}`);
  }
  if (entry === undefined) {
    return unverified(
      `no ledger entry for record ${record.recordId} of ${record.groupId} in ${where}`,
    );
  }
  if (!UNDOABLE_STATUSES.has(entry.status)) {
    return unverified(`the ledger entry is ${entry.status}, not published or applied`);
  }
  if (entry.record === undefined) return unverified('the ledger entry holds no record');
  const diff = recordDifferences(record, entry.record);
  if (diff.length > 0) {
    return unverified(`the record differs from its ledger entry in ${diff.join(', ')}`, diff);
  }
  return { status: 'verified', entryStatus: entry.status };
}
