/** Security Hub's reporter, client and finding builder: imported on the first report, where it is on. */
export { createSecurityHubClient } from '@sg-guard/aws/clients/security-hub';
export { SecurityHubFindingsReporter } from '@sg-guard/aws/security-hub-reporter';
export { securityHubFindingForOutcome } from '@sg-guard/remediation-core/security-hub';
