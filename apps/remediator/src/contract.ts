/**
 * The contract between `infra/` and the remediator: the environment variable names, how the
 * deployed settings become that environment, and the metric names the alarms watch. Both sides
 * import this module, so a renamed variable or metric is a compile error, not a silent alarm
 * that never fires. No run-time imports: the CDK app loads it too.
 */
import type { Mode, RemediationStrategy } from '@sg-guard/remediation-core';

/** Every `SG_GUARD_*` variable the remediator reads, by setting. */
export const REMEDIATOR_ENV = {
  topicArn: 'SG_GUARD_TOPIC_ARN',
  ports: 'SG_GUARD_PORTS',
  strategy: 'SG_GUARD_STRATEGY',
  defaultMode: 'SG_GUARD_DEFAULT_MODE',
  allowGroupExemptions: 'SG_GUARD_ALLOW_GROUP_EXEMPTIONS',
  ledgerTable: 'SG_GUARD_LEDGER_TABLE',
  modeBucket: 'SG_GUARD_MODE_BUCKET',
  modeBucketRegion: 'SG_GUARD_MODE_BUCKET_REGION',
  securityHub: 'SG_GUARD_SECURITY_HUB',
} as const;

/** The deployed settings of one member account-region, as the stack knows them. */
export interface RemediatorDeployment {
  /** ARN of the central findings topic. */
  readonly topicArn: string;
  /** Ports whose exposure to the internet is remediated. */
  readonly ports: readonly number[];
  readonly strategy: RemediationStrategy;
  /** Mode where the mode map has no object for the account. */
  readonly defaultMode: Mode;
  /** Whether `sg-guard:exempt` group tags are honoured. */
  readonly allowGroupExemptions: boolean;
  /** Name of the account-region's ledger table (`sg-guard-ledger`). */
  readonly ledgerTable: string;
  /** The mode map: bucket and its region; without it the default mode applies everywhere. */
  readonly modeMap?: { readonly bucket: string; readonly region: string };
  /** Whether findings are imported into the account-region's Security Hub. */
  readonly securityHub: boolean;
}

/**
 * The remediator's environment for a deployment: what the stack puts on the function and what
 * `readSettings` reads back.
 *
 * @example
 * new lambda.Function(this, 'Fn', { environment: remediatorEnvironment(deployment), ... });
 */
export function remediatorEnvironment(deployment: RemediatorDeployment): Record<string, string> {
  return {
    [REMEDIATOR_ENV.topicArn]: deployment.topicArn,
    [REMEDIATOR_ENV.ports]: deployment.ports.join(','),
    [REMEDIATOR_ENV.strategy]: deployment.strategy,
    [REMEDIATOR_ENV.defaultMode]: deployment.defaultMode,
    [REMEDIATOR_ENV.allowGroupExemptions]: String(deployment.allowGroupExemptions),
    [REMEDIATOR_ENV.ledgerTable]: deployment.ledgerTable,
    ...(deployment.modeMap && {
      [REMEDIATOR_ENV.modeBucket]: deployment.modeMap.bucket,
      [REMEDIATOR_ENV.modeBucketRegion]: deployment.modeMap.region,
    }),
    [REMEDIATOR_ENV.securityHub]: String(deployment.securityHub),
  };
}

/** EMF namespace of every sg-guard metric. */
export const METRICS_NAMESPACE = 'sg-guard';
/** Powertools `service` of the remediator (log field and the metrics' one default dimension). */
export const REMEDIATOR_SERVICE = 'remediator';

/**
 * The remediator's metric names, exactly as the alarms read them:
 * - `findings`: findings read from events (before any decision);
 * - `remediated`, `notified` (`would-remediate`), `exempted`, `failed`: notices by action;
 * - `ignoredEvents`: events not understood (malformed or unsupported) and findings for another
 *   account or region (parts recognised and skipped on purpose carry the extra dimension
 *   `kind=recognised`, which the alarm does not watch);
 * - `publishFailed`: a notice that could not be published (its ledger entry stays unpublished
 *   and the event is retried);
 * - `unpublishedEntries`: ledger entries found applied but unpublished (each is published then);
 * - `securityHubFailed`: a Security Hub import that failed (never blocks the fix or the mail);
 * - `sweepCompleted`: one per sweep that reached every group (the heartbeat alarm watches it);
 * - `sweepUnreached`: groups a sweep could not reach before the function's time ran out;
 * - `exposureSeconds`: from the CloudTrail call that opened a group to the fix.
 */
export const REMEDIATOR_METRICS = {
  findings: 'findings',
  remediated: 'remediated',
  notified: 'notified',
  exempted: 'exempted',
  failed: 'failed',
  ignoredEvents: 'ignoredEvents',
  publishFailed: 'publishFailed',
  unpublishedEntries: 'unpublishedEntries',
  securityHubFailed: 'securityHubFailed',
  sweepCompleted: 'sweepCompleted',
  sweepUnreached: 'sweepUnreached',
  exposureSeconds: 'exposureSeconds',
} as const;

/** One of the remediator's metric names. */
export type RemediatorMetric = (typeof REMEDIATOR_METRICS)[keyof typeof REMEDIATOR_METRICS];
