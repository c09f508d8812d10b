/**
 * `@sg-guard/remediation-core`: the pure heart of sg-guard. No AWS SDK at run time, no
 * `process.env`; every setting is passed in.
 *
 * @example
 * import { assessGroup, planRemediation } from '@sg-guard/remediation-core';
 * const assessment = assessGroup(securityGroupFromDescribeSecurityGroups);
 * if (assessment.verdict === 'EXPOSED') console.log(planRemediation(assessment));
 */
//
// Every export is named here, so the public surface is read in one place and a module's new
// export is published only on purpose.
export {
  type Cidr,
  cidrContains,
  cidrLast,
  cidrStrictlyContains,
  familyBits,
  isWorldCidr,
  parseCidr,
  unionCoversFamily,
} from './cidr/cidr.js';
export {
  InvalidCidrError,
  InvalidRecordError,
  InvalidRuleError,
  InvalidSettingsError,
  LeaseHeldError,
  LedgerNotClosedError,
  MalformedEventError,
  NoticeNotPublishedError,
  SgGuardError,
  type SgGuardErrorCode,
  UnsupportedEventError,
} from './errors.js';
export {
  ACCOUNT_ID_PATTERN,
  accountIdSchema,
  REGION_PATTERN,
  regionSchema,
  SECURITY_GROUP_ID_PATTERN,
  securityGroupIdSchema,
} from './events/identifiers.js';
export { parseEvent } from './events/parse.js';
export {
  assessGroup,
  DEFAULT_GUARDED_PORTS,
  GUARDED_PORT_RANGE,
  GUARDED_PORT_RANGE_TEXT,
  guardedPorts,
  isGuardablePort,
  prefixListsToResolve,
} from './exposure/assess.js';
export { readLedgerEntry } from './ledger/entry-schema.js';
export { InMemoryLedger } from './ledger/in-memory.js';
export type {
  AppliedChanges,
  BeginRequest,
  BeginResult,
  HeadState,
  LedgerDecision,
  LedgerEntry,
  LedgerHead,
  LedgerStatus,
  RemediationLedger,
} from './ledger/ledger.js';
export { LEDGER_TABLE } from './ledger/table.js';
export {
  type AccountPolicy,
  type AddressFamily,
  type Assessment,
  type AssessmentOptions,
  type DroppedAccess,
  type ExemptionDecision,
  type Exposure,
  type ExposureReason,
  type Finding,
  type GroupSnapshot,
  type IgnoredEvent,
  type InboundRule,
  type MalformedEventPart,
  type Mode,
  NOTICE_ACTIONS,
  type Notice,
  type NoticeAction,
  type NoticeInput,
  type ParsedEvent,
  type PlanOptions,
  type PolicyLevel,
  type PolicyLevelKind,
  type PrefixListEntries,
  type Protocol,
  type RecordedRule,
  type RemediationPlan,
  type RemediationRecord,
  type RemediationStrategy,
  type RuleSource,
  type RuleToAuthorize,
  type Severity,
  TRIGGERS,
  type Trigger,
  type UndoPlan,
  type Verdict,
} from './model.js';
export {
  buildNotice,
  buildRecord,
  buildSubject,
  buildText,
  MAX_MESSAGE_BYTES,
  MAX_SUBJECT_LENGTH,
  renderNotice,
  SEVERITY_BY_ACTION,
  type TextOptions,
} from './notice/notice.js';
export {
  DEFAULT_RULE_QUOTA,
  DEFAULT_STRATEGY,
  peakRuleCounts,
  planRemediation,
  STRATEGIES,
} from './plan/plan.js';
export {
  EXEMPT_TAG_KEY,
  EXEMPT_UNTIL_TAG_KEY,
  type ExemptionOptions,
  evaluateExemption,
} from './policy/exemption.js';
export {
  DEFAULT_MODE,
  MODE_TAG_KEY,
  MODES,
  modeTextSchema,
  parseMode,
  type ResolveAccountPolicyInput,
  requireMode,
  resolveAccountPolicy,
} from './policy/mode.js';
export type {
  AccountPolicyReader,
  NoticePublisher,
  RevokeRulesResult,
  SecurityGroupGateway,
} from './ports.js';
export {
  type PlannedUndo,
  parseRecord,
  parseRecordLines,
  planUndo,
  recordedRuleSchema,
  remediationRecordSchema,
  type UndoLeftAlone,
  type UndoLeftAloneReason,
  type UndoStep,
  undoSteps,
} from './record/record.js';
export {
  type ConvergeContext,
  type Convergence,
  converge,
  MAX_REPLANS,
} from './remediate/converge.js';
export {
  type DecisionInput,
  type DecisionKind,
  decide,
  type GroupDecision,
  planFor,
  type RemediationSettings,
} from './remediate/decide.js';
export { managedByOf } from './remediate/managed-by.js';
export {
  type AccessDeniedFailure,
  type GroupNotFoundFailure,
  isAccessDenied,
  isGroupNotFound,
  isLedgerConflict,
  isPolicyUnreadable,
  type LedgerConflictFailure,
  type PolicyUnreadableFailure,
} from './remediate/port-errors.js';
export {
  type NoticeKey,
  noticeFingerprint,
  RecentNotices,
  type RecentNoticesOptions,
} from './remediate/recent-notices.js';
export {
  finishUnfinishedEntries,
  type RemediationContext,
  type RemediationDeps,
  type RemediationOutcome,
  type RemediationOutcomeKind,
  remediateFinding,
} from './remediate.js';
export {
  describePorts,
  describeRule,
  describeSource,
} from './rules/format.js';
export {
  type GroupInput,
  type GroupRules,
  groupFromConfigItem,
  groupFromSecurityGroup,
  normalizePorts,
  normalizeProtocol,
  rulesFromIpPermissions,
  rulesFromSecurityGroupRules,
  tagsToRecord,
  toGroupSnapshot,
} from './rules/normalize.js';
export {
  sameAccess,
  toIpPermission,
} from './rules/permission.js';
// Security Hub findings are built by `@sg-guard/remediation-core/security-hub` (a subpath, so
// the remediator loads that code only where Security Hub is on); their types are here too.
export type {
  AsffComplianceStatus,
  AsffIpPermission,
  AsffPartition,
  AsffRecordState,
  AsffSecurityGroupResource,
  AsffSeverityLabel,
  AsffWorkflowStatus,
  AwsPartition,
  SecurityHubFinding,
} from './security-hub/asff.js';
export type { SecurityHubFindingSource, SecurityHubFindingState } from './security-hub/finding.js';
export type { OutcomeFindingOptions } from './security-hub/outcome.js';
export type { AccountRegion } from './security-hub/partition.js';
export type { SecurityHubReporter } from './security-hub/reporter.js';
export {
  bucketNameSchema,
  readSetting,
  S3_BUCKET_NAME_PATTERN,
  type SettingsEnvironment,
} from './settings/read-setting.js';
export {
  ELLIPSIS,
  sanitizeOptional,
  sanitizeText,
  TEXT_LIMITS,
} from './text/sanitize.js';
// Every parse of the core and the Lambdas: zod/mini with zod's English messages.
export { safeParse } from './validation.js';
