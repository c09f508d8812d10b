import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SynthesizedApp, synthesizeApp } from '../support/synth.js';

let synthesized: SynthesizedApp;
let member: Template;

beforeAll(() => {
  synthesized = synthesizeApp();
  member = synthesized.member.template;
});
afterAll(() => synthesized?.dispose());

const partition = { Ref: 'AWS::Partition' };
const arn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', partition, rest]] });
const topicArn = arn(':sns:eu-west-1:111111111111:sg-guard-findings');
const centralBusArn = arn(':events:eu-west-1:111111111111:event-bus/sg-guard-alarms');
const remediatorArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^RemediatorFunction'), 'Arn'] };
const dlqArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^RemediatorDeadLetterQueue'), 'Arn'] };

describe('MemberStack (read from the synthesized StackSet template)', () => {
  it('is written as a file asset of the rollout stack, not as a stack of its own', () => {
    expect(synthesized.member.file).toMatch(/\.stackset\.template\.json$/);
    expect(synthesized.assembly.stacks.map((s) => s.stackName)).not.toContain(
      synthesized.member.file.replace('.stackset.template.json', ''),
    );
  });

  it('is environment-agnostic: no parameters, no imports, account and region from pseudo parameters', () => {
    expect(synthesized.member.json.Parameters).toBeUndefined();
    expect(JSON.stringify(synthesized.member.json)).not.toContain('Fn::ImportValue');
    expect(JSON.stringify(synthesized.member.json)).not.toContain('222222222222:');
  });

  it('deploys the managed rule restricted-ssh on security groups, after the recorder', () => {
    member.hasResource('AWS::Config::ConfigRule', {
      Properties: {
        ConfigRuleName: 'sg-guard-restricted-ssh',
        Description: Match.anyValue(),
        Source: { Owner: 'AWS', SourceIdentifier: 'INCOMING_SSH_DISABLED' },
        Scope: { ComplianceResourceTypes: ['AWS::EC2::SecurityGroup'] },
      },
      DependsOn: [Match.stringLikeRegexp('^RecorderAutoRecorder')],
    });
  });

  it('detects the Config recorder (auto mode, the example config)', () => {
    member.resourceCountIs('Custom::SgGuardConfigRecorder', 1);
    member.resourceCountIs('AWS::Config::ConfigurationRecorder', 0);
  });

  it('invokes the remediator when the rule finds a group NON_COMPLIANT', () => {
    member.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.config'],
        'detail-type': ['Config Rules Compliance Change'],
        detail: {
          messageType: ['ComplianceChangeNotification'],
          configRuleName: ['sg-guard-restricted-ssh'],
          newEvaluationResult: { complianceType: ['NON_COMPLIANT'] },
        },
      },
      Targets: [Match.objectLike({ Arn: remediatorArn, DeadLetterConfig: { Arn: dlqArn } })],
    });
  });

  it('invokes the remediator on successful ingress and prefix-list API calls (fast path)', () => {
    member.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
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
      },
      Targets: [Match.objectLike({ Arn: remediatorArn })],
    });
  });

  it('runs the remediator on arm64 Node.js 24, code from the regional asset bucket', () => {
    member.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'sg-guard-remediator',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Code: {
        S3Bucket: { 'Fn::Join': ['-', ['sg-guard-assets-222222222222', { Ref: 'AWS::Region' }]] },
        S3Key: Match.stringLikeRegexp('^[0-9a-f]{64}\\.zip$'),
      },
    });
  });

  it('gives the remediator exactly the settings of the config, and no org reader role', () => {
    member.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'sg-guard-remediator',
      Environment: {
        Variables: {
          SG_GUARD_TOPIC_ARN: topicArn,
          SG_GUARD_PORTS: '22',
          SG_GUARD_STRATEGY: 'narrow',
          SG_GUARD_DEFAULT_MODE: 'notify',
          SG_GUARD_ALLOW_GROUP_EXEMPTIONS: 'false',
          SG_GUARD_LEDGER_TABLE: { Ref: Match.stringLikeRegexp('^LedgerTable') },
          SG_GUARD_MODE_BUCKET: 'sg-guard-mode-map-o-a1b2c3d4e5',
          SG_GUARD_MODE_BUCKET_REGION: 'us-east-1',
          SG_GUARD_SECURITY_HUB: 'false',
        },
      },
    });
  });

  it('keeps a retained, on-demand, point-in-time-recoverable ledger named sg-guard-ledger', () => {
    member.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        TableName: 'sg-guard-ledger',
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      }),
    });
  });

  it('sweeps every hour with the Scheduled Event shape, into the same DLQ', () => {
    member.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [
        Match.objectLike({
          Arn: remediatorArn,
          DeadLetterConfig: { Arn: dlqArn },
          Input: Match.absent(),
        }),
      ],
    });
  });

  it('retries a failed async invocation twice, then keeps it in the dead-letter queue', () => {
    member.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: dlqArn } },
    });
  });

  it('encrypts the dead-letter queue and accepts it only over TLS', () => {
    member.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    member.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sqs:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('names the remediator role per region, since IAM names are global to the account', () => {
    member.hasResourceProperties('AWS::IAM::Role', {
      RoleName: { 'Fn::Join': ['', ['sg-guard-remediator-', { Ref: 'AWS::Region' }]] },
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'lambda.amazonaws.com' },
          },
        ],
      },
    });
    const fixedNames = Object.values(member.findResources('AWS::IAM::Role'))
      .map((role) => role.Properties.RoleName)
      .filter((name) => name !== undefined);
    for (const name of fixedNames) expect(JSON.stringify(name)).toContain('AWS::Region');
  });

  it('grants the remediator only what it calls, where it calls it', () => {
    const here = (type: string) => ({
      'Fn::Join': [
        '',
        [
          'arn:',
          partition,
          ':ec2:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          `:${type}/*`,
        ],
      ],
    });

    // An array in the pattern must match exactly: these statements and no others.
    member.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^RemediatorRole') }],
      PolicyDocument: {
        Statement: [
          {
            Sid: 'ReadSecurityGroups',
            Effect: 'Allow',
            Action: [
              'ec2:DescribeSecurityGroupRules',
              'ec2:DescribeSecurityGroups',
              'ec2:GetManagedPrefixListEntries',
            ],
            Resource: '*',
          },
          {
            Sid: 'ChangeIngressOfThisAccountAndRegion',
            Effect: 'Allow',
            Action: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'],
            Resource: [here('security-group-rule'), here('security-group')],
          },
          { Sid: 'PublishNotices', Effect: 'Allow', Action: 'sns:Publish', Resource: topicArn },
          {
            Sid: 'EncryptNoticesWithTheCentralKey',
            Effect: 'Allow',
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: arn(':kms:eu-west-1:111111111111:key/*'),
            Condition: {
              'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/sg-guard-findings' },
              StringEquals: {
                'kms:ViaService': {
                  'Fn::Join': ['', ['sns.eu-west-1.', { Ref: 'AWS::URLSuffix' }]],
                },
              },
            },
          },
          {
            Sid: 'KeepTheLedger',
            Effect: 'Allow',
            Action: [
              'dynamodb:GetItem',
              'dynamodb:PutItem',
              'dynamodb:Query',
              'dynamodb:UpdateItem',
            ],
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LedgerTable'), 'Arn'] },
          },
          {
            Sid: 'ReadOwnMode',
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  partition,
                  ':s3:::sg-guard-mode-map-o-a1b2c3d4e5/modes/',
                  { Ref: 'AWS::AccountId' },
                  '.json',
                ],
              ],
            },
          },
          {
            Sid: 'TellAbsentModeFromUnreadable',
            Effect: 'Allow',
            Action: 's3:ListBucket',
            Resource: arn(':s3:::sg-guard-mode-map-o-a1b2c3d4e5'),
            Condition: {
              StringEquals: {
                's3:prefix': { 'Fn::Join': ['', ['modes/', { Ref: 'AWS::AccountId' }, '.json']] },
              },
            },
          },
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RemediatorLogGroup'), 'Arn'] },
          },
          {
            Effect: 'Allow',
            Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
            Resource: dlqArn,
          },
        ],
      },
    });
  });

  it('keeps the remediator log for a year', () => {
    member.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  it('alarms on what retries did not fix, never on raw Lambda errors', () => {
    const alarms = Object.values(member.findResources('AWS::CloudWatch::Alarm')).map((a) => ({
      name: a.Properties.AlarmName,
      metric: a.Properties.MetricName,
    }));

    expect(alarms).toEqual([
      { name: 'sg-guard-remediator-deadletters', metric: 'ApproximateNumberOfMessagesVisible' },
      { name: 'sg-guard-remediator-failed', metric: 'failed' },
      { name: 'sg-guard-remediator-ignoredevents', metric: 'ignoredEvents' },
      { name: 'sg-guard-remediator-publishfailed', metric: 'publishFailed' },
      { name: 'sg-guard-remediator-unpublishedentries', metric: 'unpublishedEntries' },
      { name: 'sg-guard-remediator-sweepmissing', metric: 'sweepCompleted' },
    ]);
  });

  it('forwards its alarms to the central bus with a role that may only put events there', () => {
    member.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        resources: Match.arrayWith([
          { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlarmsFailed'), 'Arn'] },
        ]),
        detail: { state: { value: ['ALARM'] } },
      },
      Targets: [Match.objectLike({ Arn: centralBusArn, RoleArn: Match.anyValue() })],
    });
    member.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: centralBusArn }],
      },
    });
  });
});
