/**
 * Reverses remediation records, newest first. The CLI loads and verifies; the core's `planUndo`
 * decides; this module applies and reports. Every record is checked against the ledger of its
 * account-region first and refused when the ledger does not hold the same record (unless forced).
 * Before anything changes, what each group will re-open to the world is shown and confirmed.
 */
import {
  type PlannedUndo,
  planUndo,
  type RecordedRule,
  type RemediationRecord,
  type RuleToAuthorize,
  type SecurityGroupGateway,
  type UndoLeftAloneReason,
} from '@sg-guard/remediation-core';
import { type ErrorSummary, summarizeError } from '../handle-error.js';
import { type LedgerFor, type Verification, verifyRecord } from './verify.js';

export { renderPreview, renderUndoResults, terminalSafe } from './render.js';

/** One rule of an undo and what became of it. */
export interface UndoStepResult {
  readonly action: 'authorize' | 'revoke';
  /** For a revoke, with the id it is (or would be) revoked by. */
  readonly rule: RecordedRule;
  /**
   * `done`, `would` (dry run), skipped because the group already is as the undo wants it, or
   * left alone because sg-guard did not create the rule (or its owner changed it since).
   */
  readonly result: 'done' | 'would' | 'already-in-place' | 'already-gone' | 'left-alone';
  /** For `left-alone`: why. */
  readonly why?: UndoLeftAloneReason;
  /** For an authorization: it opens the group to the internet again. */
  readonly reopensToWorld?: boolean;
}

/** What undoing one record did. */
export type UndoStatus =
  /** Every step was applied. */
  | 'undone'
  /** Dry run: the steps would be applied. */
  | 'would-undo'
  /** Every step was skipped: the group already is as the undo wants it. */
  | 'already-undone'
  /** The record changed nothing (`would-remediate`, `exempted`). */
  | 'nothing-to-undo'
  /** Not verified against the ledger (and not forced): nothing changed for it. */
  | 'refused'
  /** The confirmation was answered no: nothing changed for it. */
  | 'declined'
  /** An AWS call failed; see `error`. */
  | 'failed';

/** What undoing one record did. */
export interface UndoResult {
  readonly recordId: string;
  readonly time: string;
  readonly action: RemediationRecord['action'];
  readonly accountId: string;
  readonly region: string;
  readonly groupId: string;
  readonly groupName?: string;
  readonly status: UndoStatus;
  /** Absent for records with nothing to undo (no ledger read is needed for them). */
  readonly verification?: Verification & { readonly forced?: boolean };
  readonly steps: readonly UndoStepResult[];
  readonly error?: ErrorSummary;
}

/** Gateways per account and region (entering the account as audit does). */
export type GatewayFor = (accountId: string, region: string) => Promise<SecurityGroupGateway>;

/** What {@link undoRecords} needs from outside. */
export interface UndoDependencies {
  readonly gatewayFor: GatewayFor;
  readonly ledgerFor: LedgerFor;
  /**
   * Asked once, before anything changes, with the preview of what will be re-opened; `false`
   * leaves everything as it is. Not asked in a dry run or when nothing would change.
   */
  readonly confirm: (preview: UndoPreview) => Promise<boolean>;
}

/** Options of {@link undoRecords}. */
export interface UndoOptions {
  readonly dryRun: boolean;
  /** Act on records the ledger does not confirm (said loudly in the results). */
  readonly force: boolean;
}

/** One group's part of the confirmation. */
export interface GroupPreview {
  readonly accountId: string;
  readonly region: string;
  readonly groupId: string;
  readonly groupName?: string;
  /** Rules the undo re-opens to the world in this group. */
  readonly reopened: readonly RuleToAuthorize[];
  /** Steps to apply in this group (authorizations and revocations). */
  readonly changes: number;
  /** Records of this group acted on without verification (`--force`), with why. */
  readonly unverified: readonly { readonly recordId: string; readonly reason: string }[];
}

/** What the confirmation shows: per group, what will be re-opened to the world. */
export interface UndoPreview {
  readonly groups: readonly GroupPreview[];
}

/** Newest first by `time`; among equal times, later in the file first. */
export function newestFirst(records: readonly RemediationRecord[]): RemediationRecord[] {
  return records
    .map((record, index) => ({ record, index }))
    .sort((a, b) => b.record.time.localeCompare(a.record.time) || b.index - a.index)
    .map(({ record }) => record);
}

/** A record cleared to act on, with the plan against the group as read for the preview. */
interface Cleared {
  readonly record: RemediationRecord;
  readonly verification: Verification;
  readonly plan: PlannedUndo;
}

const baseOf = (record: RemediationRecord) => ({
  recordId: record.recordId,
  time: record.time,
  action: record.action,
  accountId: record.accountId,
  region: record.region,
  groupId: record.groupId,
  ...(record.groupName ? { groupName: record.groupName } : {}),
});

const withForce = (verification: Verification, force: boolean) =>
  verification.status === 'unverified' && force ? { ...verification, forced: true } : verification;

/**
 * Undoes the records, newest first (a later record of the same group is reversed before an
 * earlier one):
 * 1. a record whose `planUndo` is empty has nothing to undo;
 * 2. every other record is verified against its ledger entry and refused when it does not match
 *    (acted on anyway with `force`, and marked so);
 * 3. its group is read and planned, and what each group will re-open is confirmed once;
 * 4. each record is applied against a fresh read of its group: re-authorize, then revoke.
 *
 * A record that fails or is refused is reported and the rest go on.
 */
export async function undoRecords(
  records: readonly RemediationRecord[],
  dependencies: UndoDependencies,
  options: UndoOptions,
): Promise<UndoResult[]> {
  const results = new Map<RemediationRecord, UndoResult>();
  const cleared: Cleared[] = [];
  const ordered = newestFirst(records);
  for (const record of ordered) {
    const base = baseOf(record);
    const blind = planUndo(record);
    if (blind.authorize.length + blind.revoke.length === 0) {
      results.set(record, { ...base, status: 'nothing-to-undo', steps: [] });
      continue;
    }
    const verification = await verifyRecord(record, dependencies.ledgerFor);
    if (verification.status === 'unverified' && !options.force) {
      results.set(record, { ...base, status: 'refused', verification, steps: [] });
      continue;
    }
    try {
      const gateway = await dependencies.gatewayFor(record.accountId, record.region);
      const group = await gateway.loadGroup({ groupId: record.groupId });
      if (!group) {
        results.set(record, groupGone(record, withForce(verification, options.force)));
        continue;
      }
      cleared.push({ record, verification, plan: planUndo(record, group.rules) });
    } catch (error) {
      results.set(record, {
        ...base,
        status: 'failed',
        verification: withForce(verification, options.force),
        steps: [],
        error: summarizeError(error),
      });
    }
  }

  const changing = cleared.filter(({ plan }) => plan.authorize.length + plan.revoke.length > 0);
  const go =
    options.dryRun || changing.length === 0 || (await dependencies.confirm(previewOf(changing)));
  for (const item of cleared) {
    const verification = withForce(item.verification, options.force);
    const base = { ...baseOf(item.record), verification };
    if (options.dryRun) {
      const steps = stepsOf(item.plan, 'would');
      const acting = steps.some((s) => s.result === 'would');
      results.set(item.record, {
        ...base,
        status: acting ? 'would-undo' : 'already-undone',
        steps,
      });
    } else if (!go) {
      results.set(item.record, { ...base, status: 'declined', steps: stepsOf(item.plan, 'would') });
    } else {
      results.set(item.record, { ...base, ...(await apply(item.record, dependencies)) });
    }
  }
  return ordered.map((record) => results.get(record) as UndoResult);
}

const goneError = (record: RemediationRecord): ErrorSummary => ({
  code: 'GROUP_NOT_FOUND',
  message: `security group ${record.groupId} no longer exists`,
});

function groupGone(record: RemediationRecord, verification: Verification): UndoResult {
  return { ...baseOf(record), status: 'failed', verification, steps: [], error: goneError(record) };
}

/** Re-reads the group (an earlier record of this run may have changed it), plans, applies. */
async function apply(
  record: RemediationRecord,
  dependencies: UndoDependencies,
): Promise<Pick<UndoResult, 'status' | 'steps' | 'error'>> {
  try {
    const gateway = await dependencies.gatewayFor(record.accountId, record.region);
    const group = await gateway.loadGroup({ groupId: record.groupId });
    if (!group) return { status: 'failed', steps: [], error: goneError(record) };
    const plan = planUndo(record, group.rules);
    // Authorize first, so the group never lacks access it had while the undo runs.
    if (plan.authorize.length > 0) await gateway.authorize(record.groupId, plan.authorize);
    const ids = plan.revoke.flatMap((rule) => (rule.ruleId ? [rule.ruleId] : []));
    if (ids.length > 0) await gateway.revoke(record.groupId, ids);
    const steps = stepsOf(plan, 'done');
    return { status: steps.some((s) => s.result === 'done') ? 'undone' : 'already-undone', steps };
  } catch (error) {
    return { status: 'failed', steps: [], error: summarizeError(error) };
  }
}

/** The plan as steps: authorizations first, then revocations, then what is left alone. */
function stepsOf(plan: PlannedUndo, todo: 'done' | 'would'): UndoStepResult[] {
  return [
    ...plan.authorize.map(
      (rule): UndoStepResult => ({
        action: 'authorize',
        rule,
        result: todo,
        reopensToWorld: plan.reopened.includes(rule),
      }),
    ),
    ...plan.alreadyInPlace.map(
      (rule): UndoStepResult => ({ action: 'authorize', rule, result: 'already-in-place' }),
    ),
    ...plan.revoke.map((rule): UndoStepResult => ({ action: 'revoke', rule, result: todo })),
    ...plan.alreadyGone.map(
      (rule): UndoStepResult => ({ action: 'revoke', rule, result: 'already-gone' }),
    ),
    ...plan.leftAlone.map(
      ({ rule, why }): UndoStepResult => ({ action: 'revoke', rule, result: 'left-alone', why }),
    ),
  ];
}

function previewOf(cleared: readonly Cleared[]): UndoPreview {
  const groups = new Map<string, GroupPreview>();
  for (const { record, verification, plan } of cleared) {
    const key = `${record.accountId}/${record.region}/${record.groupId}`;
    const previous = groups.get(key);
    groups.set(key, {
      accountId: record.accountId,
      region: record.region,
      groupId: record.groupId,
      ...(record.groupName ? { groupName: record.groupName } : {}),
      reopened: [...(previous?.reopened ?? []), ...plan.reopened],
      changes: (previous?.changes ?? 0) + plan.authorize.length + plan.revoke.length,
      unverified: [
        ...(previous?.unverified ?? []),
        ...(verification.status === 'unverified'
          ? [{ recordId: record.recordId, reason: verification.reason }]
          : []),
      ],
    });
  }
  return { groups: [...groups.values()] };
}

/** Exit code of an undo: 1 when any record was refused, declined or failed. */
export function undoExitCode(results: readonly UndoResult[]): 0 | 1 {
  return results.some((r) => ['refused', 'declined', 'failed'].includes(r.status)) ? 1 : 0;
}
