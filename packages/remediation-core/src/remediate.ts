/**
 * The one use case: a finding in, the smallest change and a notice out. Pure orchestration over
 * the ports; every AWS call happens behind them.
 */
import { InvalidRuleError } from './errors.js';
import { assessGroup, prefixListsToResolve } from './exposure/assess.js';
import type {
  AccountPolicy,
  Assessment,
  Exposure,
  Finding,
  GroupSnapshot,
  Mode,
  Notice,
  NoticeAction,
  NoticeInput,
  PrefixListEntries,
  RecordedRule,
  RemediationPlan,
  RemediationStrategy,
} from './model.js';
import { buildNotice } from './notice/notice.js';
import { planRemediation } from './plan/plan.js';
import { evaluateExemption } from './policy/exemption.js';
import type { AccountPolicyReader, NoticePublisher, SecurityGroupGateway } from './ports.js';
import {
  type AccessDeniedFailure,
  isAccessDenied,
  isGroupNotFound,
} from './remediate/port-errors.js';
import type { RecentNotices } from './remediate/recent-notices.js';
import { describeRule } from './rules/format.js';

export * from './remediate/port-errors.js';
export * from './remediate/recent-notices.js';

/** The ports the use case drives. */
export interface RemediationDeps {
  readonly groups: SecurityGroupGateway;
  readonly policies: AccountPolicyReader;
  readonly notices: NoticePublisher;
}

/** Deployment settings, validated once at the entry point. */
export interface RemediationSettings {
  readonly ports: readonly number[];
  readonly strategy: RemediationStrategy;
  readonly allowGroupExemptions: boolean;
  /** Inbound rules per group and family. @default 60 */
  readonly ruleQuota?: number;
}

/** Where and when the use case runs. */
export interface RemediationContext {
  /** The account whose group is handled (the function's own). */
  readonly accountId: string;
  readonly region: string;
  readonly now: () => Date;
  readonly newRecordId: () => string;
  /** Suppresses repeated `would-remediate` / `exempted` notices; none when absent. */
  readonly recentNotices?: RecentNotices;
}

/**
 * What happened to one finding. Besides the notice actions: `skipped-off` (mode off, group not
 * read), `group-not-found` (no mail), `not-exposed` (no mail), `already-fixed` (every rule to
 * revoke was gone and nothing new was authorized: an earlier event did the work; no mail),
 * `suppressed` (the same notice was sent within the TTL; no mail).
 */
export type RemediationOutcomeKind =
  | NoticeAction
  | 'skipped-off'
  | 'group-not-found'
  | 'not-exposed'
  | 'already-fixed'
  | 'suppressed';

/** The result of {@link remediateFinding}, for logs and metrics. */
export interface RemediationOutcome {
  readonly outcome: RemediationOutcomeKind;
  readonly accountId: string;
  readonly region: string;
  /** The group's id once resolved, else the finding's. */
  readonly groupId?: string;
  readonly groupName?: string;
  readonly mode: Mode;
  readonly policy: AccountPolicy;
  readonly exposures: readonly Exposure[];
  readonly unresolvedPrefixLists: readonly string[];
  readonly plan?: RemediationPlan;
  /** The notice published, when one was. */
  readonly notice?: Notice;
  /** For `suppressed`: which notice was not sent again. */
  readonly suppressedAction?: NoticeAction;
  /** For `failed`: the denied IAM action. */
  readonly missingPermission?: string;
}

interface Decision {
  readonly finding: Finding;
  readonly policy: AccountPolicy;
  readonly group: GroupSnapshot;
  readonly assessment: Assessment;
  readonly plan: RemediationPlan;
}

/**
 * Runs one finding through policy → group → assessment → plan → apply → notice.
 *
 * - mode `off`: nothing is read or changed. A missing group or no exposure: nothing is sent.
 * - An exempted group (where exemptions are allowed) is mailed `exempted`; mode `notify` mails
 *   `would-remediate` with the plan; both are suppressed when sent within the TTL of
 *   `context.recentNotices`.
 * - mode `enforce`: the narrowing rules are authorized first, then the exposing rules are revoked
 *   by id; what really changed is mailed `remediated`. When every rule was gone already and
 *   nothing new was authorized, nothing is mailed (idempotent).
 * - Access denied on any EC2 call: a `failed` notice names the missing permission, with what
 *   was changed before; not thrown. The policy read, throttling, 5xx and a failed publish are
 *   thrown (the caller retries), so a notice is never lost silently.
 *
 * @example
 * const outcome = await remediateFinding({ groupId: 'sg-1', trigger: 'direct' }, deps,
 *   { ports: [22], strategy: 'narrow', allowGroupExemptions: false },
 *   { accountId: '111122223333', region: 'eu-west-1', now: () => new Date(), newRecordId: randomUUID });
 * outcome.outcome // → 'remediated'
 */
export async function remediateFinding(
  finding: Finding,
  deps: RemediationDeps,
  settings: RemediationSettings,
  context: RemediationContext,
): Promise<RemediationOutcome> {
  const policy = await deps.policies.policyFor(context.accountId);
  const base = {
    accountId: context.accountId,
    region: context.region,
    ...(finding.groupId ? { groupId: finding.groupId } : {}),
    ...(finding.groupName ? { groupName: finding.groupName } : {}),
    mode: policy.mode,
    policy,
    exposures: [],
    unresolvedPrefixLists: [],
  };
  if (policy.mode === 'off') return { ...base, outcome: 'skipped-off' };

  let group: GroupSnapshot | undefined;
  let prefixLists: PrefixListEntries = new Map();
  try {
    group = await deps.groups.loadGroup({ groupId: finding.groupId, groupName: finding.groupName });
    const listIds = group ? prefixListsToResolve(group, settings.ports) : [];
    if (listIds.length > 0) prefixLists = await deps.groups.loadPrefixLists(listIds);
  } catch (error) {
    if (isGroupNotFound(error)) return { ...base, outcome: 'group-not-found' };
    // A record names its group by id; a name that could not even be resolved stays an error.
    const groupId = group?.groupId ?? finding.groupId;
    if (!isAccessDenied(error) || groupId === undefined) throw error;
    // What is known goes into the notice: the group when it was read, else just its id.
    const stub = group ?? { groupId, rules: [] };
    const assessment = assessGroup(stub, { ports: settings.ports });
    const decision = {
      finding,
      policy,
      group: stub,
      assessment,
      plan: planOf(assessment, settings),
    };
    return fail(decision, error, { revoked: [], authorized: [] }, deps, context, base);
  }
  if (!group) return { ...base, outcome: 'group-not-found' };

  const assessment = assessGroup(group, { ports: settings.ports, prefixLists });
  const assessed = {
    ...base,
    groupId: group.groupId,
    ...(group.groupName ? { groupName: group.groupName } : {}),
    exposures: assessment.exposures,
    unresolvedPrefixLists: assessment.unresolvedPrefixLists,
  };
  if (assessment.verdict === 'NOT_EXPOSED') return { ...assessed, outcome: 'not-exposed' };

  const plan = planOf(assessment, settings);
  const decision: Decision = { finding, policy, group, assessment, plan };
  const planned = { ...assessed, plan };

  const exemption = evaluateExemption(group.tags, {
    allowGroupExemptions: settings.allowGroupExemptions,
    now: context.now(),
  });
  if (exemption.exempt) {
    const { reason, until } = exemption;
    const extra = { exemption: { reason, ...(until ? { until } : {}) } };
    return notifyOnce('exempted', decision, extra, deps, context, planned);
  }
  if (policy.mode === 'notify') {
    return notifyOnce('would-remediate', decision, {}, deps, context, planned);
  }
  return enforce(decision, deps, context, planned);
}

function planOf(assessment: Assessment, settings: RemediationSettings): RemediationPlan {
  return planRemediation(assessment, {
    strategy: settings.strategy,
    ...(settings.ruleQuota !== undefined ? { ruleQuota: settings.ruleQuota } : {}),
  });
}

/** Authorize first (other ports never blink), then revoke by id; never inside classification. */
async function enforce(
  decision: Decision,
  deps: RemediationDeps,
  context: RemediationContext,
  outcome: Omit<RemediationOutcome, 'outcome'>,
): Promise<RemediationOutcome> {
  const { group, plan } = decision;
  // Revokes go by rule id only. A rule without one (read from permissions, not from
  // DescribeSecurityGroupRules) would be skipped and reported as fixed while still open.
  const unidentified = plan.revoke.find((rule) => !rule.ruleId);
  if (unidentified) {
    throw new InvalidRuleError(
      `cannot revoke ${describeRule(unidentified)} on ${group.groupId}: the group was read without rule ids`,
    );
  }
  const applied: { revoked: RecordedRule[]; authorized: RecordedRule[] } = {
    revoked: [],
    authorized: [],
  };
  try {
    if (plan.authorize.length > 0) {
      applied.authorized.push(...(await deps.groups.authorize(group.groupId, plan.authorize)));
    }
    const ruleIds = plan.revoke.map((rule) => rule.ruleId as string);
    const { revoked } = await deps.groups.revoke(group.groupId, ruleIds);
    const revokedIds = new Set(revoked);
    applied.revoked.push(
      ...plan.revoke.filter((rule) => rule.ruleId && revokedIds.has(rule.ruleId)),
    );
  } catch (error) {
    if (isGroupNotFound(error)) return { ...outcome, outcome: 'group-not-found' };
    if (!isAccessDenied(error)) throw error;
    return fail(decision, error, applied, deps, context, outcome);
  }

  // A rule returned without an id already existed: an earlier event authorized it.
  const authorizedNew = applied.authorized.some((rule) => rule.ruleId !== undefined);
  if (applied.revoked.length === 0 && !authorizedNew)
    return { ...outcome, outcome: 'already-fixed' };
  const notice = await send('remediated', decision, { applied }, deps, context);
  return { ...outcome, outcome: 'remediated', notice };
}

/** Mails `exempted` / `would-remediate` unless the same notice went out within the TTL. */
async function notifyOnce(
  action: 'exempted' | 'would-remediate',
  decision: Decision,
  extra: Pick<NoticeInput, 'exemption'>,
  deps: RemediationDeps,
  context: RemediationContext,
  outcome: Omit<RemediationOutcome, 'outcome'>,
): Promise<RemediationOutcome> {
  const key = {
    accountId: context.accountId,
    region: context.region,
    groupId: decision.group.groupId,
    action,
    exposures: decision.assessment.exposures,
  };
  if (context.recentNotices?.has(key, context.now())) {
    return { ...outcome, outcome: 'suppressed', suppressedAction: action };
  }
  const notice = await send(action, decision, extra, deps, context);
  context.recentNotices?.remember(key, context.now());
  return { ...outcome, outcome: action, notice };
}

async function fail(
  decision: Decision,
  error: AccessDeniedFailure,
  applied: NoticeInput['applied'],
  deps: RemediationDeps,
  context: RemediationContext,
  outcome: Omit<RemediationOutcome, 'outcome'>,
): Promise<RemediationOutcome> {
  const notice = await send(
    'failed',
    decision,
    {
      applied,
      error: {
        code: error.awsCode ?? error.code,
        message: error.message,
        missingPermission: error.action,
      },
    },
    deps,
    context,
  );
  return { ...outcome, outcome: 'failed', notice, missingPermission: error.action };
}

async function send(
  action: NoticeAction,
  decision: Decision,
  extra: Pick<NoticeInput, 'applied' | 'exemption' | 'error'>,
  deps: RemediationDeps,
  context: RemediationContext,
): Promise<Notice> {
  const notice = buildNotice({
    action,
    recordId: context.newRecordId(),
    time: context.now().toISOString(),
    accountId: context.accountId,
    region: context.region,
    ...decision,
    ...extra,
  });
  await deps.notices.publish(notice);
  return notice;
}
