import {
  METRICS_NAMESPACE,
  REMEDIATOR_METRICS,
  REMEDIATOR_SERVICE,
  type RemediatorMetric,
} from '@sg-guard/remediator/contract';
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { NAMES } from '../naming.js';

/** Settings of {@link RemediatorAlarms}. */
export interface RemediatorAlarmsProps {
  /** The remediator's dead-letter queue. */
  readonly deadLetterQueue: sqs.IQueue;
  /** ARN of the central alarm bus the state changes are forwarded to. */
  readonly centralBusArn: string;
  /** Minutes between two sweeps; the heartbeat alarm fires when two pass without one. */
  readonly sweepPeriodMinutes: number;
  /**
   * Whether findings go to Security Hub (then its failures alarm too).
   * @default false
   */
  readonly securityHub?: boolean;
}

/** What the alarms watch. */
export type RemediatorAlarmName =
  | 'deadLetters'
  | 'failed'
  | 'ignoredEvents'
  | 'publishFailed'
  | 'unpublishedEntries'
  | 'sweepMissing'
  | 'securityHubFailed';

/** Period of the event alarms. */
const PERIOD = Duration.minutes(5);
/** Publishing must fail this many periods in a row: Lambda's own retries come within ~3 minutes. */
const PUBLISH_FAILED_PERIODS = 3;

/**
 * Alarms on what retries did not fix, so that one member in 17,000 having a transient error
 * (which Lambda's two async retries then fix) mails nobody: events that ended in the DLQ,
 * `failed` notices (sent on the final attempt), events not understood (never retried),
 * publishing that keeps failing, ledger entries found unpublished (a notice that had been
 * lost), and a sweep heartbeat that stops. There is deliberately no alarm on the function's
 * raw `Errors`. Each alarm's state change is forwarded to the central bus, which mails it
 * (see AlarmInbox).
 */
export class RemediatorAlarms extends Construct {
  /** The alarms, by what they watch. */
  readonly alarms: Partial<Record<RemediatorAlarmName, cloudwatch.Alarm>> = {};

  constructor(scope: Construct, id: string, props: RemediatorAlarmsProps) {
    super(scope, id);
    const emf = (metric: RemediatorMetric, period = PERIOD) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: metric,
        dimensionsMap: { service: REMEDIATOR_SERVICE },
        statistic: cloudwatch.Stats.SUM,
        period,
      });
    const alarm = (
      name: RemediatorAlarmName,
      description: string,
      metric: cloudwatch.IMetric,
      options: Partial<cloudwatch.AlarmProps> = {},
    ) => {
      this.alarms[name] = new cloudwatch.Alarm(this, capitalized(name), {
        alarmName: `${NAMES.alarmPrefix}remediator-${name.toLowerCase()}`,
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...options,
      });
    };

    alarm(
      'deadLetters',
      'Events the remediator still failed after its retries are waiting in its DLQ (with the error).',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: PERIOD,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
    );
    alarm(
      'failed',
      'A remediation failed on its final attempt and a failed notice was mailed (often an SCP).',
      emf(REMEDIATOR_METRICS.failed),
    );
    alarm(
      'ignoredEvents',
      'The remediator received events it does not understand (see its log); they are not retried.',
      emf(REMEDIATOR_METRICS.ignoredEvents),
    );
    alarm(
      'publishFailed',
      `Publishing notices to the central topic has failed in each of the last ${PUBLISH_FAILED_PERIODS * PERIOD.toMinutes()} minutes; the changes are in the ledger, unpublished.`,
      emf(REMEDIATOR_METRICS.publishFailed),
      { evaluationPeriods: PUBLISH_FAILED_PERIODS, datapointsToAlarm: PUBLISH_FAILED_PERIODS },
    );
    alarm(
      'unpublishedEntries',
      'Ledger entries were found applied but unpublished: a notice had been lost and was sent late.',
      emf(REMEDIATOR_METRICS.unpublishedEntries),
    );
    // Missing data is the point: no sweepCompleted for two periods means sweeps stopped.
    alarm(
      'sweepMissing',
      `No sweep completed in the last ${2 * props.sweepPeriodMinutes} minutes (two sweep periods).`,
      emf(REMEDIATOR_METRICS.sweepCompleted, Duration.minutes(props.sweepPeriodMinutes)),
      {
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      },
    );
    if (props.securityHub) {
      alarm(
        'securityHubFailed',
        'Importing findings into Security Hub failed (the fix and the mail went ahead).',
        emf(REMEDIATOR_METRICS.securityHubFailed),
      );
    }

    const centralBus = new targets.EventBus(
      events.EventBus.fromEventBusArn(this, 'CentralBus', props.centralBusArn),
    );
    const { sweepMissing, ...others } = this.alarms;
    new events.Rule(this, 'ForwardToCentral', {
      description: 'sg-guard: forward remediator alarms to the central alarm bus',
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        resources: Object.values(others).map((each) => each.alarmArn),
        detail: { state: { value: ['ALARM'] } },
      },
      targets: [centralBus],
    });
    // A new alarm starts in INSUFFICIENT_DATA and, with missing data breaching, goes to ALARM
    // before the first sweep has run: forwarding that would mail once per new account-region
    // (thousands on a first rollout). Only a heartbeat that stops after sweeps ran (from OK) is
    // forwarded; a member that never swept shows the alarm in its console and the smoke test.
    if (sweepMissing) {
      new events.Rule(this, 'ForwardMissedSweepsToCentral', {
        description: 'sg-guard: forward a stopped sweep heartbeat to the central alarm bus',
        eventPattern: {
          source: ['aws.cloudwatch'],
          detailType: ['CloudWatch Alarm State Change'],
          resources: [sweepMissing.alarmArn],
          detail: {
            state: { value: ['ALARM'] },
            previousState: { value: [{ 'anything-but': 'INSUFFICIENT_DATA' }] },
          },
        },
        targets: [centralBus],
      });
    }
  }
}

function capitalized(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
