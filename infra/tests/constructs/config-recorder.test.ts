import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../lib/app.js';
import { ConfigRecorder, type RecorderMode } from '../../lib/constructs/config-recorder.js';
import { SshConfigRule } from '../../lib/constructs/ssh-config-rule.js';

const templates = new Map<RecorderMode, Template>();

/** Synthesizes a stack with the recorder and the rule, once per mode (asset staging is slow). */
function synth(mode: RecorderMode): Template {
  const cached = templates.get(mode);
  if (cached) return cached;
  const stack = new Stack(createApp(), 'Member');
  const recorder = new ConfigRecorder(stack, 'Recorder', { mode });
  new SshConfigRule(stack, 'RestrictedSsh', { dependsOn: recorder.ready });
  const template = Template.fromStack(stack);
  templates.set(mode, template);
  return template;
}

function ruleDependsOn(template: Template): string[] {
  const [rule] = Object.values(template.findResources('AWS::Config::ConfigRule'));
  return (rule?.DependsOn as string[] | undefined) ?? [];
}

describe('ConfigRecorder', () => {
  it('adds nothing in existing mode, where a recorder is already there', () => {
    const template = synth('existing');

    template.resourceCountIs('AWS::Config::ConfigurationRecorder', 0);
    template.resourceCountIs('AWS::Config::DeliveryChannel', 0);
    template.resourceCountIs('Custom::SgGuardConfigRecorder', 0);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    expect(ruleDependsOn(template)).toEqual([]);
  });

  it('creates a recorder of security groups and its delivery channel in create mode', () => {
    const template = synth('create');

    template.hasResourceProperties('AWS::Config::ConfigurationRecorder', {
      Name: 'sg-guard',
      RecordingGroup: {
        AllSupported: false,
        IncludeGlobalResourceTypes: false,
        ResourceTypes: ['AWS::EC2::SecurityGroup'],
      },
    });
    const channels = template.findResources('AWS::Config::DeliveryChannel');
    const recorders = Object.keys(template.findResources('AWS::Config::ConfigurationRecorder'));
    expect(Object.values(channels)[0]?.DependsOn).toEqual(recorders);
    expect(ruleDependsOn(template).sort()).toEqual([...recorders, ...Object.keys(channels)].sort());
    template.resourceCountIs('Custom::SgGuardConfigRecorder', 0);
  });

  it('runs the recorder as a stack-named role, never the global service-linked role', () => {
    const template = synth('create');

    template.resourceCountIs('AWS::IAM::ServiceLinkedRole', 0);
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: Match.absent(),
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'config.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ],
      },
    });
  });

  it('creates a recorder only where none exists through a custom resource in auto mode', () => {
    const template = synth('auto');

    template.resourceCountIs('AWS::Config::ConfigurationRecorder', 0);
    const recorder = template.findResources('Custom::SgGuardConfigRecorder');
    expect(Object.keys(recorder)).toHaveLength(1);
    template.hasResourceProperties('Custom::SgGuardConfigRecorder', {
      RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('RecorderRole'), 'Arn'] },
      BucketName: { Ref: Match.stringLikeRegexp('Bucket') },
    });
    expect(ruleDependsOn(template)).toEqual(Object.keys(recorder));
  });

  it('gives the auto handler its inline code and only the Config calls it makes', () => {
    const template = synth('auto');

    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Code: { ZipFile: Match.stringLikeRegexp('DescribeConfigurationRecordersCommand') },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'ManageOwnRecorder',
            Action: [
              'config:DeleteConfigurationRecorder',
              'config:DeleteDeliveryChannel',
              'config:DescribeConfigurationRecorders',
              'config:PutConfigurationRecorder',
              'config:PutDeliveryChannel',
              'config:StartConfigurationRecorder',
              'config:StopConfigurationRecorder',
            ],
          }),
          Match.objectLike({
            Sid: 'HandRecorderRoleToConfig',
            Action: 'iam:PassRole',
            Condition: { StringEquals: { 'iam:PassedToService': 'config.amazonaws.com' } },
          }),
        ]),
      },
    });
  });

  it('keeps the delivery bucket, encrypted and TLS-only, when the stack goes', () => {
    const template = synth('auto');

    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
          ],
        },
      }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });
});
