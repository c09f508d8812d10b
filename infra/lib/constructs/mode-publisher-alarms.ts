import {
  MODE_PUBLISHER_METRICS,
  MODE_PUBLISHER_METRICS_NAMESPACE,
  MODE_PUBLISHER_SERVICE,
} from '@sg-guard/mode-publisher/contract';
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { NAMES } from '../naming.js';

/** Settings of {@link ModePublisherAlarms}. */
export interface ModePublisherAlarmsProps {
  /** The publisher's dead-letter queue. */
  readonly deadLetterQueue: sqs.IQueue;
  /** ARN of the central alarm bus the state changes are forwarded to. */
  readonly centralBusArn: string;
  /**
   * How long without a completed full pass before the heartbeat alarm fires. The schedule runs
   * every 5 minutes, so the default allows two missed or retried passes.
   * @default Duration.minutes(15)
   */
  readonly heartbeatWindow?: Duration;
}

/**
 * Alarms on what retries did not fix, so one transient throttle mails no one: a non-empty DLQ
 * (an event or pass that failed three times), no full pass completed for a while (the mode map
 * goes stale; remediators keep using the last objects), and events the publisher did not
 * understand. State changes go to the central alarm bus, which mails them (AlarmInbox).
 */
export class ModePublisherAlarms extends Construct {
  /** The alarms, by what they watch. */
  readonly alarms: Record<'deadLetters' | 'heartbeat' | 'ignoredEvents', cloudwatch.Alarm>;

  constructor(scope: Construct, id: string, props: ModePublisherAlarmsProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const window = props.heartbeatWindow ?? Duration.minutes(15);
    const emf = (metricName: string, metricPeriod: Duration) =>
      new cloudwatch.Metric({
        namespace: MODE_PUBLISHER_METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: MODE_PUBLISHER_SERVICE },
        statistic: cloudwatch.Stats.SUM,
        period: metricPeriod,
      });
    const alarmName = (what: string) => `${NAMES.alarmPrefix}mode-publisher-${what}`;

    this.alarms = {
      deadLetters: new cloudwatch.Alarm(this, 'DeadLetters', {
        alarmName: alarmName('deadletters'),
        alarmDescription:
          'Mode publisher invocations failed after every retry and wait in its DLQ (with the error).',
        metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period,
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      heartbeat: new cloudwatch.Alarm(this, 'Heartbeat', {
        alarmName: alarmName('heartbeat'),
        alarmDescription:
          'No full pass of the mode publisher completed lately: the mode map is getting stale.',
        metric: emf(MODE_PUBLISHER_METRICS.fullPassCompleted, window),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        // No data point at all is exactly what a dead publisher looks like.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
      ignoredEvents: new cloudwatch.Alarm(this, 'IgnoredEvents', {
        alarmName: alarmName('ignoredevents'),
        alarmDescription:
          'The mode publisher received events it does not understand (see its log).',
        metric: emf(MODE_PUBLISHER_METRICS.ignoredEvents, period),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    };

    new events.Rule(this, 'ForwardToCentral', {
      description: 'sg-guard: forward mode publisher alarms to the central alarm bus',
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        resources: Object.values(this.alarms).map((alarm) => alarm.alarmArn),
        detail: { state: { value: ['ALARM'] } },
      },
      targets: [
        new targets.EventBus(
          events.EventBus.fromEventBusArn(this, 'CentralBus', props.centralBusArn),
        ),
      ],
    });
  }
}
