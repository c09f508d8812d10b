import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { NoticeActionName } from '../config.js';
import { NAMES, remediatorsOf } from '../naming.js';

/** A mailbox and the notice actions it receives. */
export interface Mailbox {
  /** The address; it must confirm the subscription once. */
  readonly email: string;
  /** Values of the `action` message attribute this mailbox receives. */
  readonly actions: readonly NoticeActionName[];
}

/** Settings of {@link FindingsTopic}. */
export interface FindingsTopicProps {
  /** Only principals of this organization may publish. */
  readonly organizationId: string;
  /**
   * Name pattern of the roles that may publish (in any account of the organization).
   * @default `${NAMES.remediatorRolePrefix}*` (`sg-guard-remediator-*`)
   */
  readonly publisherRoleNamePattern?: string;
  /** Customer-managed key the topic is encrypted with. */
  readonly key: kms.IKey;
  /** One e-mail subscription per mailbox, filtered on the `action` attribute. */
  readonly mailboxes: readonly Mailbox[];
  /**
   * Topic name; member stacks derive the ARN from it.
   * @default NAMES.findingsTopic (`sg-guard-findings`)
   */
  readonly topicName?: string;
}

/**
 * The central inbox: every member's remediator publishes its notices here, and each mailbox
 * receives the actions it asked for. Only the remediator roles of the organization's accounts
 * may publish (`aws:PrincipalOrgID` and `aws:PrincipalArn`), so another principal of the
 * organization cannot mail a forged notice; an SCP keeps member administrators from creating
 * roles with that name (docs/deploy.md).
 */
export class FindingsTopic extends Construct {
  /** The findings topic. */
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: FindingsTopicProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      topicName: props.topicName ?? NAMES.findingsTopic,
      displayName: 'sg-guard findings',
      masterKey: props.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OrganizationRemediatorsMayPublish',
        principals: [new iam.AnyPrincipal()],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: remediatorsOf(
          props.organizationId,
          Stack.of(this).partition,
          props.publisherRoleNamePattern,
        ),
      }),
    );
    for (const mailbox of props.mailboxes) {
      this.topic.addSubscription(
        new subscriptions.EmailSubscription(mailbox.email, {
          filterPolicy: {
            action: sns.SubscriptionFilter.stringFilter({ allowlist: [...mailbox.actions] }),
          },
        }),
      );
    }
  }
}
