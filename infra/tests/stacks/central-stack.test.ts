import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../lib/app.js';
import { loadConfig } from '../../lib/config.js';
import { CentralStack } from '../../lib/stacks/central-stack.js';

const config = loadConfig();
let template: Template;

beforeAll(() => {
  const stack = new CentralStack(createApp(), 'SgGuardCentral', {
    config,
    env: { account: config.central.accountId, region: config.central.region },
  });
  template = Template.fromStack(stack);
});

const keyRef = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] };

describe('CentralStack', () => {
  it('encrypts with a rotating customer-managed key under a fixed alias', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/sg-guard-findings' });
  });

  it('lets only the remediator roles of the organization use the key, through SNS in the central region', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'OrganizationRemediatorsThroughSns',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
            Condition: {
              StringEquals: {
                'aws:PrincipalOrgID': config.organizationId,
                'kms:ViaService': {
                  'Fn::Join': ['', ['sns.eu-west-1.', { Ref: 'AWS::URLSuffix' }]],
                },
              },
              ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/sg-guard-remediator-*' },
            },
          },
        ]),
      },
    });
  });

  it('names the remediator roles in every key statement open to other accounts', () => {
    const [key] = Object.values(template.findResources('AWS::KMS::Key'));
    const statements = key?.Properties.KeyPolicy.Statement as {
      Principal: { AWS?: unknown };
      Condition?: { ArnLike?: Record<string, string> };
    }[];
    const open = statements.filter((statement) => statement.Principal.AWS === '*');

    expect(open.length).toBeGreaterThan(0);
    for (const statement of open) {
      expect(statement.Condition?.ArnLike?.['aws:PrincipalArn']).toBe(
        'arn:aws:iam::*:role/sg-guard-remediator-*',
      );
    }
  });

  it('grants the key to no AWS service principal', () => {
    const [key] = Object.values(template.findResources('AWS::KMS::Key'));
    const principals = key?.Properties.KeyPolicy.Statement.map(
      (statement: { Principal: unknown }) => statement.Principal,
    );

    expect(principals).not.toContainEqual({ Service: expect.anything() });
  });

  it('creates the encrypted findings topic that member stacks address by name', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'sg-guard-findings',
      KmsMasterKeyId: keyRef,
    });
  });

  it('lets only the remediator roles of the organization publish findings, and only over TLS', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: Match.stringLikeRegexp('^FindingsTopic') }],
      PolicyDocument: {
        Statement: [
          {
            Sid: 'AllowPublishThroughSSLOnly',
            Effect: 'Deny',
            Principal: '*',
            Action: 'sns:Publish',
            Resource: { Ref: Match.stringLikeRegexp('^FindingsTopic') },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
          {
            Sid: 'OrganizationRemediatorsMayPublish',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: 'sns:Publish',
            Resource: { Ref: Match.stringLikeRegexp('^FindingsTopic') },
            Condition: {
              StringEquals: { 'aws:PrincipalOrgID': config.organizationId },
              ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/sg-guard-remediator-*' },
            },
          },
        ],
      },
    });
  });

  it('subscribes each mailbox to the notice actions it asked for', () => {
    for (const mailbox of config.notifications) {
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: mailbox.email,
        TopicArn: { Ref: Match.stringLikeRegexp('^FindingsTopic') },
        FilterPolicy: { action: mailbox.actions },
      });
    }
  });

  it('lets accounts of the organization forward alarms to the central bus', () => {
    template.hasResourceProperties('AWS::Events::EventBus', {
      Name: 'sg-guard-alarms',
      Policy: {
        Statement: [
          {
            Sid: 'OrganizationMayForwardAlarms',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: 'events:PutEvents',
            Resource: 'arn:aws:events:eu-west-1:111111111111:event-bus/sg-guard-alarms',
            Condition: { StringEquals: { 'aws:PrincipalOrgID': config.organizationId } },
          },
        ],
      },
    });
  });

  it('mails member alarms from an encrypted topic to the mailboxes that receive failures', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: Match.stringLikeRegexp('^AlarmsBus') },
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: { alarmName: [{ prefix: 'sg-guard-' }], state: { value: ['ALARM'] } },
      },
      Targets: [
        Match.objectLike({
          Arn: { Ref: Match.stringLikeRegexp('^AlarmsTopic') },
          RoleArn: Match.anyValue(),
        }),
      ],
    });
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'sg-guard-alarms',
      KmsMasterKeyId: keyRef,
    });
    const alarmMailboxes = Object.values(template.findResources('AWS::SNS::Subscription'))
      .filter((s) => JSON.stringify(s.Properties.TopicArn).includes('AlarmsTopic'))
      .map((s) => s.Properties.Endpoint);
    expect(alarmMailboxes.sort()).toEqual(
      config.notifications
        .filter((n) => n.actions.includes('failed'))
        .map((n) => n.email)
        .sort(),
    );
  });

  it('outputs the ARNs the other accounts need', () => {
    for (const output of ['FindingsTopicArn', 'FindingsKeyArn', 'AlarmsTopicArn', 'AlarmBusArn']) {
      template.hasOutput(output, {});
    }
  });
});
