/**
 * Wires the mode publisher once per container (clients, writer, telemetry) and returns the
 * Lambda handler: event → trigger → pass → logs and metrics.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import {
  type ClientSettings,
  createPublisherOrganizationsClient,
  createS3Client,
  ModeMapWriter,
  OrganizationDirectory,
} from '@sg-guard/aws';
import type { Context } from 'aws-lambda';
import { MalformedModeEventError, UnsupportedModeEventError } from './errors.js';
import { type ModeTrigger, parseModeEvent } from './events.js';
import { type PassSummary, runModeTrigger } from './publisher.js';
import type { ModePublisherSettings } from './settings.js';
import { createTelemetry } from './telemetry.js';

/** The SDK clients the publisher uses, one of each per container. */
export interface ModePublisherClients {
  readonly organizations: ReturnType<typeof createPublisherOrganizationsClient>;
  readonly s3: ReturnType<typeof createS3Client>;
}

/** What tests (and the emulator) may replace; production passes nothing. */
export interface ModePublisherOverrides {
  /** Endpoint and credentials for every client built here (the emulator's). */
  readonly clientSettings?: ClientSettings & { readonly forcePathStyle?: boolean };
  /** Ready-made clients (e.g. mocked); the others are built from `clientSettings`. */
  readonly clients?: Partial<ModePublisherClients>;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  readonly now?: () => Date;
  /** Organizations calls in flight at once. @default 4 */
  readonly organizationsConcurrency?: number;
}

/** What one invocation did (Lambda ignores it; tests and direct invocations read it). */
export type InvocationSummary =
  | { readonly outcome: 'done'; readonly trigger: ModeTrigger; readonly summary: PassSummary }
  | {
      readonly outcome: 'rejected';
      readonly error: MalformedModeEventError | UnsupportedModeEventError;
    };

/** The mode publisher's Lambda handler. */
export type ModePublisherHandler = (
  event: unknown,
  context?: Partial<Context>,
) => Promise<InvocationSummary>;

/**
 * Builds everything once (cold start) and returns the handler. Events it does not understand
 * are rejected without throwing (logged with the event, metric `ignoredEvents`), so Lambda does
 * not retry them; a pass that fails (Organizations throttling after the SDK's adaptive retries,
 * S3 errors, access denied) throws after logging and counting `publishFailed`, so Lambda
 * retries the event; the next scheduled full pass repairs anything missed meanwhile.
 *
 * @example
 * export const handler = createHandler(readSettings(process.env));
 */
export function createHandler(
  settings: ModePublisherSettings,
  overrides: ModePublisherOverrides = {},
): ModePublisherHandler {
  const shared = overrides.clientSettings ?? {};
  const { region: _region, forcePathStyle: _pathStyle, ...global } = shared;
  const given = overrides.clients ?? {};
  const organizations =
    given.organizations ??
    createPublisherOrganizationsClient({ ...global, maxAttempts: settings.orgMaxAttempts });
  const s3 = given.s3 ?? createS3Client({ ...shared, region: settings.bucketRegion });
  const writer = new ModeMapWriter({ s3, bucket: settings.bucket });
  const telemetry = createTelemetry({
    region: settings.region,
    ...(overrides.logger ? { logger: overrides.logger } : {}),
    ...(overrides.metrics ? { metrics: overrides.metrics } : {}),
  });
  const now = overrides.now ?? (() => new Date());
  const deps = {
    directory: () =>
      new OrganizationDirectory({
        organizations,
        ...(overrides.organizationsConcurrency !== undefined && {
          concurrency: overrides.organizationsConcurrency,
        }),
      }),
    writer,
    defaultMode: settings.defaultMode,
    now,
  };

  return async (event, context) => {
    if (context && 'functionName' in context) telemetry.logger.addContext(context as Context);
    try {
      let trigger: ModeTrigger;
      try {
        trigger = parseModeEvent(event);
      } catch (error) {
        if (
          !(error instanceof MalformedModeEventError || error instanceof UnsupportedModeEventError)
        ) {
          throw error;
        }
        telemetry.rejectedEvent(event, error);
        return { outcome: 'rejected', error };
      }
      if (trigger.kind === 'skip') telemetry.skipped(trigger);
      const started = Date.now();
      let summary: PassSummary;
      try {
        summary = await runModeTrigger(trigger, deps);
      } catch (error) {
        telemetry.passFailed(trigger, error);
        throw error;
      }
      telemetry.passDone(trigger, summary, Date.now() - started);
      return { outcome: 'done', trigger, summary };
    } finally {
      telemetry.flush();
    }
  };
}
