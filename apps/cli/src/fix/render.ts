/** `fix` results as a table. */
import { describeRule } from '@sg-guard/remediation-core';
import { renderTable } from '../output/table.js';
import type { FixResult } from './apply.js';

const OUTCOME_WORDS: Readonly<Record<FixResult['outcome'], string>> = {
  remediated: 'remediated',
  'would-remediate': 'notify mode: mailed the plan, changed nothing',
  exempted: 'exempt: changed nothing',
  failed: 'FAILED',
  'skipped-off': 'mode off: skipped',
  'group-not-found': 'group gone',
  'not-exposed': 'no longer exposed',
  'already-fixed': 'already fixed',
  suppressed: 'already notified',
  error: 'ERROR',
};

/** One row per group: outcome and the rules changed (`+` authorized, `-` revoked). */
export function renderFixResults(results: readonly FixResult[]): string {
  if (results.length === 0) return 'Nothing to fix.\n';
  const rows = results.map((r) => {
    const details = [
      ...r.authorized.map((rule) => `+ ${describeRule(rule)}`),
      ...r.revoked.map((rule) => `- ${describeRule(rule)}`),
      ...(r.missingPermission ? [`missing permission ${r.missingPermission}`] : []),
      ...(r.error ? [r.error.message] : []),
    ];
    return [
      r.accountId,
      r.region,
      r.groupName ? `${r.groupId} (${r.groupName})` : r.groupId,
      OUTCOME_WORDS[r.outcome],
      details.join('\n'),
    ];
  });
  return renderTable(['ACCOUNT', 'REGION', 'GROUP', 'OUTCOME', 'CHANGES'], rows);
}

/** Whether any group could not be handled (exit code 1). */
export function anyFixFailed(results: readonly FixResult[]): boolean {
  return results.some((r) => r.outcome === 'failed' || r.outcome === 'error');
}
