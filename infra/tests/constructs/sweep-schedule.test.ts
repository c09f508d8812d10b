import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../lib/app.js';
import { SweepSchedule } from '../../lib/constructs/sweep-schedule.js';

function synth(schedule?: string) {
  const stack = new Stack(createApp(), 'Member');
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
  const sweep = new SweepSchedule(stack, 'Sweep', {
    function: fn,
    schedule,
    deadLetterQueue: new sqs.Queue(stack, 'Dlq'),
  });
  return { template: Template.fromStack(stack), sweep };
}

describe('SweepSchedule', () => {
  it('invokes the remediator hourly by default with EventBridge’s own Scheduled Event (no input)', () => {
    const { template, sweep } = synth();

    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(1);
    const [rule] = rules;
    expect(rule?.Properties.ScheduleExpression).toBe('rate(1 hour)');
    expect(rule?.Properties.EventPattern).toBeUndefined();
    const [target] = rule?.Properties.Targets ?? [];
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Fn/), 'Arn'] });
    // Input, InputPath or InputTransformer would replace the Scheduled Event shape.
    expect(target.Input).toBeUndefined();
    expect(target.InputPath).toBeUndefined();
    expect(target.InputTransformer).toBeUndefined();
    expect(sweep.periodMinutes).toBe(60);
  });

  it('uses the configured rate and drops a sweep older than one period', () => {
    const { template, sweep } = synth('rate(30 minutes)');

    const [rule] = Object.values(template.findResources('AWS::Events::Rule'));
    expect(rule?.Properties.ScheduleExpression).toBe('rate(30 minutes)');
    expect(rule?.Properties.Targets[0].RetryPolicy).toEqual({
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 1800,
    });
    expect(rule?.Properties.Targets[0].DeadLetterConfig.Arn).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^Dlq/), 'Arn'],
    });
    expect(sweep.periodMinutes).toBe(30);
  });

  it('lets EventBridge invoke the remediator from this rule only', () => {
    const { template } = synth();

    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SweepRule'), 'Arn'] },
    });
  });

  it('refuses a schedule that is not a rate expression', () => {
    expect(() => synth('cron(0 * * * ? *)')).toThrow(/remediation\.sweepSchedule/);
  });
});
