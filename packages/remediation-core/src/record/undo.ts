import { isWorldCidr } from '../cidr/cidr.js';
import type {
  InboundRule,
  RecordedRule,
  RemediationRecord,
  RuleToAuthorize,
  UndoPlan,
} from '../model.js';
import { sameAccess } from '../rules/permission.js';

/** Why the undo leaves an authorized rule of the record alone. */
export type UndoLeftAloneReason =
  /** `created: false`: the rule was in the group before sg-guard authorized it again. */
  | 'existed-before'
  /** No `created` flag (a record older than the flag) and no rule id: it may have existed before. */
  | 'unknown-origin'
  /** The rule id is still in the group but grants other access now: its owner edited it. */
  | 'changed-since';

/** An authorized rule the undo does not revoke, and why. */
export interface UndoLeftAlone {
  readonly rule: RecordedRule;
  readonly why: UndoLeftAloneReason;
}

/**
 * The undo of one record as {@link planUndo} decides it: what to re-authorize and revoke (the
 * {@link UndoPlan}), what is skipped because the group already is as the undo wants it, what is
 * left alone because sg-guard did not create it, and what the undo re-opens to the world.
 */
export interface PlannedUndo extends UndoPlan {
  /**
   * Rules to revoke, each with the id to revoke it by. Without `current`, a rule sg-guard created
   * but whose id AWS did not return is listed without an id (a reader matches it by content);
   * with `current`, it carries the id of the rule in the group that grants the same access.
   */
  readonly revoke: readonly RecordedRule[];
  /** Re-authorizations skipped: `current` already grants that access. */
  readonly alreadyInPlace: readonly RuleToAuthorize[];
  /** Revocations skipped: the rule is no longer in `current`. */
  readonly alreadyGone: readonly RecordedRule[];
  /** Authorized rules the undo never touches (see {@link UndoLeftAloneReason}). */
  readonly leftAlone: readonly UndoLeftAlone[];
  /**
   * Rules in `authorize` that open the group to the internet again: a world CIDR source, or a
   * rule the record names as an exposure (a world prefix list, a union of sources). Shown before
   * asking for confirmation.
   */
  readonly reopened: readonly RuleToAuthorize[];
}

/** One rule of a manual undo, in the order to apply them (all authorizations first). */
export interface UndoStep {
  readonly action: 'authorize' | 'revoke';
  /** For `revoke`, with the rule id when the record holds one. */
  readonly rule: RecordedRule;
  /** True when re-authorizing the rule opens the group to the internet again. */
  readonly reopensToWorld: boolean;
}

/** The actions that changed a group, so that undoing them means something. */
const CHANGING_ACTIONS: ReadonlySet<RemediationRecord['action']> = new Set([
  'remediated',
  'failed',
]);

/** The rule without its id or `created` flag: what to pass to AuthorizeSecurityGroupIngress. */
function toAuthorize(rule: RecordedRule): RuleToAuthorize {
  const { ruleId: _ruleId, created: _created, ...rest } = rule;
  return rest;
}

/** Whether the undo may revoke an authorized rule: only what sg-guard itself created. */
function createdBySgGuard(rule: RecordedRule): UndoLeftAloneReason | undefined {
  if (rule.created === true) return undefined;
  if (rule.created === false) return 'existed-before';
  // Records written before the flag: the gateway returned a rule without an id exactly when it
  // already existed (InvalidPermission.Duplicate), so an id means sg-guard created it.
  return rule.ruleId !== undefined ? undefined : 'unknown-origin';
}

function opensToWorld(rule: RuleToAuthorize, record: RemediationRecord): boolean {
  if (rule.source.kind === 'cidr' && isWorldCidr(rule.source.cidr)) return true;
  return record.exposures.some((exposure) => sameAccess(exposure.rule, rule));
}

/**
 * The one undo planner: the steps that reverse a record. The CLI, the mail's manual undo text and
 * anything else that reverses a record call it; none decides on its own.
 *
 * - Re-authorizes what the record revoked (with its description), unless `current` already
 *   grants that access.
 * - Revokes only authorized rules sg-guard created: `created: true`; for records older than the
 *   flag, those with a rule id (the gateway gave none for a rule that already existed). A
 *   `created: false` rule, or an old one without an id, is left alone: it was access the group
 *   had before sg-guard touched it.
 * - A revocation whose rule is not in `current` (by id, or by access for a created rule recorded
 *   without an id) is skipped as already gone; a rule whose id is there but whose access changed
 *   (its owner edited it) is left alone.
 * - Touches nothing else. Records that changed nothing (`would-remediate`, `exempted`) give an
 *   empty plan; a `failed` record undoes its partial changes.
 *
 * Pure: `current` is the group's inbound rules as read now; without it, nothing is skipped.
 *
 * @example
 * const plan = planUndo(record, (await gateway.loadGroup({ groupId: record.groupId }))?.rules);
 * // plan.authorize → rules to put back; plan.revoke → rules sg-guard added, by rule id;
 * // plan.reopened → what the confirmation must show
 */
export function planUndo(record: RemediationRecord, current?: readonly InboundRule[]): PlannedUndo {
  const changed = CHANGING_ACTIONS.has(record.action);
  const authorize: RuleToAuthorize[] = [];
  const alreadyInPlace: RuleToAuthorize[] = [];
  const revoke: RecordedRule[] = [];
  const alreadyGone: RecordedRule[] = [];
  const leftAlone: UndoLeftAlone[] = [];
  for (const rule of changed ? record.revoked : []) {
    const again = toAuthorize(rule);
    const present = current?.some((existing) => sameAccess(existing, again)) ?? false;
    (present ? alreadyInPlace : authorize).push(again);
  }
  for (const rule of changed ? record.authorized : []) {
    const why = createdBySgGuard(rule);
    if (why !== undefined) {
      leftAlone.push({ rule, why });
      continue;
    }
    if (current === undefined) {
      revoke.push(rule);
      continue;
    }
    const match =
      rule.ruleId !== undefined
        ? current.find((existing) => existing.ruleId === rule.ruleId)
        : current.find((existing) => existing.ruleId !== undefined && sameAccess(existing, rule));
    if (match?.ruleId === undefined) alreadyGone.push(rule);
    else if (!sameAccess(match, rule)) leftAlone.push({ rule, why: 'changed-since' });
    else revoke.push({ ...rule, ruleId: match.ruleId });
  }
  return {
    recordId: record.recordId,
    groupId: record.groupId,
    accountId: record.accountId,
    region: record.region,
    authorize,
    revoke,
    alreadyInPlace,
    alreadyGone,
    leftAlone,
    reopened: authorize.filter((rule) => opensToWorld(rule, record)),
  };
}

/**
 * Every rule to change to undo a record by hand, in order (re-authorize all, then revoke), for
 * the mail's "How to undo" text: the same decision as {@link planUndo} without a current group,
 * so a created rule recorded without an id is listed too (to be removed by its content).
 *
 * @example
 * for (const step of undoSteps(record)) lines.push(`${step.action} ${describeRule(step.rule)}`);
 */
export function undoSteps(record: RemediationRecord): UndoStep[] {
  const plan = planUndo(record);
  return [
    ...plan.authorize.map(
      (rule): UndoStep => ({
        action: 'authorize',
        rule,
        reopensToWorld: plan.reopened.includes(rule),
      }),
    ),
    ...plan.revoke.map((rule): UndoStep => ({ action: 'revoke', rule, reopensToWorld: false })),
  ];
}
