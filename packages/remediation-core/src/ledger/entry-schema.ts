import * as z from 'zod/mini';
import { recordIssues, remediationRecordSchema } from '../record/schema.js';
import { safeParse } from '../validation.js';
import type { LedgerEntry } from './ledger.js';

// Schemas are built on their first parse (`z.lazy`), not at module load: that is cold start.
const ruleList = z.lazy(() => z.array(z.looseObject({ protocol: z.string() })));

/**
 * What is checked when an entry is read back from the ledger: identity, state, the shape of the
 * decision and the whole record. The ledger is written only by sg-guard's roles; this catches a
 * hand-edited or foreign item before it is acted on.
 */
const ledgerEntrySchema = z.lazy(() =>
  z.looseObject({
    schemaVersion: z.literal(1),
    recordId: z.string().check(z.minLength(1)),
    accountId: z.string().check(z.minLength(1)),
    region: z.string().check(z.minLength(1)),
    groupId: z.string().check(z.minLength(1)),
    status: z.enum(['intent', 'applied', 'published', 'void']),
    createdAt: z.string(),
    updatedAt: z.string(),
    decision: z.looseObject({
      finding: z.looseObject({ trigger: z.string() }),
      policy: z.looseObject({ mode: z.string() }),
      group: z.looseObject({ groupId: z.string(), rules: ruleList }),
      exposures: z.array(z.looseObject({})),
      plan: z.looseObject({ authorize: ruleList, revoke: ruleList }),
    }),
    applied: z.object({ revoked: ruleList, authorized: ruleList }),
    record: z.optional(remediationRecordSchema),
  }),
);

/**
 * Reads a ledger entry from parsed JSON: the entry, or the issues (`path: message`) that make it
 * none.
 *
 * @example
 * const { entry, issues } = readLedgerEntry(JSON.parse(item.entry.S));
 */
export function readLedgerEntry(json: unknown): { entry?: LedgerEntry; issues: string[] } {
  const result = safeParse(ledgerEntrySchema, json);
  return result.success
    ? { entry: result.data as unknown as LedgerEntry, issues: [] }
    : { issues: recordIssues(result.error) };
}
