import { MODE_EVENT_DETAIL_TYPES, MODE_EVENT_NAMES } from '@sg-guard/mode-publisher/contract';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../lib/app.js';
import { loadConfig } from '../../lib/config.js';
import { MODE_PUBLISHER_ORGANIZATIONS_ACTIONS } from '../../lib/constructs/mode-publisher-function.js';
import { ModePublisherStack } from '../../lib/stacks/mode-publisher-stack.js';

const config = loadConfig();
const bucketName = 'sg-guard-mode-map-test';
const bucketArn = `arn:aws:s3:::${bucketName}`;
const remediators = {
  StringEquals: { 'aws:PrincipalOrgID': config.organizationId },
  ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/sg-guard-remediator-*' },
};
let template: Template;

function publisherStack(region: string) {
  return new ModePublisherStack(createApp(), 'SgGuardModePublisher', {
    config,
    bucketName,
    env: { account: '333333333333', region },
  });
}

beforeAll(() => {
  template = Template.fromStack(publisherStack('us-east-1'));
});

describe('ModePublisherStack', () => {
  it('keeps the mode map in a versioned, encrypted, private and retained bucket', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BucketName: bucketName,
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
      }),
    });
  });

  it("lets each organization remediator read its own account's object and list only that key", () => {
    const [policy, ...others] = Object.values(template.findResources('AWS::S3::BucketPolicy'));

    expect(others).toEqual([]);
    expect(policy?.Properties.PolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 's3:*',
          Resource: [
            { 'Fn::GetAtt': [expect.stringMatching(/^ModeMapBucket/), 'Arn'] },
            {
              'Fn::Join': [
                '',
                [{ 'Fn::GetAtt': [expect.stringMatching(/^ModeMapBucket/), 'Arn'] }, '/*'],
              ],
            },
          ],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
        {
          Sid: 'RemediatorsReadTheirOwnAccountsMode',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 's3:GetObject',
          Resource: `${bucketArn}/modes/\${aws:PrincipalAccount}.json`,
          Condition: remediators,
        },
        {
          Sid: 'RemediatorsListOnlyTheirOwnKey',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 's3:ListBucket',
          Resource: bucketArn,
          Condition: {
            StringEquals: {
              ...remediators.StringEquals,
              's3:prefix': `modes/\${aws:PrincipalAccount}.json`,
            },
            ArnLike: remediators.ArnLike,
          },
        },
      ],
    });
  });

  it('runs the publisher as a role only Lambda can assume, with the contract environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'sg-guard-mode-publisher',
      Runtime: 'nodejs24.x',
      Environment: {
        Variables: {
          SG_GUARD_MODE_BUCKET: bucketName,
          SG_GUARD_DEFAULT_MODE: config.remediation.defaultMode,
        },
      },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'sg-guard-mode-publisher',
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'lambda.amazonaws.com' },
            Action: 'sts:AssumeRole',
          },
        ],
      },
    });
  });

  it('can only read Organizations and write objects under modes/ of its bucket', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties.Roles).includes('PublisherRole'),
    );
    const statements = policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    const bucket = { 'Fn::GetAtt': [expect.stringMatching(/^ModeMapBucket/), 'Arn'] };

    expect(statements).toEqual(
      expect.arrayContaining([
        {
          Sid: 'ReadTheOrganization',
          Effect: 'Allow',
          Action: [...MODE_PUBLISHER_ORGANIZATIONS_ACTIONS],
          Resource: '*',
        },
        {
          Sid: 'WriteModeObjects',
          Effect: 'Allow',
          Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
          Resource: { 'Fn::Join': ['', [bucket, '/modes/*']] },
        },
        {
          Sid: 'ListModeObjects',
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: bucket,
          Condition: { StringLike: { 's3:prefix': 'modes/*' } },
        },
      ]),
    );
    const actions = statements.flatMap((s: { Action: string | string[] }) => [s.Action].flat());
    for (const action of MODE_PUBLISHER_ORGANIZATIONS_ACTIONS) {
      expect(action).toMatch(/^organizations:(Describe|List)/);
    }
    expect(actions.filter((a: string) => !a.startsWith('organizations:')).sort()).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      's3:DeleteObject',
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
  });

  it('runs a full pass every 5 minutes', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PublisherFunction'), 'Arn'] },
          DeadLetterConfig: { Arn: Match.anyValue() },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        }),
      ],
    });
  });

  it('updates the mode map on the Organizations calls that change a mode', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.organizations'],
        'detail-type': ['AWS API Call via CloudTrail', 'AWS Service Event via CloudTrail'],
        detail: {
          eventSource: ['organizations.amazonaws.com'],
          eventName: [
            'TagResource',
            'UntagResource',
            'MoveAccount',
            'CreateAccount',
            'CreateGovCloudAccount',
            'CreateAccountResult',
            'AcceptHandshake',
            'RemoveAccountFromOrganization',
          ],
          errorCode: [{ exists: false }],
        },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PublisherFunction'), 'Arn'] },
          DeadLetterConfig: { Arn: Match.anyValue() },
        }),
      ],
    });
  });

  it('matches exactly the Organizations events the publisher handles (its contract)', () => {
    const [rule] = Object.values(template.findResources('AWS::Events::Rule')).filter(
      (r) => r.Properties.EventPattern?.source?.[0] === 'aws.organizations',
    );

    expect(rule?.Properties.EventPattern['detail-type']).toEqual([...MODE_EVENT_DETAIL_TYPES]);
    expect(rule?.Properties.EventPattern.detail.eventName).toEqual([...MODE_EVENT_NAMES]);
  });

  it('runs one pass at a time, so a full pass and an event pass never race', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'sg-guard-mode-publisher',
      ReservedConcurrentExecutions: 1,
      Timeout: 600,
    });
  });

  it('retries failed invocations twice, then keeps them in an encrypted DLQ', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
  });

  it('alarms on dead letters, on a missing heartbeat and on events it did not understand', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'sg-guard-mode-publisher-deadletters',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'sg-guard-mode-publisher-heartbeat',
      Namespace: 'sg-guard',
      MetricName: 'fullPassCompleted',
      Dimensions: [{ Name: 'service', Value: 'mode-publisher' }],
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      Period: 900,
      TreatMissingData: 'breaching',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'sg-guard-mode-publisher-ignoredevents',
      MetricName: 'ignoredEvents',
      TreatMissingData: 'notBreaching',
    });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
  });

  it('forwards its alarms to the central alarm bus', () => {
    const forward = Object.values(template.findResources('AWS::Events::Rule')).filter(
      (rule) => rule.Properties.EventPattern?.source?.[0] === 'aws.cloudwatch',
    );

    expect(forward).toHaveLength(1);
    expect(forward[0]?.Properties.EventPattern['detail-type']).toEqual([
      'CloudWatch Alarm State Change',
    ]);
    expect(JSON.stringify(forward[0]?.Properties.Targets)).toContain(
      `:events:${config.central.region}:${config.central.accountId}:event-bus/sg-guard-alarms`,
    );
  });

  it('outputs what the remediators are told: the bucket and its region', () => {
    template.hasOutput('ModeBucketName', { Value: { Ref: Match.stringLikeRegexp('^ModeMap') } });
    template.hasOutput('ModeBucketRegion', { Value: 'us-east-1' });
  });

  it('refuses to synthesize outside us-east-1, where its Organizations rule would never fire', () => {
    const stack = publisherStack('eu-west-1');

    expect(() => Template.fromStack(stack)).toThrow(
      /must be deployed in us-east-1, where Organizations delivers its CloudTrail events; its region is eu-west-1/,
    );
  });
});
