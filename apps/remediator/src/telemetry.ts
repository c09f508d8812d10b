/**
 * What the remediator tells operators: one JSON log line per decision (Powertools Logger) and
 * EMF metrics (Powertools Metrics) that the member stack's alarms watch.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Finding, IgnoredEvent, RemediationOutcome } from '@sg-guard/remediation-core';

/** EMF namespace; the alarms in `infra/lib/constructs/remediator-alarms.ts` use it. */
export const METRICS_NAMESPACE = 'sg-guard';
/** Powertools `service` (log field and the metrics' one default dimension). */
export const SERVICE_NAME = 'remediator';

/**
 * The metric names, exactly as the alarms read them:
 * - `findings`: findings read from events (before any decision);
 * - `remediated`, `notified` (`would-remediate`), `exempted`, `failed`: notices by action
 *   (a finding whose handling threw is not counted here: the function's Errors metric and the
 *   DLQ report it);
 * - `ignoredEvents`: events not understood (malformed or unsupported) and findings for another
 *   account or region. Parts of events that are recognised and skipped on purpose (other Config
 *   message types, failed API calls) are counted under the same name with the extra dimension
 *   `kind=recognised`, so the alarm (dimension `service` only) does not fire for them.
 */
export type MetricName =
  | 'findings'
  | 'remediated'
  | 'notified'
  | 'exempted'
  | 'failed'
  | 'ignoredEvents';

const METRIC_OF_OUTCOME: Partial<Record<RemediationOutcome['outcome'], MetricName>> = {
  remediated: 'remediated',
  'would-remediate': 'notified',
  exempted: 'exempted',
  failed: 'failed',
};

/**
 * Logs and metrics of one container. Built once, flushed after every invocation.
 *
 * @example
 * const telemetry = createTelemetry({ region: 'eu-west-1' });
 * telemetry.decision(finding, outcome);
 * telemetry.flush();
 */
export class RemediatorTelemetry {
  constructor(
    readonly logger: Logger,
    readonly metrics: Metrics,
  ) {}

  /** Adds the account to every later log line (known from the first invocation). */
  setAccount(accountId: string): void {
    this.logger.appendPersistentKeys({ account: accountId });
  }

  count(name: MetricName, value = 1): void {
    this.metrics.addMetric(name, MetricUnit.Count, value);
  }

  /** One line per decision: group, action and outcome; plus the outcome's metric. */
  decision(finding: Finding, outcome: RemediationOutcome): void {
    const metric = METRIC_OF_OUTCOME[outcome.outcome];
    if (metric) this.count(metric);
    this.logger.info('decision', {
      group: outcome.groupId ?? finding.groupName,
      groupName: outcome.groupName,
      action: outcome.notice?.record.action ?? outcome.suppressedAction ?? 'none',
      outcome: outcome.outcome,
      mode: outcome.mode,
      policySource: outcome.policy.source,
      trigger: finding.trigger,
      eventId: finding.eventId,
      actor: finding.actor,
      exposures: outcome.exposures.length,
      unresolvedPrefixLists: outcome.unresolvedPrefixLists,
      recordId: outcome.notice?.record.recordId,
      missingPermission: outcome.missingPermission,
      policyWarnings: outcome.policy.warnings,
    });
  }

  /** A finding whose handling threw: logged with the error (the invocation then throws). */
  findingFailed(finding: Finding, error: unknown): void {
    this.logger.error('finding failed; the event will be retried', {
      group: finding.groupId ?? finding.groupName,
      trigger: finding.trigger,
      eventId: finding.eventId,
      error: error as Error,
    });
  }

  /** An event that is not understood: logged with the event, counted (alarms). */
  rejectedEvent(event: unknown, error: unknown): void {
    this.count('ignoredEvents');
    this.logger.error('event rejected', { error: error as Error, event: event as object });
  }

  /** A finding the function may not act on (another account or region): counted (alarms). */
  foreignFinding(finding: Finding, reason: string): void {
    this.count('ignoredEvents');
    this.logger.warn('finding ignored', { reason, finding: { ...finding } });
  }

  /** A part of an event recognised and skipped on purpose: counted apart, not alarmed on. */
  ignoredPart(part: IgnoredEvent): void {
    const single = this.metrics.singleMetric();
    single.addDimension('kind', 'recognised');
    single.addMetric('ignoredEvents', MetricUnit.Count, 1);
    this.logger.info('event part ignored', { ...part });
  }

  /** Publishes this invocation's metrics (EMF on stdout). */
  flush(): void {
    if (this.metrics.hasStoredMetrics()) this.metrics.publishStoredMetrics();
  }
}

/**
 * The remediator's telemetry: Logger (JSON, service `remediator`, persistent key `region`) and
 * Metrics (namespace `sg-guard`, service `remediator`). Either can be injected (tests).
 */
export function createTelemetry(options: {
  readonly region: string;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
}): RemediatorTelemetry {
  const logger = options.logger ?? new Logger({ serviceName: SERVICE_NAME });
  logger.appendPersistentKeys({ region: options.region });
  const metrics =
    options.metrics ?? new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
  return new RemediatorTelemetry(logger, metrics);
}
