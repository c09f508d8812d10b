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

  it('creates a continuous recorder of security groups and its delivery channel in create mode', () => {
    const template = synth('create');

    template.hasResourceProperties('AWS::Config::ConfigurationRecorder', {
      Name: 'sg-guard',
      RecordingGroup: {
        AllSupported: false,
        IncludeGlobalResourceTypes: false,
        ResourceTypes: ['AWS::EC2::SecurityGroup'],
      },
      RecordingMode: { RecordingFrequency: 'CONTINUOUS' },
    });
    const channels = Object.keys(template.findResources('AWS::Config::DeliveryChannel'));
    const recorders = Object.keys(template.findResources('AWS::Config::ConfigurationRecorder'));
    expect(ruleDependsOn(template).sort()).toEqual([...recorders, ...channels].sort());
    template.resourceCountIs('Custom::SgGuardConfigRecorder', 0);
  });

  it("makes recorder and channel wait for the recorder role's policy and the bucket policy (create mode)", () => {
    const template = synth('create');

    const logicalId = (type: string) => Object.keys(template.findResources(type));
    const [rolePolicy] = Object.entries(template.findResources('AWS::IAM::Policy'))
      .filter(([, p]) => JSON.stringify(p).includes('DeliverConfigurationHistory'))
      .map(([id]) => id);
    const [bucketPolicy] = logicalId('AWS::S3::BucketPolicy');
    const [role] = logicalId('AWS::IAM::Role');
    const [recorder] = logicalId('AWS::Config::ConfigurationRecorder');
    const dependsOn = (type: string) =>
      [...((Object.values(template.findResources(type))[0]?.DependsOn as string[]) ?? [])].sort();

    expect(rolePolicy).toBeDefined();
    expect(dependsOn('AWS::Config::ConfigurationRecorder')).toEqual(
      [bucketPolicy, role, rolePolicy].sort(),
    );
    expect(dependsOn('AWS::Config::DeliveryChannel')).toEqual(
      [bucketPolicy, recorder, role, rolePolicy].sort(),
    );
  });

  it('runs the recorder as a stack-named role, never the global service-linked role (create mode)', () => {
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

  it('keeps the delivery bucket, encrypted and TLS-only, when the stack goes (create mode)', () => {
    const template = synth('create');

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

  it('creates no bucket and no recorder role in auto mode: the handler makes them only where it creates a recorder', () => {
    const template = synth('auto');

    template.resourceCountIs('AWS::Config::ConfigurationRecorder', 0);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    const trustsConfig = Object.values(template.findResources('AWS::IAM::Role')).filter((role) =>
      JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('config.amazonaws.com'),
    );
    expect(trustsConfig).toEqual([]);
    const recorder = template.findResources('Custom::SgGuardConfigRecorder');
    expect(Object.keys(recorder)).toHaveLength(1);
    expect(ruleDependsOn(template)).toEqual(Object.keys(recorder));
  });

  it("hands the auto handler the bucket name and Config's service-linked role, per account-region", () => {
    const template = synth('auto');

    template.hasResourceProperties('Custom::SgGuardConfigRecorder', {
      RoleArn: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':iam::',
            { Ref: 'AWS::AccountId' },
            ':role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig',
          ],
        ],
      },
      BucketName: {
        'Fn::Join': [
          '',
          ['sg-guard-config-', { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }],
        ],
      },
      AccountId: { Ref: 'AWS::AccountId' },
      Region: { Ref: 'AWS::Region' },
      Partition: { Ref: 'AWS::Partition' },
    });
  });

  it('runs the auto custom resource only after its handler role has its policy', () => {
    const template = synth('auto');

    const [resource] = Object.values(template.findResources('Custom::SgGuardConfigRecorder'));
    const policies = Object.entries(template.findResources('AWS::IAM::Policy'))
      .filter(([, p]) => JSON.stringify(p).includes('ManageOwnRecorder'))
      .map(([id]) => id);
    expect(policies).toHaveLength(1);
    expect(resource?.DependsOn).toEqual(expect.arrayContaining(policies));
  });

  it('names the auto handler role per region, so an SCP can exempt it', () => {
    const template = synth('auto');

    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: { 'Fn::Join': ['', ['sg-guard-config-recorder-', { Ref: 'AWS::Region' }]] },
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
      },
    });
  });

  it('gives the auto handler its inline code and only the calls it makes', () => {
    const template = synth('auto');
    const partition = { Ref: 'AWS::Partition' };
    const serviceLinkedRole = {
      'Fn::Join': [
        '',
        [
          'arn:',
          partition,
          ':iam::',
          { Ref: 'AWS::AccountId' },
          ':role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig',
        ],
      ],
    };

    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Code: { ZipFile: Match.stringLikeRegexp('DescribeConfigurationRecorderStatusCommand') },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'ManageOwnRecorder',
            Effect: 'Allow',
            Action: [
              'config:DeleteConfigurationRecorder',
              'config:DeleteDeliveryChannel',
              'config:DescribeConfigurationRecorderStatus',
              'config:DescribeConfigurationRecorders',
              'config:DescribeDeliveryChannels',
              'config:PutConfigurationRecorder',
              'config:PutDeliveryChannel',
              'config:StartConfigurationRecorder',
              'config:StopConfigurationRecorder',
            ],
            Resource: '*',
          },
          {
            Sid: 'CreateConfigServiceLinkedRole',
            Effect: 'Allow',
            Action: 'iam:CreateServiceLinkedRole',
            Resource: serviceLinkedRole,
            Condition: { StringEquals: { 'iam:AWSServiceName': 'config.amazonaws.com' } },
          },
          {
            Sid: 'HandRecorderRoleToConfig',
            Effect: 'Allow',
            Action: 'iam:PassRole',
            Resource: serviceLinkedRole,
            Condition: { StringEquals: { 'iam:PassedToService': 'config.amazonaws.com' } },
          },
          {
            Sid: 'MakeDeliveryBucket',
            Effect: 'Allow',
            Action: [
              's3:CreateBucket',
              's3:PutBucketPolicy',
              's3:PutBucketPublicAccessBlock',
              's3:PutEncryptionConfiguration',
            ],
            Resource: {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  partition,
                  ':s3:::sg-guard-config-',
                  { Ref: 'AWS::AccountId' },
                  '-',
                  { Ref: 'AWS::Region' },
                ],
              ],
            },
          },
        ]),
      },
    });
  });
});
