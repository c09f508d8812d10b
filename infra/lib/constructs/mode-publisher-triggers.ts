import {
  MODE_EVENT_DETAIL_TYPES,
  MODE_EVENT_NAMES,
  MODE_PUBLISHER_SCHEDULE,
} from '@sg-guard/mode-publisher/contract';
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Settings of {@link ModePublisherTriggers}. */
export interface ModePublisherTriggersProps {
  /** The mode publisher. */
  readonly function: lambda.IFunction;
  /** Where events EventBridge could not deliver go. */
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * How often the full pass runs.
   * @default MODE_PUBLISHER_SCHEDULE (`rate(5 minutes)`, the publisher's contract)
   */
  readonly schedule?: events.Schedule;
}

/**
 * What wakes the publisher: a schedule for the full pass (it also removes objects of accounts
 * that left) and the Organizations CloudTrail events for an incremental update within seconds.
 * Organizations is a global service whose events are delivered in us-east-1 only, so the stack
 * that holds this rule must be deployed there (ModePublisherStack checks).
 */
export class ModePublisherTriggers extends Construct {
  /** The full pass's schedule rule. */
  readonly schedule: events.Rule;
  /** The Organizations events rule. */
  readonly organizationEvents: events.Rule;

  constructor(scope: Construct, id: string, props: ModePublisherTriggersProps) {
    super(scope, id);
    const target = () =>
      new targets.LambdaFunction(props.function, {
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: 2,
        // A later schedule or event does the same work; an old event is not worth more.
        maxEventAge: Duration.hours(1),
      });
    this.schedule = new events.Rule(this, 'FullPass', {
      description: "sg-guard: resolve every account's mode and rewrite the mode map",
      schedule: props.schedule ?? events.Schedule.expression(MODE_PUBLISHER_SCHEDULE),
      targets: [target()],
    });
    this.organizationEvents = new events.Rule(this, 'OrganizationChanges', {
      description: 'sg-guard: update the mode map after a tag, move, join or leave',
      eventPattern: {
        source: ['aws.organizations'],
        detailType: [...MODE_EVENT_DETAIL_TYPES],
        detail: {
          eventSource: ['organizations.amazonaws.com'],
          // Exactly what the publisher handles (its contract): a name it does not know would be
          // counted as an ignored event and alarm. Tags set or removed on an account, OU or the
          // root; an account moved; created (CreateAccount returns before the account exists,
          // the asynchronous CreateAccountResult service event is the one that counts), joined
          // by invitation (AcceptHandshake) or removed. AcceptHandshake (and LeaveOrganization)
          // are called by the member account and recorded in its own trail, so they may never
          // arrive here; the 5-minute full pass catches what no event announced.
          eventName: [...MODE_EVENT_NAMES],
          // A call that failed (AccessDenied, a bad id) changed nothing.
          errorCode: [{ exists: false }],
        },
      },
      targets: [target()],
    });
  }
}
