/**
 * The real remediator Lambda, run in process: one "container" per member account and region,
 * built with the same `createHandler` and `readSettings` as the deployed function, pointed at
 * the emulator with that account's credentials.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createSnsClient } from '@sg-guard/aws';
import type { EmulatorCredentials } from '@sg-guard/emulator';
import {
  createHandler,
  type InvocationSummary,
  type RemediatorHandler,
} from '@sg-guard/remediator/app';
import { METRICS_NAMESPACE, REMEDIATOR_SERVICE } from '@sg-guard/remediator/contract';
import { readSettings } from '@sg-guard/remediator/settings';
import { demoS3 } from './mode-map.js';

/** The mail the central topic would send to its e-mail subscribers, by SNS message id. */
export interface SentMail {
  readonly messageId: string;
  readonly subject: string;
  readonly text: string;
}

/** Where the demo's Lambdas publish, and how to reach the emulator. */
export interface DemoLambdaOptions {
  readonly endpoint: string;
  readonly topicArn: string;
  /** The mode map each function reads its account's mode from. */
  readonly modeMap: { readonly bucket: string; readonly region: string };
  /** Show the functions' own JSON log lines and EMF metrics. @default false */
  readonly lambdaLogs?: boolean;
}

/** Metrics that are recorded as usual but never written out (the narrative stays readable). */
export class QuietMetrics extends Metrics {
  override publishStoredMetrics(): this {
    this.clearMetrics();
    return this;
  }

  override singleMetric(): Metrics {
    return new QuietMetrics({ singleMetric: true });
  }
}

/**
 * The telemetry the demo hands each function: silent unless `lambdaLogs`, when the function
 * builds its own (as deployed). Passed to `createHandler`, so `process.env` is never touched.
 */
export function demoTelemetry(lambdaLogs: boolean): { logger?: Logger; metrics?: Metrics } {
  if (lambdaLogs) return {};
  return {
    logger: new Logger({ serviceName: REMEDIATOR_SERVICE, logLevel: 'SILENT' }),
    metrics: new QuietMetrics({ namespace: METRICS_NAMESPACE, serviceName: REMEDIATOR_SERVICE }),
  };
}

/** One deployed function per account and region, created on first use. */
export class DemoLambdas {
  private readonly containers = new Map<string, RemediatorHandler>();
  private readonly mails: SentMail[] = [];
  private invocations = 0;

  constructor(private readonly options: DemoLambdaOptions) {}

  /** Every mail published so far, in order. */
  sentMails(): readonly SentMail[] {
    return this.mails;
  }

  /** Invokes the function of `accountId` in `region` with `event`, as Lambda would. */
  invoke(
    accountId: string,
    region: string,
    credentials: EmulatorCredentials,
    event: unknown,
  ): Promise<InvocationSummary> {
    const key = `${accountId}/${region}`;
    let handler = this.containers.get(key);
    if (!handler) {
      handler = this.coldStart(region, credentials);
      this.containers.set(key, handler);
    }
    this.invocations += 1;
    return handler(event, {
      invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:sg-guard-remediator`,
      awsRequestId: `demo-${String(this.invocations).padStart(4, '0')}`,
    });
  }

  private coldStart(region: string, credentials: EmulatorCredentials): RemediatorHandler {
    // The environment a member stack gives the function, validated as at a real cold start.
    const settings = readSettings({
      AWS_REGION: region,
      SG_GUARD_TOPIC_ARN: this.options.topicArn,
      SG_GUARD_MODE_BUCKET: this.options.modeMap.bucket,
      SG_GUARD_MODE_BUCKET_REGION: this.options.modeMap.region,
    });
    const clientSettings = { endpoint: this.options.endpoint, credentials, maxAttempts: 2 };
    const sns = createSnsClient({ ...clientSettings, region: settings.topicRegion });
    // E-mail subscribers get the `email` key of each JSON message; the demo's inbox queue gets
    // the record. Keep the mail as published, keyed by the message id SNS assigned.
    sns.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        const input = args.input as { Subject?: string; Message?: string };
        const output = result.output as { MessageId?: string };
        const message = JSON.parse(input.Message ?? '{}') as { email?: string };
        this.mails.push({
          messageId: output.MessageId ?? '',
          subject: input.Subject ?? '',
          text: message.email ?? '',
        });
        return result;
      },
      { step: 'initialize', name: 'sgGuardDemoMailCopy' },
    );
    // The emulator serves buckets path-style only (`<endpoint>/<bucket>`).
    const s3 = demoS3(this.options.endpoint, credentials);
    return createHandler(settings, {
      clientSettings,
      clients: { sns, s3 },
      ...demoTelemetry(this.options.lambdaLogs ?? false),
    });
  }
}
