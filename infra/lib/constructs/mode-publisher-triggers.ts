import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * Organizations calls (CloudTrail `eventName`) after which an account's mode may have changed:
 * a tag on an account, OU or the root; an account moved between OUs; an account that joined
 * (created: the asynchronous `CreateAccountResult` service event, as `CreateAccount` itself
 * returns before the account exists; invited: the handshake accepted) or left.
 */
export const MODE_CHANGING_API_CALLS = [
  'TagResource',
  'UntagResource',
  'MoveAccount',
  'AcceptHandshake',
  'RemoveAccountFromOrganization',
  'LeaveOrganization',
] as const;

/** Organizations service events (CloudTrail `eventName`) after which a mode may have changed. */
export const MODE_CHANGING_SERVICE_EVENTS = ['CreateAccountResult'] as const;

/** Settings of {@link ModePublisherTriggers}. */
export interface ModePublisherTriggersProps {
  /** The mode publisher. */
  readonly function: lambda.IFunction;
  /** Where events EventBridge could not deliver go. */
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * How often the full pass runs.
   * @default events.Schedule.rate(Duration.minutes(5))
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
      schedule: props.schedule ?? events.Schedule.rate(Duration.minutes(5)),
      targets: [target()],
    });
    this.organizationEvents = new events.Rule(this, 'OrganizationChanges', {
      description: 'sg-guard: update the mode map after a tag, move, join or leave',
      eventPattern: {
        source: ['aws.organizations'],
        detailType: ['AWS API Call via CloudTrail', 'AWS Service Event via CloudTrail'],
        detail: {
          eventSource: ['organizations.amazonaws.com'],
          eventName: [...MODE_CHANGING_API_CALLS, ...MODE_CHANGING_SERVICE_EVENTS],
          // A call that failed (AccessDenied, a bad id) changed nothing.
          errorCode: [{ exists: false }],
        },
      },
      targets: [target()],
    });
  }
}
