import type { RemediationOutcome } from '../remediate.js';
import type { SecurityHubFinding } from './asff.js';
import { buildSecurityHubFinding } from './finding.js';

/** Options of {@link securityHubFindingForOutcome}. */
export interface OutcomeFindingOptions {
  /** When the decision was made (for findings of clean groups, which carry no record). */
  readonly now: Date;
  /**
   * Close the group's finding when it is found clean (`not-exposed`). Only when the group had an
   * open finding (the ledger shows an earlier `would-remediate`, `exempted` or `failed` record):
   * otherwise every clean group would get a finding of its own.
   * @default false
   */
  readonly resolveClean?: boolean;
}

/**
 * The finding to import after one decision, or `undefined` when Security Hub has nothing to
 * learn from it.
 *
 * - A published notice (`would-remediate`, `exempted`, `failed`, `remediated`): the finding of
 *   its record, open or resolved.
 * - `not-exposed`: a resolved finding only with `resolveClean`.
 * - `already-fixed` (the event that fixed it imported the resolved finding), `suppressed` (the
 *   finding of the first notice stands), `skipped-off`, `group-not-found`: nothing.
 *
 * @example
 * const outcome = await remediateFinding(finding, deps, settings, context);
 * const asff = securityHubFindingForOutcome(outcome, { now: new Date() });
 * if (asff) await reporter.report([asff]).catch(logAndCount);
 */
export function securityHubFindingForOutcome(
  outcome: RemediationOutcome,
  options: OutcomeFindingOptions,
): SecurityHubFinding | undefined {
  if (outcome.notice)
    return buildSecurityHubFinding({ kind: 'decision', record: outcome.notice.record });
  if (outcome.outcome !== 'not-exposed' || !options.resolveClean || !outcome.groupId) {
    return undefined;
  }
  return buildSecurityHubFinding({
    kind: 'clean',
    accountId: outcome.accountId,
    region: outcome.region,
    time: options.now.toISOString(),
    group: {
      groupId: outcome.groupId,
      ...(outcome.groupName ? { groupName: outcome.groupName } : {}),
    },
  });
}
