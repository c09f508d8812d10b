import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { NAMES } from '../naming.js';

/** Settings of {@link RemediatorAlarms}. */
export interface RemediatorAlarmsProps {
  /** The remediator. */
  readonly function: lambda.IFunction;
  /** Its dead-letter queue. */
  readonly deadLetterQueue: sqs.IQueue;
  /** ARN of the central alarm bus the state changes are forwarded to. */
  readonly centralBusArn: string;
  /**
   * EMF namespace of the remediator's metrics.
   * @default 'sg-guard'
   */
  readonly metricsNamespace?: string;
  /**
   * The Powertools `service` dimension of the remediator's metrics.
   * @default 'remediator'
   */
  readonly metricsService?: string;
}

/**
 * Alarms on everything that means "a finding may not have been handled": Lambda errors, a
 * non-empty DLQ, events the remediator did not understand and remediations that failed. Each
 * alarm's state change is forwarded to the central bus, which mails it (see AlarmInbox).
 */
export class RemediatorAlarms extends Construct {
  /** The alarms, by what they watch. */
  readonly alarms: Record<'errors' | 'deadLetters' | 'ignoredEvents' | 'failed', cloudwatch.Alarm>;

  constructor(scope: Construct, id: string, props: RemediatorAlarmsProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const emf = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: props.metricsNamespace ?? 'sg-guard',
        metricName,
        dimensionsMap: { service: props.metricsService ?? 'remediator' },
        statistic: cloudwatch.Stats.SUM,
        period,
      });
    const atLeastOne = (name: string, description: string, metric: cloudwatch.IMetric) =>
      new cloudwatch.Alarm(this, name, {
        alarmName: `${NAMES.alarmPrefix}remediator-${name.toLowerCase()}`,
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });

    this.alarms = {
      errors: atLeastOne(
        'Errors',
        'The remediator threw; the event is retried, then lands in the DLQ.',
        props.function.metricErrors({ period, statistic: cloudwatch.Stats.SUM }),
      ),
      deadLetters: atLeastOne(
        'DeadLetters',
        'Events the remediator could not handle are waiting in its DLQ.',
        props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period,
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
      ),
      ignoredEvents: atLeastOne(
        'IgnoredEvents',
        'The remediator received events it does not understand (see its log).',
        emf('ignoredEvents'),
      ),
      failed: atLeastOne(
        'Failed',
        'A remediation failed (a failed notice was mailed; often an SCP).',
        emf('failed'),
      ),
    };

    new events.Rule(this, 'ForwardToCentral', {
      description: 'sg-guard: forward remediator alarms to the central alarm bus',
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
