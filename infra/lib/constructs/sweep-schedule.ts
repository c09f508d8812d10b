import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { sweepPeriodMinutes } from '../config.js';
import { InvalidConfigError } from '../errors.js';

/** Settings of {@link SweepSchedule}. */
export interface SweepScheduleProps {
  /** The remediator. */
  readonly function: lambda.IFunction;
  /**
   * EventBridge rate expression (validated by the config).
   * @default 'rate(1 hour)'
   */
  readonly schedule?: string;
  /** Sweep events EventBridge could not deliver land here. */
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * The hourly (by default) sweep (DESIGN.md "Seeing everything"): an EventBridge schedule rule
 * that invokes the remediator with EventBridge's own `Scheduled Event` (source `aws.events`,
 * detail-type `Scheduled Event`; no input is set, so the remediator sees exactly that shape).
 * It catches what events miss: lost deliveries, groups opened before sg-guard, prefix lists
 * shared from another account, and ledger entries whose notice is still unpublished.
 */
export class SweepSchedule extends Construct {
  /** The schedule rule. */
  readonly rule: events.Rule;
  /** Minutes between two sweeps (the heartbeat alarm watches two of them). */
  readonly periodMinutes: number;

  constructor(scope: Construct, id: string, props: SweepScheduleProps) {
    super(scope, id);
    const schedule = props.schedule ?? 'rate(1 hour)';
    const minutes = sweepPeriodMinutes(schedule);
    if (minutes === undefined) {
      throw new InvalidConfigError('SweepSchedule', [
        { path: 'remediation.sweepSchedule', message: `not a rate expression: ${schedule}` },
      ]);
    }
    this.periodMinutes = minutes;
    this.rule = new events.Rule(this, 'Rule', {
      description: 'sg-guard: sweep every security group of this account and region',
      schedule: events.Schedule.expression(schedule),
      targets: [
        new targets.LambdaFunction(props.function, {
          deadLetterQueue: props.deadLetterQueue,
          retryAttempts: 2,
          // A sweep older than one period is superseded by the next one.
          maxEventAge: Duration.minutes(Math.min(minutes, 24 * 60)),
        }),
      ],
    });
  }
}
