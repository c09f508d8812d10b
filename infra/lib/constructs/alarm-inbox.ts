import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.js';
import { NAMES } from '../naming.js';

/** Settings of {@link AlarmInbox}. */
export interface AlarmInboxProps {
  /** Only accounts of this organization may put events on the bus. */
  readonly organizationId: string;
  /** Customer-managed key the alarms topic is encrypted with. */
  readonly key: kms.IKey;
  /** Addresses that receive operational alarms (the mailboxes that receive `failed`). */
  readonly emails: readonly string[];
  /**
   * Name of the bus members forward alarm state changes to.
   * @default NAMES.alarmBus (`sg-guard-alarms`)
   */
  readonly busName?: string;
  /**
   * Name of the topic that mails the alarms.
   * @default NAMES.alarmsTopic (`sg-guard-alarms`)
   */
  readonly topicName?: string;
}

/**
 * Where member alarms end up. A CloudWatch alarm can only notify a topic in its own region, and
 * members run in every target region, so members forward their alarms' state changes through
 * EventBridge (cross-account and cross-region) to this bus; a rule mails them from a topic in
 * the central region. The topic is separate from the findings topic because EventBridge cannot
 * set the `action` attribute the findings subscriptions filter on.
 */
export class AlarmInbox extends Construct {
  /** The bus members forward to. */
  readonly bus: events.EventBus;
  /** The topic that mails alarms. */
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlarmInboxProps) {
    super(scope, id);
    const busName = props.busName ?? NAMES.alarmBus;
    const { partition, region, account } = Stack.of(this);
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: busName });
    // The bus's own Policy property rather than AWS::Events::EventBusPolicy, whose L1 carries
    // deprecated properties that print warnings on every synth.
    (this.bus.node.defaultChild as events.CfnEventBus).policy = new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'OrganizationMayForwardAlarms',
          principals: [new iam.AnyPrincipal()],
          actions: ['events:PutEvents'],
          // Built from the name: the bus's own Arn attribute would make it depend on itself.
          resources: [`arn:${partition}:events:${region}:${account}:event-bus/${busName}`],
          conditions: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } },
        }),
      ],
    }).toJSON();
    this.topic = new sns.Topic(this, 'Topic', {
      topicName: props.topicName ?? NAMES.alarmsTopic,
      displayName: 'sg-guard alarms',
      masterKey: props.key,
      enforceSSL: true,
    });
    for (const email of props.emails) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    const field = events.EventField;
    const rule = new events.Rule(this, 'MailAlarms', {
      eventBus: this.bus,
      description: 'sg-guard: mail member alarms that went to ALARM',
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        detail: {
          alarmName: [{ prefix: NAMES.alarmPrefix }],
          state: { value: ['ALARM'] },
        },
      },
      targets: [
        new targets.SnsTopic(this.topic, {
          // A role of this stack rather than a grant to events.amazonaws.com, which any
          // account's rules could use.
          authorizeUsingRole: true,
          message: events.RuleTargetInput.fromText(
            `sg-guard alarm ${field.fromPath('$.detail.alarmName')} is ALARM in account ${field.account}, region ${field.region}: ${field.fromPath('$.detail.state.reason')}`,
          ),
        }),
      ],
    });
    const eventsRole = rule.node.tryFindChild('EventsRole');
    if (eventsRole) {
      acknowledge(eventsRole, {
        'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]':
          'SNS needs the GenerateDataKey family to encrypt an alarm mail with the central key (that key only)',
      });
    }
  }
}
