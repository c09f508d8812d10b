import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../lib/app.js';
import { RemediatorTriggers } from '../../lib/constructs/remediator-triggers.js';

function synth(fastPath: boolean | undefined): Template {
  const stack = new Stack(createApp(), 'Member');
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
  new RemediatorTriggers(stack, 'Triggers', {
    function: fn,
    configRuleName: 'sg-guard-restricted-ssh',
    fastPath,
    deadLetterQueue: new sqs.Queue(stack, 'Dlq'),
  });
  return Template.fromStack(stack);
}

const configPattern = {
  source: ['aws.config'],
  'detail-type': ['Config Rules Compliance Change'],
  detail: {
    messageType: ['ComplianceChangeNotification'],
    configRuleName: ['sg-guard-restricted-ssh'],
    newEvaluationResult: { complianceType: ['NON_COMPLIANT'] },
  },
};
const fastPathPattern = {
  source: ['aws.ec2'],
  'detail-type': ['AWS API Call via CloudTrail'],
  detail: {
    eventSource: ['ec2.amazonaws.com'],
    eventName: [
      'AuthorizeSecurityGroupIngress',
      'ModifySecurityGroupRules',
      'ModifyManagedPrefixList',
    ],
    errorCode: [{ exists: false }],
  },
};

describe('RemediatorTriggers', () => {
  it('triggers on the rule becoming NON_COMPLIANT and on successful ingress and prefix-list calls by default', () => {
    const template = synth(undefined);

    const patterns = Object.values(template.findResources('AWS::Events::Rule')).map(
      (rule) => rule.Properties.EventPattern,
    );
    expect(patterns).toEqual([configPattern, fastPathPattern]);
  });

  it('leaves the CloudTrail rule out when the fast path is off', () => {
    const template = synth(false);

    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: configPattern });
  });

  it('sends events EventBridge cannot deliver to the dead-letter queue, after bounded retries', () => {
    const template = synth(true);

    const targets = Object.values(template.findResources('AWS::Events::Rule')).flatMap(
      (rule) => rule.Properties.Targets,
    );
    expect(targets).toHaveLength(2);
    for (const target of targets) {
      expect(target.DeadLetterConfig.Arn).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^Dlq/), 'Arn'],
      });
      expect(target.RetryPolicy).toEqual({
        MaximumRetryAttempts: 4,
        MaximumEventAgeInSeconds: 7200,
      });
    }
  });
});
