/** Words for the core's values, shared by every command's text output. */
import {
  type AccountPolicy,
  describeRule,
  type Exposure,
  type RemediationPlan,
} from '@sg-guard/remediation-core';

const REASONS: Readonly<Record<Exposure['reason'], string>> = {
  'world-cidr': 'the whole internet',
  'world-prefix-list': 'a prefix list covering the internet',
  union: 'with other sources, covers the internet',
};

/** `tcp 0-65535 from 0.0.0.0/0 (sgr-1): port 22 (the whole internet)`. */
export function describeExposure(exposure: Exposure): string {
  const ports = exposure.ports.length === 1 ? 'port' : 'ports';
  return `${describeRule(exposure.rule)}: ${ports} ${exposure.ports.join(', ')} (${REASONS[exposure.reason]})`;
}

/**
 * The plan as steps in the order they are applied: `+` authorize (first, so other ports never
 * blink), `-` revoke, then what narrowing drops and why a plan fell back to revoke.
 */
export function describePlan(plan: RemediationPlan): string[] {
  return [
    ...plan.authorize.map((rule) => `+ authorize ${describeRule(rule)}`),
    ...plan.revoke.map((rule) => `- revoke ${describeRule(rule)}`),
    ...plan.dropped.map((dropped) => `! ${dropped.description}`),
    ...(plan.fallbackReason ? [`! ${plan.fallbackReason}`] : []),
  ];
}

/** `enforce (account tag)`, `off (OU ou-ab12-…)`, `notify (root)`, `enforce (default)`. */
export function describeMode(policy: AccountPolicy | undefined): string {
  if (!policy) return 'unknown';
  const source = policy.source;
  switch (source.kind) {
    case 'account':
      return `${policy.mode} (account tag)`;
    case 'ou':
      return `${policy.mode} (OU ${source.id})`;
    case 'root':
      return `${policy.mode} (root tag)`;
    default:
      return `${policy.mode} (default)`;
  }
}

const BRIEF_REASONS: Readonly<Record<Exposure['reason'], string>> = {
  'world-cidr': '',
  'world-prefix-list': ' [world prefix list]',
  union: ' [sources add up to the internet]',
};

/** Short form for tables: `tcp 0-65535 from 0.0.0.0/0 (port 22)`; the rule id is in the plan. */
export function describeExposureBrief(exposure: Exposure): string {
  const { ruleId: _ruleId, ...rule } = exposure.rule;
  const whole = rule.protocol === 'tcp' && rule.fromPort === rule.toPort;
  const ports = whole
    ? ''
    : ` (port${exposure.ports.length === 1 ? '' : 's'} ${exposure.ports.join(', ')})`;
  return `${describeRule(rule)}${ports}${BRIEF_REASONS[exposure.reason]}`;
}

/** Short form for tables: `+ tcp 0-21 from 0.0.0.0/0`, `- sgr-0abc` (the rule when no id). */
export function describePlanBrief(plan: RemediationPlan): string[] {
  return [
    ...plan.authorize.map((rule) => `+ ${describeRule(rule)}`),
    ...plan.revoke.map((rule) => {
      const { ruleId, ...rest } = rule;
      return `- ${ruleId ?? describeRule(rest)}`;
    }),
    ...plan.dropped.map((dropped) => `! ${dropped.description}`),
    ...(plan.fallbackReason ? [`! ${plan.fallbackReason}`] : []),
  ];
}
