/**
 * Reverses remediation records, newest first: re-authorizes what a record revoked, then revokes
 * what it authorized, after re-reading the group so that what is already in place (or already
 * gone) is skipped and reported, not redone.
 */
import {
  describeRule,
  type InboundRule,
  type RecordedRule,
  type RemediationRecord,
  type RuleToAuthorize,
  type SecurityGroupGateway,
  sameAccess,
  undoPlan,
} from '@sg-guard/remediation-core';
import { type ErrorSummary, summarizeError } from '../handle-error.js';

/** One rule of an undo and what became of it. */
export interface UndoStep {
  readonly action: 'authorize' | 'revoke';
  readonly rule: RecordedRule;
  /** `done`, `would` (dry run), or skipped because the group already is as the undo wants it. */
  readonly result: 'done' | 'would' | 'already-in-place' | 'already-gone';
}

/** What undoing one record did. */
export interface UndoResult {
  readonly recordId: string;
  readonly time: string;
  readonly action: RemediationRecord['action'];
  readonly accountId: string;
  readonly region: string;
  readonly groupId: string;
  readonly groupName?: string;
  /**
   * `undone` (or would be, in a dry run), `already-undone` (every step was skipped),
   * `nothing-to-undo` (the record changed nothing), `failed` (see `error`).
   */
  readonly status: 'undone' | 'already-undone' | 'nothing-to-undo' | 'failed';
  readonly steps: readonly UndoStep[];
  readonly error?: ErrorSummary;
}

/** Gateways per account and region (entering the account as audit does). */
export type GatewayFor = (accountId: string, region: string) => Promise<SecurityGroupGateway>;

/** Newest first by `time`; among equal times, later in the file first. */
export function newestFirst(records: readonly RemediationRecord[]): RemediationRecord[] {
  return records
    .map((record, index) => ({ record, index }))
    .sort((a, b) => b.record.time.localeCompare(a.record.time) || b.index - a.index)
    .map(({ record }) => record);
}

/**
 * Undoes the records one by one, newest first (a later record of the same group is reversed
 * before an earlier one). A record that fails is reported and the rest go on.
 */
export async function undoRecords(
  records: readonly RemediationRecord[],
  gatewayFor: GatewayFor,
  options: { readonly dryRun: boolean },
): Promise<UndoResult[]> {
  const results: UndoResult[] = [];
  for (const record of newestFirst(records)) {
    results.push(await undoRecord(record, gatewayFor, options));
  }
  return results;
}

async function undoRecord(
  record: RemediationRecord,
  gatewayFor: GatewayFor,
  options: { readonly dryRun: boolean },
): Promise<UndoResult> {
  const base = {
    recordId: record.recordId,
    time: record.time,
    action: record.action,
    accountId: record.accountId,
    region: record.region,
    groupId: record.groupId,
    ...(record.groupName ? { groupName: record.groupName } : {}),
  };
  const plan = undoPlan(record);
  if (plan.authorize.length === 0 && plan.revoke.length === 0) {
    return { ...base, status: 'nothing-to-undo', steps: [] };
  }
  try {
    const gateway = await gatewayFor(record.accountId, record.region);
    const group = await gateway.loadGroup({ groupId: record.groupId });
    if (!group) {
      return {
        ...base,
        status: 'failed',
        steps: [],
        error: {
          code: 'GROUP_NOT_FOUND',
          message: `security group ${record.groupId} no longer exists`,
        },
      };
    }
    const steps = stepsFor(plan.authorize, plan.revoke, group.rules, options.dryRun);
    if (!options.dryRun) {
      // Authorize first, so the group never lacks access it had while the undo runs.
      const toAuthorize = steps.filter((s) => s.action === 'authorize' && s.result === 'done');
      await gateway.authorize(
        record.groupId,
        toAuthorize.map((s) => withoutId(s.rule)),
      );
      const toRevoke = steps.flatMap((s) =>
        s.action === 'revoke' && s.result === 'done' && s.rule.ruleId ? [s.rule.ruleId] : [],
      );
      await gateway.revoke(record.groupId, toRevoke);
    }
    const acted = steps.some((s) => s.result === 'done' || s.result === 'would');
    return { ...base, status: acted ? 'undone' : 'already-undone', steps };
  } catch (error) {
    return { ...base, status: 'failed', steps: [], error: summarizeError(error) };
  }
}

/**
 * Which steps still need doing against the group's current rules: a rule to put back that the
 * group already grants is in place; a rule to remove whose id is no longer there is gone (a
 * look-alike rule with another id was not made by sg-guard and stays).
 */
function stepsFor(
  authorize: readonly RuleToAuthorize[],
  revoke: readonly RecordedRule[],
  current: readonly InboundRule[],
  dryRun: boolean,
): UndoStep[] {
  const todo = dryRun ? 'would' : 'done';
  return [
    ...authorize.map(
      (rule): UndoStep => ({
        action: 'authorize',
        rule,
        result: current.some((existing) => sameAccess(existing, rule)) ? 'already-in-place' : todo,
      }),
    ),
    ...revoke.map(
      (rule): UndoStep => ({
        action: 'revoke',
        rule,
        result: current.some((existing) => existing.ruleId === rule.ruleId) ? todo : 'already-gone',
      }),
    ),
  ];
}

function withoutId(rule: RecordedRule): RuleToAuthorize {
  const { ruleId: _ruleId, ...rest } = rule;
  return rest;
}

const RESULT_WORDS: Readonly<Record<UndoStep['result'], string>> = {
  done: '',
  would: 'would ',
  'already-in-place': 'already in place, skipped: ',
  'already-gone': 'already gone, skipped: ',
};

/** The results as text: one block per record, one line per step. */
export function renderUndoResults(results: readonly UndoResult[], dryRun: boolean): string {
  if (results.length === 0) return 'No records.\n';
  const blocks = results.map((r) => {
    const group = r.groupName ? `${r.groupId} (${r.groupName})` : r.groupId;
    const head = `${r.time} ${r.accountId} ${r.region} ${group} [${r.action} ${r.recordId}]: ${r.status}`;
    const steps = r.steps.map((s) => {
      const verb = s.action === 'authorize' ? 're-authorize' : 'revoke';
      return `  ${s.action === 'authorize' ? '+' : '-'} ${RESULT_WORDS[s.result]}${verb} ${describeRule(s.rule)}`;
    });
    return [head, ...steps, ...(r.error ? [`  error: ${r.error.message}`] : [])].join('\n');
  });
  const undone = results.filter((r) => r.status === 'undone').length;
  const failed = results.filter((r) => r.status === 'failed').length;
  const summary = `${results.length} record(s): ${undone} ${dryRun ? 'would be undone' : 'undone'}, ${failed} failed`;
  return `${[...blocks, summary].join('\n')}\n`;
}
