import { InvalidRecordError } from '../errors.js';
import type {
  DroppedAccess,
  InboundRule,
  NoticeInput,
  RecordedRule,
  RemediationRecord,
  RuleSource,
  RuleToAuthorize,
} from '../model.js';
import { recordIssues, remediationRecordSchema } from '../record/schema.js';
import { describeRule } from '../rules/format.js';
import { safeParse } from '../validation.js';

/** A copy of the source with only its own fields, so the record holds nothing else. */
function copySource(source: RuleSource): RuleSource {
  switch (source.kind) {
    case 'cidr':
      return { kind: 'cidr', family: source.family, cidr: source.cidr };
    case 'prefix-list':
      return { kind: 'prefix-list', prefixListId: source.prefixListId };
    case 'security-group':
      return {
        kind: 'security-group',
        groupId: source.groupId,
        ...(source.userId !== undefined && { userId: source.userId }),
        ...(source.vpcId !== undefined && { vpcId: source.vpcId }),
      };
  }
}

/** The rule as a record stores it: the fields that re-create or remove it, nothing undefined. */
export function toRecordedRule(
  rule: RuleToAuthorize & { readonly ruleId?: string; readonly created?: boolean },
): RecordedRule {
  return {
    ...(rule.ruleId !== undefined && { ruleId: rule.ruleId }),
    protocol: rule.protocol,
    fromPort: rule.fromPort,
    toPort: rule.toPort,
    source: copySource(rule.source),
    ...(rule.description !== undefined && { description: rule.description }),
    ...(rule.created !== undefined && { created: rule.created }),
  };
}

/** Same rule: by id when both have one, else by protocol, ports and source. */
function sameRule(a: RecordedRule | InboundRule, b: RecordedRule | InboundRule): boolean {
  if (a.ruleId !== undefined && b.ruleId !== undefined) return a.ruleId === b.ruleId;
  return (
    a.protocol === b.protocol &&
    a.fromPort === b.fromPort &&
    a.toPort === b.toPort &&
    JSON.stringify(copySource(a.source)) === JSON.stringify(copySource(b.source))
  );
}

/**
 * The changes a record reports. `remediated`: what was applied. `failed`: what was applied
 * before the failure (often nothing). `would-remediate` and `exempted`: the plan, i.e. what
 * sg-guard would have done; such records are never undone.
 */
function changesOf(input: NoticeInput): Pick<RemediationRecord, 'revoked' | 'authorized'> {
  switch (input.action) {
    case 'remediated':
      if (input.applied === undefined) {
        const issues = ['applied: a remediated notice needs the changes that were applied'];
        throw new InvalidRecordError(`cannot build the record: ${issues[0]}`, issues);
      }
      return {
        revoked: input.applied.revoked.map(toRecordedRule),
        authorized: input.applied.authorized.map(toRecordedRule),
      };
    case 'failed':
      return {
        revoked: (input.applied?.revoked ?? []).map(toRecordedRule),
        authorized: (input.applied?.authorized ?? []).map(toRecordedRule),
      };
    case 'would-remediate':
    case 'exempted':
      return {
        revoked: input.plan.revoke.map(toRecordedRule),
        authorized: input.plan.authorize.map(toRecordedRule),
      };
  }
}

/** ISO 8601 with a zone, as the record schema wants; anything else is left out of the record. */
function isIsoTime(value: string | undefined): value is string {
  return value !== undefined && /^\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:\d\d)$/.test(value);
}

/** `all protocols other than … (was allowed by all traffic from 0.0.0.0/0 (sgr-1))`. */
export function droppedInWords(dropped: DroppedAccess): string {
  return `${dropped.description} (was allowed by ${describeRule(dropped.rule)})`;
}

/**
 * The machine-readable record of one decision about one group (schema version 1), as sent in
 * the notice and read back by `sg-guard undo`. Access is reported as dropped only when the rule
 * that granted it is among the revoked rules (for plans: would be revoked).
 *
 * @throws InvalidRecordError when the input cannot make a valid record (e.g. `remediated`
 * without `applied`, `exempted` without `exemption`, `failed` without `error`, bad ids).
 *
 * @example
 * const record = buildRecord({ action: 'remediated', applied: { revoked, authorized }, ... });
 * // record.revoked → rules removed; undoPlan(record) puts them back
 */
export function buildRecord(input: NoticeInput): RemediationRecord {
  const { plan, policy, group, finding } = input;
  const changes = changesOf(input);
  const dropped = plan.dropped
    .filter((d) => changes.revoked.some((rule) => sameRule(rule, d.rule)))
    .map(droppedInWords);
  const candidate = {
    schemaVersion: 1,
    recordId: input.recordId,
    time: input.time,
    action: input.action,
    mode: policy.mode,
    accountId: input.accountId,
    ...(policy.accountName !== undefined && { accountName: policy.accountName }),
    region: input.region,
    groupId: group.groupId,
    ...(group.groupName !== undefined && { groupName: group.groupName }),
    ...(group.vpcId !== undefined && { vpcId: group.vpcId }),
    trigger: finding.trigger,
    ...(finding.actor !== undefined && { actor: finding.actor }),
    ...(finding.eventId !== undefined && { eventId: finding.eventId }),
    ...(isIsoTime(finding.eventTime) && { eventTime: finding.eventTime }),
    ...(finding.configRuleName !== undefined && { configRuleName: finding.configRuleName }),
    ...(input.exposureSeconds !== undefined && { exposureSeconds: input.exposureSeconds }),
    ...(input.managedBy !== undefined && { managedBy: { ...input.managedBy } }),
    ...(input.repeat !== undefined && { repeat: { ...input.repeat } }),
    ...(input.action === 'failed' && {
      planned: {
        revoke: (input.planned ?? plan).revoke.map(toRecordedRule),
        authorize: (input.planned ?? plan).authorize.map(toRecordedRule),
      },
    }),
    strategy: plan.strategy,
    appliedStrategy: plan.appliedStrategy,
    ...(plan.fallbackReason !== undefined && { fallbackReason: plan.fallbackReason }),
    exposures: input.assessment.exposures.map((exposure) => ({
      rule: toRecordedRule(exposure.rule),
      ports: [...exposure.ports],
      family: exposure.family,
      reason: exposure.reason,
    })),
    ...changes,
    dropped,
    ...(input.exemption !== undefined && {
      exemption: {
        reason: input.exemption.reason,
        ...(input.exemption.until !== undefined && { until: input.exemption.until }),
      },
    }),
    policySource: policy.source.kind === 'default' ? { kind: 'default' } : { ...policy.source },
    warnings: [...policy.warnings],
    ...(input.error !== undefined && {
      error: {
        code: input.error.code,
        message: input.error.message,
        ...(input.error.missingPermission !== undefined && {
          missingPermission: input.error.missingPermission,
        }),
      },
    }),
  };
  const result = safeParse(remediationRecordSchema, candidate);
  if (!result.success) {
    const issues = recordIssues(result.error);
    throw new InvalidRecordError(`cannot build the record: ${issues.join('; ')}`, issues);
  }
  return result.data;
}
