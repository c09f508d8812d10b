/** Assessment and plan of groups read from a file: gathered here, printed by the command. */
import {
  type Assessment,
  assessGroup,
  type GroupSnapshot,
  planRemediation,
  type RemediationPlan,
  type RemediationStrategy,
} from '@sg-guard/remediation-core';
import { describeExposure, describePlan } from '../output/describe.js';

/** One group explained. */
export interface GroupExplanation {
  readonly groupId: string;
  readonly groupName?: string;
  readonly vpcId?: string;
  readonly verdict: Assessment['verdict'];
  readonly exposures: Assessment['exposures'];
  /** Absent when the group is not exposed. */
  readonly plan?: RemediationPlan;
  /** Prefix lists on guarded ports: offline their entries are unknown, so they count as not world. */
  readonly unresolvedPrefixLists: readonly string[];
}

/** Assesses and plans each group with the core. */
export function explainGroups(
  groups: readonly GroupSnapshot[],
  settings: { readonly ports: readonly number[]; readonly strategy: RemediationStrategy },
): GroupExplanation[] {
  return groups.map((group) => {
    const assessment = assessGroup(group, { ports: settings.ports });
    return {
      groupId: group.groupId,
      ...(group.groupName ? { groupName: group.groupName } : {}),
      ...(group.vpcId ? { vpcId: group.vpcId } : {}),
      verdict: assessment.verdict,
      exposures: assessment.exposures,
      ...(assessment.verdict === 'EXPOSED'
        ? { plan: planRemediation(assessment, { strategy: settings.strategy }) }
        : {}),
      unresolvedPrefixLists: assessment.unresolvedPrefixLists,
    };
  });
}

/** The explanations as text a person reads, one block per group. */
export function renderExplanations(
  explanations: readonly GroupExplanation[],
  ports: readonly number[],
): string {
  const exposed = explanations.filter((e) => e.verdict === 'EXPOSED').length;
  const blocks = explanations.map((e) => {
    const name = e.groupName ? ` (${e.groupName})` : '';
    const vpc = e.vpcId ? ` in ${e.vpcId}` : '';
    const lines = [`${e.groupId}${name}${vpc}: ${e.verdict}`];
    if (e.exposures.length > 0) {
      lines.push('  exposures:', ...e.exposures.map((x) => `    ${describeExposure(x)}`));
    }
    if (e.plan) {
      const strategy =
        e.plan.appliedStrategy === e.plan.strategy
          ? e.plan.strategy
          : `${e.plan.strategy}, fell back to ${e.plan.appliedStrategy}`;
      lines.push(`  plan (${strategy}):`, ...describePlan(e.plan).map((step) => `    ${step}`));
    }
    if (e.unresolvedPrefixLists.length > 0) {
      lines.push(
        `  note: prefix list(s) ${e.unresolvedPrefixLists.join(', ')} not resolved offline; ` +
          'their entries were not checked',
      );
    }
    return lines.join('\n');
  });
  const summary = `${explanations.length} group(s), ${exposed} exposed on port(s) ${ports.join(', ')}`;
  return `${[...blocks, summary].join('\n\n')}\n`;
}
