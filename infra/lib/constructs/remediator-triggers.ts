import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Settings of {@link RemediatorTriggers}. */
export interface RemediatorTriggersProps {
  /** The remediator. */
  readonly function: lambda.IFunction;
  /** Name of the Config rule whose NON_COMPLIANT results trigger it. */
  readonly configRuleName: string;
  /**
   * Also trigger on the CloudTrail calls that open ingress (seconds instead of minutes).
   * @default true
   */
  readonly fastPath?: boolean;
  /** Events EventBridge could not deliver land here. */
  readonly deadLetterQueue: sqs.IQueue;
}

/** The EventBridge event patterns the remediator is triggered by. */
export const TRIGGER_PATTERNS = {
  /** The Config rule found a group NON_COMPLIANT. */
  configCompliance: (configRuleName: string): events.EventPattern => ({
    source: ['aws.config'],
    detailType: ['Config Rules Compliance Change'],
    detail: {
      messageType: ['ComplianceChangeNotification'],
      configRuleName: [configRuleName],
      newEvaluationResult: { complianceType: ['NON_COMPLIANT'] },
    },
  }),
  /**
   * A call that may have opened ingress succeeded (failed calls carry `errorCode`). A managed
   * prefix list gaining an entry opens every group that references it without any
   * security-group call, so `ModifyManagedPrefixList` is matched too.
   */
  ingressApiCall: (): events.EventPattern => ({
    source: ['aws.ec2'],
    detailType: ['AWS API Call via CloudTrail'],
    detail: {
      eventSource: ['ec2.amazonaws.com'],
      eventName: [
        'AuthorizeSecurityGroupIngress',
        'ModifySecurityGroupRules',
        'ModifyManagedPrefixList',
      ],
      errorCode: [{ exists: false }],
    },
  }),
};

/**
 * The rules that invoke the remediator: the Config path (minutes, needs a recorder) and the
 * fast path (seconds, needs a CloudTrail trail logging management events).
 */
export class RemediatorTriggers extends Construct {
  /** Rule on Config compliance changes. */
  readonly configRule: events.Rule;
  /** Rule on CloudTrail API calls, when the fast path is on. */
  readonly fastPathRule?: events.Rule;

  constructor(scope: Construct, id: string, props: RemediatorTriggersProps) {
    super(scope, id);
    const target = new targets.LambdaFunction(props.function, {
      deadLetterQueue: props.deadLetterQueue,
      retryAttempts: 4,
      maxEventAge: Duration.hours(2),
    });
    this.configRule = new events.Rule(this, 'ConfigNonCompliant', {
      description: 'sg-guard: a security group became NON_COMPLIANT with restricted-ssh',
      eventPattern: TRIGGER_PATTERNS.configCompliance(props.configRuleName),
      targets: [target],
    });
    if (props.fastPath ?? true) {
      this.fastPathRule = new events.Rule(this, 'IngressApiCall', {
        description:
          'sg-guard: a security group ingress was authorized or modified, or a prefix list changed',
        eventPattern: TRIGGER_PATTERNS.ingressApiCall(),
        targets: [target],
      });
    }
  }
}
