import type { SecurityHubFinding } from './asff.js';

/**
 * Imports findings into the account-region's own Security Hub (BatchImportFindings, default
 * product ARN). Implemented by `SecurityHubFindingsReporter` in `@sg-guard/aws`.
 *
 * Throws typed when any finding was not imported. Callers must not let that block a fix or a
 * notice: Security Hub is a copy for the security team, the notice is the record.
 */
export interface SecurityHubReporter {
  report(findings: readonly SecurityHubFinding[]): Promise<void>;
}
