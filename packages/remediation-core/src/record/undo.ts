import type { RecordedRule, RemediationRecord, RuleToAuthorize, UndoPlan } from '../model.js';

/** The rule without its id: what to pass to AuthorizeSecurityGroupIngress again. */
function withoutId(rule: RecordedRule): RuleToAuthorize {
  const { ruleId: _ruleId, ...rest } = rule;
  return rest;
}

/**
 * The steps that reverse a record: re-authorize what it revoked, then revoke what it authorized
 * (authorize first, so the group never loses access it had). Only `remediated` records, and
 * `failed` ones with partial changes, changed anything; every other record gives an empty plan.
 *
 * An authorized rule without a `ruleId` is left alone: the gateway returns a rule without an id
 * when it already existed (`InvalidPermission.Duplicate`), so sg-guard did not create it and
 * removing it would take away access the group had before.
 *
 * @example
 * const plan = undoPlan(parseRecord(JSON.parse(line)));
 * // plan.authorize → rules to put back; plan.revoke → rules sg-guard added (by ruleId)
 */
export function undoPlan(record: RemediationRecord): UndoPlan {
  const changed = record.action === 'remediated' || record.action === 'failed';
  return {
    recordId: record.recordId,
    groupId: record.groupId,
    accountId: record.accountId,
    region: record.region,
    authorize: changed ? record.revoked.map(withoutId) : [],
    revoke: changed ? record.authorized.filter((rule) => rule.ruleId !== undefined) : [],
  };
}
