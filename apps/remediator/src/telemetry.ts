/**
 * What the remediator tells operators: one JSON log line per decision (Powertools Logger) and
 * EMF metrics (Powertools Metrics) that the member stack's alarms watch.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type {
  Finding,
  IgnoredEvent,
  MalformedEventPart,
  NoticeNotPublishedError,
  RemediationOutcome,
} from '@sg-guard/remediation-core';
import {
  METRICS_NAMESPACE,
  REMEDIATOR_METRICS,
  REMEDIATOR_SERVICE,
  type RemediatorMetric,
} from './contract.js';

export { METRICS_NAMESPACE } from './contract.js';
/** Powertools `service` (log field and the metrics' one default dimension). */
export const SERVICE_NAME = REMEDIATOR_SERVICE;

/** The metric names, exactly as the alarms read them (see `REMEDIATOR_METRICS`). */
export type MetricName = RemediatorMetric;

const METRIC_OF_OUTCOME: Partial<Record<RemediationOutcome['outcome'], MetricName>> = {
  remediated: REMEDIATOR_METRICS.remediated,
  'would-remediate': REMEDIATOR_METRICS.notified,
  exempted: REMEDIATOR_METRICS.exempted,
  failed: REMEDIATOR_METRICS.failed,
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
    const seconds = outcome.notice?.record.exposureSeconds;
    if (seconds !== undefined) {
      this.metrics.addMetric(REMEDIATOR_METRICS.exposureSeconds, MetricUnit.Seconds, seconds);
    }
    if (outcome.finishedEntries?.length) {
      this.count(REMEDIATOR_METRICS.unpublishedEntries, outcome.finishedEntries.length);
    }
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
      exposureSeconds: outcome.notice?.record.exposureSeconds,
      finishedEntries: outcome.finishedEntries?.length ? outcome.finishedEntries : undefined,
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

  /** An event that is not understood: logged with (a bounded copy of) the event, counted (alarms). */
  rejectedEvent(event: unknown, error: unknown): void {
    this.count(REMEDIATOR_METRICS.ignoredEvents);
    this.logger.error('event rejected', { error: error as Error, event: boundedForLog(event) });
  }

  /** One malformed part of an otherwise good event (one bad SNS record): counted (alarms). */
  malformedPart(part: MalformedEventPart): void {
    this.count(REMEDIATOR_METRICS.ignoredEvents);
    this.logger.error('event part malformed', { ...part });
  }

  /**
   * A notice that could not be published: the change is made and its ledger entry stays
   * pending; the whole record goes to the log so it is never lost (alarmed).
   */
  publishFailed(error: NoticeNotPublishedError): void {
    this.count(REMEDIATOR_METRICS.publishFailed);
    this.logger.error('notice not published; its ledger entry stays pending', {
      error,
      recordId: error.recordId,
      group: error.groupId,
      record: error.record,
    });
  }

  /** Security Hub refused or failed an import: logged and counted, never blocks anything. */
  securityHubFailed(groupId: string | undefined, error: unknown): void {
    this.count(REMEDIATOR_METRICS.securityHubFailed);
    this.logger.warn('Security Hub import failed', { group: groupId, error: error as Error });
  }

  /** One sweep: how many groups it assessed and changed, and what it could not reach. */
  sweep(summary: {
    readonly groups: number;
    readonly exposed: number;
    readonly unreached: number;
    readonly finishedEntries: number;
  }): void {
    if (summary.unreached > 0) this.count(REMEDIATOR_METRICS.sweepUnreached, summary.unreached);
    else this.count(REMEDIATOR_METRICS.sweepCompleted);
    if (summary.finishedEntries > 0) {
      this.count(REMEDIATOR_METRICS.unpublishedEntries, summary.finishedEntries);
    }
    const log = summary.unreached > 0 ? this.logger.warn : this.logger.info;
    log.call(this.logger, 'sweep', { ...summary });
  }

  /** A finding the function may not act on (another account or region): counted (alarms). */
  foreignFinding(finding: Finding, reason: string): void {
    this.count(REMEDIATOR_METRICS.ignoredEvents);
    this.logger.warn('finding ignored', { reason, finding: { ...finding } });
  }

  /** A part of an event recognised and skipped on purpose: counted apart, not alarmed on. */
  ignoredPart(part: IgnoredEvent): void {
    const single = this.metrics.singleMetric();
    single.addDimension('kind', 'recognised');
    single.addMetric(REMEDIATOR_METRICS.ignoredEvents, MetricUnit.Count, 1);
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

/** Events are logged bounded: a few KB of JSON, never a 300 KB field in every log line. */
const LOGGED_EVENT_CHARS = 4_096;

function boundedForLog(event: unknown): unknown {
  let text: string;
  try {
    text = JSON.stringify(event) ?? String(event);
  } catch {
    return '(an event that cannot be written as JSON)';
  }
  return text.length <= LOGGED_EVENT_CHARS
    ? event
    : `${text.slice(0, LOGGED_EVENT_CHARS)}… (${text.length} characters in all)`;
}
