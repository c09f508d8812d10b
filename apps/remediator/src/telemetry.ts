/**
 * What the remediator tells operators: one JSON log line per decision (Powertools Logger) and
 * EMF metrics (Powertools Metrics) that the member stack's alarms watch.
 *
 * Powertools is imported on first use, not at cold start: nothing is logged before the first
 * invocation, and its import (about a tenth of what the handler would load before Lambda calls
 * it) then overlaps the first describe in flight. Until it is loaded, telemetry calls wait in
 * order; `flush`, which every invocation awaits, writes them all.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type {
  Finding,
  IgnoredEvent,
  MalformedEventPart,
  NoticeNotPublishedError,
  RemediationOutcome,
} from '@sg-guard/remediation-core';
import type { Context } from 'aws-lambda';
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

/** CloudWatch units the remediator uses (Powertools' `MetricUnit` values). */
const UNIT = { count: 'Count', seconds: 'Seconds' } as const;

/** The Powertools instruments of one container. */
export interface Instruments {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

const METRIC_OF_OUTCOME: Partial<Record<RemediationOutcome['outcome'], MetricName>> = {
  remediated: REMEDIATOR_METRICS.remediated,
  'would-remediate': REMEDIATOR_METRICS.notified,
  exempted: REMEDIATOR_METRICS.exempted,
  failed: REMEDIATOR_METRICS.failed,
};

/**
 * Logs and metrics of one container. Built once, flushed after every invocation. Calls made
 * before the instruments are loaded are kept in order and made as soon as they are.
 *
 * @example
 * const telemetry = createTelemetry({ region: 'eu-west-1' });
 * telemetry.decision(finding, outcome);
 * await telemetry.flush();
 */
export class RemediatorTelemetry {
  private instruments: Instruments | undefined;
  private loading: Promise<Instruments> | undefined;
  private readonly waiting: ((instruments: Instruments) => void)[] = [];
  private readonly load: (() => Promise<Instruments>) | undefined;

  constructor(source: Instruments | (() => Promise<Instruments>)) {
    if (typeof source === 'function') this.load = source;
    else this.instruments = source;
  }

  /** Starts loading the instruments without waiting (idempotent). */
  preload(): void {
    this.loaded().catch(() => undefined);
  }

  /** A real Lambda context adds request id, function name and cold start to every line. */
  startInvocation(context: Context): void {
    this.use(({ logger }) => logger.addContext(context));
  }

  /** Adds the account to every later log line (known from the first invocation). */
  setAccount(accountId: string): void {
    this.use(({ logger }) => logger.appendPersistentKeys({ account: accountId }));
  }

  count(name: MetricName, value = 1): void {
    this.use(({ metrics }) => metrics.addMetric(name, UNIT.count, value));
  }

  /** One line per decision: group, action and outcome; plus the outcome's metric. */
  decision(finding: Finding, outcome: RemediationOutcome): void {
    const metric = METRIC_OF_OUTCOME[outcome.outcome];
    if (metric) this.count(metric);
    const seconds = outcome.notice?.record.exposureSeconds;
    if (seconds !== undefined) {
      this.use(({ metrics }) =>
        metrics.addMetric(REMEDIATOR_METRICS.exposureSeconds, UNIT.seconds, seconds),
      );
    }
    if (outcome.finishedEntries?.length) {
      this.count(REMEDIATOR_METRICS.unpublishedEntries, outcome.finishedEntries.length);
    }
    this.use(({ logger }) =>
      logger.info('decision', {
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
      }),
    );
  }

  /** A finding whose handling threw: logged with the error (the invocation then throws). */
  findingFailed(finding: Finding, error: unknown): void {
    this.use(({ logger }) =>
      logger.error('finding failed; the event will be retried', {
        group: finding.groupId ?? finding.groupName,
        trigger: finding.trigger,
        eventId: finding.eventId,
        error: error as Error,
      }),
    );
  }

  /** An event that is not understood: logged with (a bounded copy of) the event, counted (alarms). */
  rejectedEvent(event: unknown, error: unknown): void {
    this.count(REMEDIATOR_METRICS.ignoredEvents);
    const logged = boundedForLog(event);
    this.use(({ logger }) =>
      logger.error('event rejected', { error: error as Error, event: logged }),
    );
  }

  /** One malformed part of an otherwise good event (one bad SNS record): counted (alarms). */
  malformedPart(part: MalformedEventPart): void {
    this.count(REMEDIATOR_METRICS.ignoredEvents);
    this.use(({ logger }) => logger.error('event part malformed', { ...part }));
  }

  /**
   * A notice that could not be published: the change is made and its ledger entry stays
   * pending; the whole record goes to the log so it is never lost (alarmed).
   */
  publishFailed(error: NoticeNotPublishedError): void {
    this.count(REMEDIATOR_METRICS.publishFailed);
    this.use(({ logger }) =>
      logger.error('notice not published; its ledger entry stays pending', {
        error,
        recordId: error.recordId,
        group: error.groupId,
        record: error.record,
      }),
    );
  }

  /** Security Hub refused or failed an import: logged and counted, never blocks anything. */
  securityHubFailed(groupId: string | undefined, error: unknown): void {
    this.count(REMEDIATOR_METRICS.securityHubFailed);
    this.use(({ logger }) =>
      logger.warn('Security Hub import failed', { group: groupId, error: error as Error }),
    );
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
    this.use(({ logger }) => {
      if (summary.unreached > 0) logger.warn('sweep', { ...summary });
      else logger.info('sweep', { ...summary });
    });
  }

  /** A finding the function may not act on (another account or region): counted (alarms). */
  foreignFinding(finding: Finding, reason: string): void {
    this.count(REMEDIATOR_METRICS.ignoredEvents);
    this.use(({ logger }) => logger.warn('finding ignored', { reason, finding: { ...finding } }));
  }

  /** A part of an event recognised and skipped on purpose: counted apart, not alarmed on. */
  ignoredPart(part: IgnoredEvent): void {
    this.use(({ logger, metrics }) => {
      const single = metrics.singleMetric();
      single.addDimension('kind', 'recognised');
      single.addMetric(REMEDIATOR_METRICS.ignoredEvents, UNIT.count, 1);
      logger.info('event part ignored', { ...part });
    });
  }

  /**
   * Writes every waiting call and publishes this invocation's metrics (EMF on stdout). Every
   * invocation awaits it. A failed import of Powertools (a broken package, never a runtime
   * condition) throws here, so the invocation fails, is retried and ends in the DLQ (alarmed).
   */
  async flush(): Promise<void> {
    const { metrics } = this.instruments ?? (await this.loaded());
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }

  private use(call: (instruments: Instruments) => void): void {
    if (this.instruments) {
      call(this.instruments);
      return;
    }
    this.waiting.push(call);
    this.preload();
  }

  private loaded(): Promise<Instruments> {
    if (this.instruments) return Promise.resolve(this.instruments);
    this.loading ??= (this.load as () => Promise<Instruments>)().then(
      (instruments) => {
        this.instruments = instruments;
        for (const call of this.waiting.splice(0)) call(instruments);
        return instruments;
      },
      (error: unknown) => {
        this.loading = undefined;
        throw error;
      },
    );
    return this.loading;
  }
}

/**
 * The remediator's telemetry: Logger (JSON, service `remediator`, persistent key `region`) and
 * Metrics (namespace `sg-guard`, service `remediator`), imported on first use. Both can be
 * injected (tests, the demo); then nothing is imported.
 */
export function createTelemetry(options: {
  readonly region: string;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  /** When Powertools may be imported (the adapters' load order); default: at once. */
  readonly after?: <T>(load: () => Promise<T>) => Promise<T>;
}): RemediatorTelemetry {
  const { logger, metrics } = options;
  const after = options.after ?? ((load) => load());
  const configure = (instruments: Instruments): Instruments => {
    instruments.logger.appendPersistentKeys({ region: options.region });
    return instruments;
  };
  if (logger && metrics) return new RemediatorTelemetry(configure({ logger, metrics }));
  return new RemediatorTelemetry(() =>
    after(async () => {
      // With the adapters the first remediation needs after its describe: one deferred chunk.
      const powertools = await import('./first-use.js');
      return configure({
        logger: logger ?? new powertools.Logger({ serviceName: SERVICE_NAME }),
        metrics:
          metrics ??
          new powertools.Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
      });
    }),
  );
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
