/**
 * The one decision about a group, pure and synchronous: assessment, plan, exemption and mode →
 * what to do. The remediator, `fix` and `audit` all call it, so they never disagree.
 */
import { assessGroup } from '../exposure/assess.js';
import type {
  AccountPolicy,
  Assessment,
  GroupSnapshot,
  PrefixListEntries,
  RemediationPlan,
  RemediationStrategy,
} from '../model.js';
import { planRemediation } from '../plan/plan.js';
import { evaluateExemption } from '../policy/exemption.js';

/** Deployment settings, validated once at the entry point. */
export interface RemediationSettings {
  readonly ports: readonly number[];
  readonly strategy: RemediationStrategy;
  readonly allowGroupExemptions: boolean;
  /** Inbound rules per group and family. @default 60 */
  readonly ruleQuota?: number;
}

/**
 * What to do about one group:
 * - `not-exposed`: nothing (no mail);
 * - `exempt`: mail `exempted`, change nothing;
 * - `notify`: mail `would-remediate` with the plan, change nothing;
 * - `enforce`: apply the plan and mail `remediated`.
 * Mode `off` never gets here: its groups are not even read.
 */
export type DecisionKind = 'not-exposed' | 'exempt' | 'notify' | 'enforce';

/** The decision with everything it was made from. */
export interface GroupDecision {
  readonly kind: DecisionKind;
  readonly group: GroupSnapshot;
  readonly assessment: Assessment;
  /** The smallest change; empty when not exposed. */
  readonly plan: RemediationPlan;
  /** For `exempt`: the tag's reason and end. */
  readonly exemption?: { readonly reason: string; readonly until?: string };
}

/** What {@link decide} needs. */
export interface DecisionInput {
  readonly group: GroupSnapshot;
  readonly policy: AccountPolicy;
  readonly prefixLists?: PrefixListEntries;
  readonly settings: RemediationSettings;
  readonly now: Date;
}

/**
 * Decides what to do about one group, without any I/O.
 *
 * @example
 * const decision = decide({ group, policy, settings: { ports: [22], strategy: 'narrow', allowGroupExemptions: false }, now: new Date() });
 * decision.kind // → 'enforce'
 */
export function decide(input: DecisionInput): GroupDecision {
  const { group, policy, settings } = input;
  const assessment = assessGroup(group, {
    ports: settings.ports,
    ...(input.prefixLists ? { prefixLists: input.prefixLists } : {}),
  });
  const plan = planFor(assessment, settings);
  if (assessment.verdict === 'NOT_EXPOSED') return { kind: 'not-exposed', group, assessment, plan };
  const exemption = evaluateExemption(group.tags, {
    allowGroupExemptions: settings.allowGroupExemptions,
    now: input.now,
  });
  if (exemption.exempt) {
    const { reason, until } = exemption;
    return {
      kind: 'exempt',
      group,
      assessment,
      plan,
      exemption: { reason, ...(until ? { until } : {}) },
    };
  }
  return { kind: policy.mode === 'enforce' ? 'enforce' : 'notify', group, assessment, plan };
}

/** The plan of an assessment under the settings' strategy and quota. */
export function planFor(assessment: Assessment, settings: RemediationSettings): RemediationPlan {
  return planRemediation(assessment, {
    strategy: settings.strategy,
    ...(settings.ruleQuota !== undefined ? { ruleQuota: settings.ruleQuota } : {}),
  });
}
