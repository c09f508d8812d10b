/**
 * What the mode publisher tells operators: one JSON log line per written or deleted object and
 * per invocation (Powertools Logger), and EMF metrics (Powertools Metrics) alarms can watch.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  MODE_PUBLISHER_METRICS,
  MODE_PUBLISHER_METRICS_NAMESPACE,
  MODE_PUBLISHER_SERVICE,
  type ModePublisherMetric,
} from './contract.js';
import type { ModeTrigger } from './events.js';
import type { PassSummary } from './publisher.js';

/**
 * Logs and metrics of one container. Built once, flushed after every invocation.
 *
 * @example
 * const telemetry = createTelemetry({ region: 'us-east-1' });
 * telemetry.passDone(trigger, summary, 1234);
 * telemetry.flush();
 */
export class ModePublisherTelemetry {
  constructor(
    readonly logger: Logger,
    readonly metrics: Metrics,
  ) {}

  count(name: ModePublisherMetric, value = 1): void {
    this.metrics.addMetric(name, MetricUnit.Count, value);
  }

  /** A finished trigger: one line per change and deletion, a summary line, the counts. */
  passDone(trigger: ModeTrigger, summary: PassSummary, durationMs: number): void {
    for (const change of summary.changes) {
      this.logger.info('mode object written', {
        outcome: change.outcome,
        accountId: change.entry.accountId,
        mode: change.entry.mode,
        source: change.entry.source,
        ...(change.replacedInvalid && { replacedInvalid: change.replacedInvalid }),
      });
    }
    for (const accountId of summary.deleted) {
      this.logger.info('mode object deleted: the account left the organization', { accountId });
    }
    for (const { accountId, warnings } of summary.warnings) {
      this.logger.warn('mode tag not understood', { accountId, warnings });
    }
    this.count(MODE_PUBLISHER_METRICS.accountsResolved, summary.resolved);
    this.count(MODE_PUBLISHER_METRICS.objectsWritten, summary.changes.length);
    this.count(MODE_PUBLISHER_METRICS.objectsUnchanged, summary.unchanged);
    this.count(MODE_PUBLISHER_METRICS.objectsDeleted, summary.deleted.length);
    this.count(MODE_PUBLISHER_METRICS.tagWarnings, summary.warnings.length);
    if (trigger.kind === 'full') this.count(MODE_PUBLISHER_METRICS.fullPassCompleted);
    this.logger.info('pass done', {
      trigger,
      resolved: summary.resolved,
      written: summary.changes.length,
      unchanged: summary.unchanged,
      deleted: summary.deleted.length,
      durationMs,
      ...(summary.skipped && { skipped: summary.skipped }),
    });
  }

  /** A recognised event with nothing to do: counted apart (`kind=recognised`), not alarmed on. */
  skipped(trigger: Extract<ModeTrigger, { kind: 'skip' }>): void {
    const single = this.metrics.singleMetric();
    single.addDimension('kind', 'recognised');
    single.addMetric(MODE_PUBLISHER_METRICS.ignoredEvents, MetricUnit.Count, 1);
    this.logger.info('event skipped', { eventName: trigger.eventName, reason: trigger.reason });
  }

  /** An event that is not understood: logged with the event, counted (alarms). */
  rejectedEvent(event: unknown, error: unknown): void {
    this.count(MODE_PUBLISHER_METRICS.ignoredEvents);
    this.logger.error('event rejected', { error: error as Error, event: event as object });
  }

  /** A trigger that threw (AWS failure after retries): logged, counted; the invocation throws. */
  passFailed(trigger: ModeTrigger, error: unknown): void {
    this.count(MODE_PUBLISHER_METRICS.publishFailed);
    this.logger.error('pass failed; the event will be retried', { trigger, error: error as Error });
  }

  /** Publishes this invocation's metrics (EMF on stdout). */
  flush(): void {
    if (this.metrics.hasStoredMetrics()) this.metrics.publishStoredMetrics();
  }
}

/**
 * The publisher's telemetry: Logger (JSON, service `mode-publisher`, persistent key `region`)
 * and Metrics (namespace `sg-guard`, service `mode-publisher`). Either can be injected (tests).
 */
export function createTelemetry(options: {
  readonly region: string;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
}): ModePublisherTelemetry {
  const logger = options.logger ?? new Logger({ serviceName: MODE_PUBLISHER_SERVICE });
  logger.appendPersistentKeys({ region: options.region });
  const metrics =
    options.metrics ??
    new Metrics({
      namespace: MODE_PUBLISHER_METRICS_NAMESPACE,
      serviceName: MODE_PUBLISHER_SERVICE,
    });
  return new ModePublisherTelemetry(logger, metrics);
}
