import { readFileSync } from 'node:fs';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../lib/app.js';
import { DEFAULT_CONFIG_PATH, parseConfig, sweepPeriodMinutes } from '../../lib/config.js';
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

describe('remediation.sweepSchedule in the config', () => {
  const example = JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, 'utf8')) as Record<string, unknown>;
  const withSchedule = (sweepSchedule?: string) => ({
    ...example,
    remediation: { ...(example.remediation as object), sweepSchedule },
  });

  it('defaults to rate(1 hour), and Security Hub to off', () => {
    const config = parseConfig({ ...withSchedule(undefined), securityHub: undefined });

    expect(config.remediation.sweepSchedule).toBe('rate(1 hour)');
    expect(config.securityHub).toBe(false);
  });

  it.each([
    ['rate(5 minutes)', 5],
    ['rate(30 minutes)', 30],
    ['rate(1 hour)', 60],
    ['rate(12 hours)', 720],
  ])('accepts %s (%i minutes)', (schedule, minutes) => {
    expect(parseConfig(withSchedule(schedule)).remediation.sweepSchedule).toBe(schedule);
    expect(sweepPeriodMinutes(schedule)).toBe(minutes);
  });

  it.each([
    ['cron(0 * * * ? *)', /rate expression/],
    ['rate(1 hours)', /singular unit for 1/],
    ['rate(2 hour)', /singular unit for 1/],
    ['rate(0 minutes)', /rate expression/],
    ['rate(4 minutes)', /between 5 minutes and 12 hours/],
    ['rate(1 day)', /between 5 minutes and 12 hours/],
  ])('refuses %s, naming the field', (schedule, message) => {
    expect(() => parseConfig(withSchedule(schedule), 'cfg.json')).toThrow(
      expect.objectContaining({
        issues: [{ path: 'remediation.sweepSchedule', message: expect.stringMatching(message) }],
      }),
    );
  });
});
