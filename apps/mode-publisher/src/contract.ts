/**
 * The contract between `infra/` and the mode publisher: the environment variable names, how the
 * deployed settings become that environment, and the metric names the alarms watch. Both sides
 * import this module. No run-time imports beyond types: the CDK app loads it too.
 */
import type { Mode } from '@sg-guard/remediation-core';

/** Every `SG_GUARD_*` variable the mode publisher reads, by setting. */
export const MODE_PUBLISHER_ENV = {
  /** The mode-map bucket (required); objects are `modes/<accountId>.json`. */
  modeBucket: 'SG_GUARD_MODE_BUCKET',
  /** Region of the bucket (optional, default the function's `AWS_REGION`). */
  modeBucketRegion: 'SG_GUARD_MODE_BUCKET_REGION',
  /** Mode of an account where no tag decides (required; the same value the member stacks get). */
  defaultMode: 'SG_GUARD_DEFAULT_MODE',
  /** Max SDK attempts per Organizations call (optional, default 10, adaptive retry mode). */
  orgMaxAttempts: 'SG_GUARD_ORG_MAX_ATTEMPTS',
} as const;

/** The deployed settings of the mode publisher, as its stack knows them. */
export interface ModePublisherDeployment {
  /** Name of the mode-map bucket of the stack. */
  readonly modeBucket: string;
  /** The bucket's region; unset: the function's own. */
  readonly modeBucketRegion?: string;
  /** Mode where no tag on the account, its OUs or the root decides. */
  readonly defaultMode: Mode;
  /** Max SDK attempts per Organizations call; unset: 10. */
  readonly orgMaxAttempts?: number;
}

/**
 * The mode publisher's environment for a deployment: what the stack puts on the function and what
 * `readSettings` reads back.
 *
 * @example
 * new lambda.Function(this, 'Fn', { environment: modePublisherEnvironment(deployment), ... });
 */
export function modePublisherEnvironment(
  deployment: ModePublisherDeployment,
): Record<string, string> {
  return {
    [MODE_PUBLISHER_ENV.modeBucket]: deployment.modeBucket,
    ...(deployment.modeBucketRegion !== undefined && {
      [MODE_PUBLISHER_ENV.modeBucketRegion]: deployment.modeBucketRegion,
    }),
    [MODE_PUBLISHER_ENV.defaultMode]: deployment.defaultMode,
    ...(deployment.orgMaxAttempts !== undefined && {
      [MODE_PUBLISHER_ENV.orgMaxAttempts]: String(deployment.orgMaxAttempts),
    }),
  };
}

/** Powertools `service` of the mode publisher (log field and the metrics' default dimension). */
export const MODE_PUBLISHER_SERVICE = 'mode-publisher';
/** EMF namespace (the same as every sg-guard metric). */
export const MODE_PUBLISHER_METRICS_NAMESPACE = 'sg-guard';

/**
 * The mode publisher's metric names, exactly as alarms read them:
 * - `fullPassCompleted`: one per full pass that reached every account (heartbeat);
 * - `accountsResolved`: accounts whose mode was resolved in the invocation;
 * - `objectsWritten`: mode objects written (new or changed content);
 * - `objectsUnchanged`: mode objects left as they were (same content);
 * - `objectsDeleted`: objects removed for accounts that left the organization;
 * - `tagWarnings`: accounts whose chain carries an `sg-guard:mode` value that is not a mode;
 * - `ignoredEvents`: events not understood (malformed or unsupported); events recognised and
 *   skipped on purpose (a failed call, another tag key) carry the extra dimension
 *   `kind=recognised`, which an alarm on dimension `service` alone does not see;
 * - `publishFailed`: an invocation that threw (Lambda retries the event; the next scheduled
 *   full pass repairs whatever it missed).
 */
export const MODE_PUBLISHER_METRICS = {
  fullPassCompleted: 'fullPassCompleted',
  accountsResolved: 'accountsResolved',
  objectsWritten: 'objectsWritten',
  objectsUnchanged: 'objectsUnchanged',
  objectsDeleted: 'objectsDeleted',
  tagWarnings: 'tagWarnings',
  ignoredEvents: 'ignoredEvents',
  publishFailed: 'publishFailed',
} as const;

/** One of the mode publisher's metric names. */
export type ModePublisherMetric =
  (typeof MODE_PUBLISHER_METRICS)[keyof typeof MODE_PUBLISHER_METRICS];

/**
 * The CloudTrail event names the publisher's EventBridge rule matches, in us-east-1, with source
 * `aws.organizations` and `detail.eventSource` `organizations.amazonaws.com`.
 * `CreateAccountResult` is a service event (`AWS Service Event via CloudTrail`), the others are
 * API calls (`AWS API Call via CloudTrail`).
 */
export const MODE_EVENT_NAMES = [
  'TagResource',
  'UntagResource',
  'MoveAccount',
  'CreateAccount',
  'CreateGovCloudAccount',
  'CreateAccountResult',
  'AcceptHandshake',
  'RemoveAccountFromOrganization',
] as const;

/** The EventBridge `detail-type`s of {@link MODE_EVENT_NAMES}. */
export const MODE_EVENT_DETAIL_TYPES = [
  'AWS API Call via CloudTrail',
  'AWS Service Event via CloudTrail',
] as const;

/** How often the full pass runs (EventBridge schedule expression). */
export const MODE_PUBLISHER_SCHEDULE = 'rate(5 minutes)';

/**
 * Key prefix of the mode map's objects (`modes/<accountId>.json`), for the bucket policy. The
 * same value as `@sg-guard/aws`'s `MODE_MAP_KEY_PREFIX` (a unit test pins them together; this
 * module may not import the SDK adapters at run time).
 */
export const MODE_MAP_KEY_PREFIX = 'modes/';
