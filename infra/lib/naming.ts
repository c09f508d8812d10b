import { Aws } from 'aws-cdk-lib';
import type { SgGuardConfig } from './config.js';

/**
 * Fixed names of the resources that one account refers to in another. They are fixed so that
 * the member template can name the central topic, key and mode map without a cross-account
 * lookup at deploy time. IAM names are global per account: anything a StackSet puts in several
 * regions of one account carries the region (DESIGN.md "Deployment").
 */
export const NAMES = {
  /** Central topic that receives every member's notices. */
  findingsTopic: 'sg-guard-findings',
  /** Central topic that receives operational alarms from every member. */
  alarmsTopic: 'sg-guard-alarms',
  /** Central event bus member accounts forward their alarm state changes to. */
  alarmBus: 'sg-guard-alarms',
  /** Alias of the central key; member roles are scoped to the key through it. */
  keyAlias: 'alias/sg-guard-findings',
  /** Role of the mode publisher (one region only: us-east-1). */
  modePublisherRole: 'sg-guard-mode-publisher',
  /** The mode publisher Lambda. */
  modePublisherFunction: 'sg-guard-mode-publisher',
  /** Prefix of the remediator role; the region follows (`sg-guard-remediator-eu-west-1`). */
  remediatorRolePrefix: 'sg-guard-remediator-',
  /** The remediator Lambda (function names are regional, so no region suffix is needed). */
  remediatorFunction: 'sg-guard-remediator',
  /** The AWS Config managed rule the member stack deploys. */
  configRule: 'sg-guard-restricted-ssh',
  /** Prefix of every member alarm; the central rule matches on it. */
  alarmPrefix: 'sg-guard-',
  /** Name of the recorder and delivery channel the member stack creates when it must. */
  recorder: 'sg-guard',
  /** The StackSet of the member stack. */
  stackSet: 'sg-guard-member',
} as const;

/** Stack names (what `cdk deploy` takes). */
export const STACK_NAMES = {
  central: 'SgGuardCentral',
  /** The mode map and its publisher (management account or delegated admin, us-east-1). */
  modePublisher: 'SgGuardModePublisher',
  rollout: 'SgGuardRollout',
  /** One per target region: `SgGuardAssets-eu-west-1`. */
  assets: (region: string) => `SgGuardAssets-${region}`,
} as const;

/**
 * Organizations is a global service whose CloudTrail events EventBridge delivers in us-east-1
 * only (commercial partition): the mode publisher's stack, and its bucket, live there.
 */
export const ORGANIZATIONS_EVENTS_REGION = 'us-east-1';

/** The member assets' bucket in one region: `<assetBucketPrefix>-<region>`. */
export function assetBucketName(config: SgGuardConfig, region: string): string {
  return `${config.assetBucketPrefix}-${region}`;
}

/** ARNs of central resources, in the partition of the stack that uses them. */
export function centralArns(config: SgGuardConfig) {
  const { accountId, region } = config.central;
  const partition = Aws.PARTITION;
  return {
    findingsTopic: `arn:${partition}:sns:${region}:${accountId}:${NAMES.findingsTopic}`,
    alarmBus: `arn:${partition}:events:${region}:${accountId}:event-bus/${NAMES.alarmBus}`,
  };
}

/** An IAM condition block on the principal (`aws:PrincipalOrgID` and `aws:PrincipalArn`). */
export interface RemediatorCondition {
  readonly StringEquals: { readonly 'aws:PrincipalOrgID': string };
  readonly ArnLike: { readonly 'aws:PrincipalArn': string };
}

/**
 * The condition that names sg-guard's remediators: principals of the organization whose role
 * is named like `sg-guard-remediator-*`, in any of its accounts.
 */
export function remediatorsOf(
  organizationId: string,
  partition: string,
  roleNamePattern = `${NAMES.remediatorRolePrefix}*`,
): RemediatorCondition {
  return {
    StringEquals: { 'aws:PrincipalOrgID': organizationId },
    ArnLike: { 'aws:PrincipalArn': `arn:${partition}:iam::*:role/${roleNamePattern}` },
  };
}
