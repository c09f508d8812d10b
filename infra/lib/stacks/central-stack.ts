import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { SgGuardConfig } from '../config.js';
import { AlarmInbox } from '../constructs/alarm-inbox.js';
import { FindingsKey } from '../constructs/findings-key.js';
import { FindingsTopic } from '../constructs/findings-topic.js';

/** Settings of {@link CentralStack}. */
export interface CentralStackProps extends StackProps {
  /** The validated sg-guard config. */
  readonly config: SgGuardConfig;
}

/** The security account's inbox: key, findings topic with mail subscriptions, alarm inbox. */
export class CentralStack extends Stack {
  constructor(scope: Construct, id: string, props: CentralStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { key } = new FindingsKey(this, 'Key', {
      organizationId: config.organizationId,
      region: config.central.region,
    });
    const findings = new FindingsTopic(this, 'Findings', {
      organizationId: config.organizationId,
      key,
      mailboxes: config.notifications,
    });
    const alarms = new AlarmInbox(this, 'Alarms', {
      organizationId: config.organizationId,
      key,
      emails: config.notifications.filter((n) => n.actions.includes('failed')).map((n) => n.email),
    });

    new CfnOutput(this, 'FindingsTopicArn', {
      description: 'Central topic every remediator publishes its notices to',
      value: findings.topic.topicArn,
    });
    new CfnOutput(this, 'FindingsKeyArn', {
      description: 'Key the central topics are encrypted with',
      value: key.keyArn,
    });
    new CfnOutput(this, 'AlarmsTopicArn', {
      description: 'Topic that mails member alarms',
      value: alarms.topic.topicArn,
    });
    new CfnOutput(this, 'AlarmBusArn', {
      description: 'Event bus member alarms are forwarded to',
      value: alarms.bus.eventBusArn,
    });
  }
}
