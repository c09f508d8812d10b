import {
  METRICS_NAMESPACE,
  REMEDIATOR_METRICS,
  REMEDIATOR_SERVICE,
} from '@sg-guard/remediator/contract';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../lib/app.js';
import { RemediatorAlarms } from '../../lib/constructs/remediator-alarms.js';

const busArn = 'arn:aws:events:eu-west-1:111111111111:event-bus/sg-guard-alarms';

function synth(options: { sweepPeriodMinutes?: number; securityHub?: boolean } = {}) {
  const stack = new Stack(createApp(), 'Member');
  new RemediatorAlarms(stack, 'Alarms', {
    deadLetterQueue: new sqs.Queue(stack, 'Dlq'),
    centralBusArn: busArn,
    sweepPeriodMinutes: options.sweepPeriodMinutes ?? 60,
    securityHub: options.securityHub,
  });
  return Template.fromStack(stack);
}

function alarmsOf(template: Template): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((alarm) => [
      alarm.Properties.AlarmName,
      alarm.Properties,
    ]),
  );
}

const service = [{ Name: 'service', Value: REMEDIATOR_SERVICE }];

describe('RemediatorAlarms', () => {
  it('alarms on what retries did not fix, and never on the raw Lambda Errors', () => {
    const alarms = alarmsOf(synth());

    expect(Object.keys(alarms).sort()).toEqual([
      'sg-guard-remediator-deadletters',
      'sg-guard-remediator-failed',
      'sg-guard-remediator-ignoredevents',
      'sg-guard-remediator-publishfailed',
      'sg-guard-remediator-sweepmissing',
      'sg-guard-remediator-unpublishedentries',
    ]);
    for (const alarm of Object.values(alarms)) expect(alarm.MetricName).not.toBe('Errors');
  });

  it("reads the remediator's metrics by the contract's names, namespace and service", () => {
    const alarms = alarmsOf(synth());
    const emf = (name: string) => ({
      Namespace: alarms[name]?.Namespace,
      MetricName: alarms[name]?.MetricName,
      Dimensions: alarms[name]?.Dimensions,
    });

    expect(emf('sg-guard-remediator-failed')).toEqual({
      Namespace: METRICS_NAMESPACE,
      MetricName: REMEDIATOR_METRICS.failed,
      Dimensions: service,
    });
    expect(emf('sg-guard-remediator-ignoredevents').MetricName).toBe(
      REMEDIATOR_METRICS.ignoredEvents,
    );
    expect(emf('sg-guard-remediator-publishfailed').MetricName).toBe(
      REMEDIATOR_METRICS.publishFailed,
    );
    expect(emf('sg-guard-remediator-unpublishedentries').MetricName).toBe(
      REMEDIATOR_METRICS.unpublishedEntries,
    );
    expect(emf('sg-guard-remediator-sweepmissing')).toEqual({
      Namespace: METRICS_NAMESPACE,
      MetricName: REMEDIATOR_METRICS.sweepCompleted,
      Dimensions: service,
    });
  });

  it('fires on the first dead letter, failed notice, unreadable event or late-published entry', () => {
    const alarms = alarmsOf(synth());

    for (const name of ['deadletters', 'failed', 'ignoredevents', 'unpublishedentries']) {
      expect(alarms[`sg-guard-remediator-${name}`]).toMatchObject({
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
    expect(alarms['sg-guard-remediator-deadletters']).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Statistic: 'Maximum',
    });
  });

  it('fires on publish failures only when they persist past Lambda’s own retries (15 minutes)', () => {
    const alarm = alarmsOf(synth())['sg-guard-remediator-publishfailed'];

    expect(alarm).toMatchObject({
      Period: 300,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('fires when no sweep completed for two sweep periods, missing data counting as missed', () => {
    const alarm = alarmsOf(synth({ sweepPeriodMinutes: 30 }))['sg-guard-remediator-sweepmissing'];

    expect(alarm).toMatchObject({
      Statistic: 'Sum',
      Period: 1800,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('alarms on Security Hub imports failing only when Security Hub is on', () => {
    expect(alarmsOf(synth())['sg-guard-remediator-securityhubfailed']).toBeUndefined();

    const alarm = alarmsOf(synth({ securityHub: true }))['sg-guard-remediator-securityhubfailed'];
    expect(alarm).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: REMEDIATOR_METRICS.securityHubFailed,
      Threshold: 1,
    });
  });

  it('forwards every alarm going to ALARM to the central bus', () => {
    const template = synth({ securityHub: true });

    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    const idOf = (name: string) =>
      Object.entries(alarms).find(([, a]) => a.Properties.AlarmName === name)?.[0];
    const heartbeat = idOf('sg-guard-remediator-sweepmissing');
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    const forwarded = rules
      .flatMap((rule) => rule.Properties.EventPattern.resources)
      .map((arn: { 'Fn::GetAtt': [string, string] }) => arn['Fn::GetAtt'][0]);
    expect(forwarded.sort()).toEqual(Object.keys(alarms).sort());
    for (const rule of rules) {
      expect(rule.Properties.EventPattern.detail.state).toEqual({ value: ['ALARM'] });
      expect(rule.Properties.Targets[0].Arn).toBe(busArn);
    }
    expect(heartbeat).toBeDefined();
  });

  it('forwards a stopped heartbeat only after sweeps ran, not when a new alarm first evaluates', () => {
    const template = synth();

    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    const [heartbeat] = Object.entries(alarms)
      .filter(([, a]) => a.Properties.AlarmName === 'sg-guard-remediator-sweepmissing')
      .map(([id]) => ({ 'Fn::GetAtt': [id, 'Arn'] }));
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    const heartbeatRules = rules.filter((rule) =>
      JSON.stringify(rule.Properties.EventPattern.resources).includes(JSON.stringify(heartbeat)),
    );

    expect(heartbeatRules).toHaveLength(1);
    expect(heartbeatRules[0]?.Properties.EventPattern.resources).toEqual([heartbeat]);
    expect(heartbeatRules[0]?.Properties.EventPattern.detail).toEqual({
      state: { value: ['ALARM'] },
      previousState: { value: [{ 'anything-but': 'INSUFFICIENT_DATA' }] },
    });
  });
});
