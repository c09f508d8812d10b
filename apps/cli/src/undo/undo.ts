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
  /**
   * For a revoke of a rule the record holds without an id: the id of the rule in the group that
   * grants the same access, which is what gets revoked.
   */
  readonly matchedRuleId?: string;
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
  const unidentified = unidentifiedAuthorizations(record);
  if (plan.authorize.length === 0 && plan.revoke.length === 0 && unidentified.length === 0) {
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
    const steps = stepsFor(
      plan.authorize,
      [...plan.revoke, ...unidentified],
      group.rules,
      options.dryRun,
    );
    if (!options.dryRun) {
      // Authorize first, so the group never lacks access it had while the undo runs.
      const toAuthorize = steps.filter((s) => s.action === 'authorize' && s.result === 'done');
      await gateway.authorize(
        record.groupId,
        toAuthorize.map((s) => withoutId(s.rule)),
      );
      const toRevoke = steps.flatMap((s) => {
        const id = s.matchedRuleId ?? s.rule.ruleId;
        return s.action === 'revoke' && s.result === 'done' && id ? [id] : [];
      });
      await gateway.revoke(record.groupId, toRevoke);
    }
    const acted = steps.some((s) => s.result === 'done' || s.result === 'would');
    return { ...base, status: acted ? 'undone' : 'already-undone', steps };
  } catch (error) {
    return { ...base, status: 'failed', steps: [], error: summarizeError(error) };
  }
}

/**
 * Rules a record says were authorized but without the id AWS gave them. `undoPlan` leaves these
 * out (the gateway also returns a rule without an id when it already existed); the CLI reverses
 * them by matching the rule instead, because an emulator or a partial response can drop ids of
 * rules sg-guard did create, and undo must put the group back as it was.
 */
function unidentifiedAuthorizations(record: RemediationRecord): RecordedRule[] {
  const changed = record.action === 'remediated' || record.action === 'failed';
  return changed ? record.authorized.filter((rule) => rule.ruleId === undefined) : [];
}

/**
 * Which steps still need doing against the group's current rules: a rule to put back that the
 * group already grants is in place; a rule to remove whose id is no longer there is gone (a
 * look-alike rule with another id stays); a rule to remove that has no id is matched by access.
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
    ...revoke.map((rule): UndoStep => {
      if (rule.ruleId !== undefined) {
        const present = current.some((existing) => existing.ruleId === rule.ruleId);
        return { action: 'revoke', rule, result: present ? todo : 'already-gone' };
      }
      const match = current.find((existing) => existing.ruleId && sameAccess(existing, rule));
      return match?.ruleId
        ? { action: 'revoke', rule, matchedRuleId: match.ruleId, result: todo }
        : { action: 'revoke', rule, result: 'already-gone' };
    }),
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
      const rule = s.matchedRuleId ? { ...s.rule, ruleId: s.matchedRuleId } : s.rule;
      return `  ${s.action === 'authorize' ? '+' : '-'} ${RESULT_WORDS[s.result]}${verb} ${describeRule(rule)}`;
    });
    return [head, ...steps, ...(r.error ? [`  error: ${r.error.message}`] : [])].join('\n');
  });
  const undone = results.filter((r) => r.status === 'undone').length;
  const failed = results.filter((r) => r.status === 'failed').length;
  const summary = `${results.length} record(s): ${undone} ${dryRun ? 'would be undone' : 'undone'}, ${failed} failed`;
  return `${[...blocks, summary].join('\n')}\n`;
}
