/**
 * Security Hub findings: one ASFF finding per exposed group, built purely from a decision's
 * record. A subpath of the core (`@sg-guard/remediation-core/security-hub`), not part of its
 * index: Security Hub is opt-in, and the remediator imports this only where it is on.
 */
export {
  ASFF_LIMITS,
  ASFF_SCHEMA_VERSION,
  type AsffComplianceStatus,
  type AsffIpPermission,
  type AsffPartition,
  type AsffRecordState,
  type AsffSecurityGroupResource,
  type AsffSeverityLabel,
  type AsffWorkflowStatus,
  type AwsPartition,
  type SecurityHubFinding,
} from './asff.js';
export {
  buildSecurityHubFinding,
  PRODUCT_FIELD_PREFIX,
  SECURITY_HUB_FINDING_TYPES,
  SECURITY_HUB_GENERATOR_ID,
  SECURITY_HUB_PRODUCT_NAME,
  type SecurityHubFindingSource,
  type SecurityHubFindingState,
  securityHubFindingId,
  toAsffIpPermission,
} from './finding.js';
export {
  type OutcomeFindingOptions,
  securityHubFindingForOutcome,
} from './outcome.js';
export {
  type AccountRegion,
  defaultProductArn,
  partitionOfRegion,
  securityGroupArn,
} from './partition.js';
export type { SecurityHubReporter } from './reporter.js';
