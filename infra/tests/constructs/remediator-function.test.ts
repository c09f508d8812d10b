import { REMEDIATOR_ENV, remediatorEnvironment } from '@sg-guard/remediator/contract';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../lib/app.js';
import { LedgerTable } from '../../lib/constructs/ledger-table.js';
import {
  RemediatorFunction,
  type RemediatorFunctionProps,
} from '../../lib/constructs/remediator-function.js';

const FIXTURE_ENTRY = new URL('./fixtures/handler.ts', import.meta.url).pathname;
const topicArn = 'arn:aws:sns:eu-west-1:111111111111:sg-guard-findings';
const base: RemediatorFunctionProps['settings'] = {
  topicArn,
  ports: [22, 3389],
  strategy: 'narrow',
  defaultMode: 'notify',
  allowGroupExemptions: false,
  modeMap: { bucket: 'sg-guard-mode-map-o-a1b2c3d4e5', region: 'us-east-1' },
  securityHub: false,
};

function synth(settings: Partial<RemediatorFunctionProps['settings']> = {}): Template {
  const stack = new Stack(createApp(), 'Member');
  const ledger = new LedgerTable(stack, 'Ledger');
  new RemediatorFunction(stack, 'Remediator', {
    settings: { ...base, ...settings },
    ledgerTable: ledger.table,
    centralKey: {
      accountId: '111111111111',
      region: 'eu-west-1',
      alias: 'alias/sg-guard-findings',
    },
    entry: FIXTURE_ENTRY,
  });
  return Template.fromStack(stack);
}

const partition = { Ref: 'AWS::Partition' };
const account = { Ref: 'AWS::AccountId' };
const region = { Ref: 'AWS::Region' };
const ledgerArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^LedgerTable'), 'Arn'] };

function remediatorStatements(template: Template) {
  const [policy] = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
    JSON.stringify(p.Properties.Roles).includes('RemediatorRole'),
  );
  return policy?.Properties.PolicyDocument.Statement as { Sid?: string; Action: unknown }[];
}
const bySid = (template: Template, sid: string) =>
  remediatorStatements(template).find((statement) => statement.Sid === sid);

describe('RemediatorFunction', () => {
  it("takes its environment from the contract's remediatorEnvironment(), ledger table included", () => {
    const template = synth();

    const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
    const variables = fn?.Properties.Environment.Variables;
    const expected = remediatorEnvironment({ ...base, ledgerTable: 'LEDGER' });
    expect(Object.keys(variables).sort()).toEqual(Object.keys(expected).sort());
    expect({ ...variables, [REMEDIATOR_ENV.ledgerTable]: 'LEDGER' }).toEqual(expected);
    expect(variables[REMEDIATOR_ENV.ledgerTable]).toEqual({
      Ref: expect.stringMatching(/^LedgerTable/),
    });
    expect(variables).toMatchObject({
      SG_GUARD_MODE_BUCKET: 'sg-guard-mode-map-o-a1b2c3d4e5',
      SG_GUARD_MODE_BUCKET_REGION: 'us-east-1',
      SG_GUARD_SECURITY_HUB: 'false',
    });
    expect(variables.SG_GUARD_ORG_READER_ROLE_ARN).toBeUndefined();
  });

  it('may make exactly the ledger item calls, on the ledger table only', () => {
    const template = synth();

    expect(bySid(template, 'KeepTheLedger')).toEqual({
      Sid: 'KeepTheLedger',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      Resource: expect.objectContaining({
        'Fn::GetAtt': [expect.stringMatching(/^LedgerTable/), 'Arn'],
      }),
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'KeepTheLedger', Resource: ledgerArn }),
        ]),
      },
    });
  });

  it('may read its own mode object and list exactly that key, so an absent object is a 404', () => {
    const template = synth();

    expect(bySid(template, 'ReadOwnMode')).toEqual({
      Sid: 'ReadOwnMode',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: {
        'Fn::Join': [
          '',
          ['arn:', partition, ':s3:::sg-guard-mode-map-o-a1b2c3d4e5/modes/', account, '.json'],
        ],
      },
    });
    expect(bySid(template, 'TellAbsentModeFromUnreadable')).toEqual({
      Sid: 'TellAbsentModeFromUnreadable',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: { 'Fn::Join': ['', ['arn:', partition, ':s3:::sg-guard-mode-map-o-a1b2c3d4e5']] },
      Condition: {
        StringEquals: { 's3:prefix': { 'Fn::Join': ['', ['modes/', account, '.json']] } },
      },
    });
  });

  it('neither assumes a role nor reads a mode map when none is configured', () => {
    const template = synth({ modeMap: undefined });

    const actions = remediatorStatements(template).flatMap((s) => [s.Action].flat());
    expect(actions.filter((a) => String(a).startsWith('s3:'))).toEqual([]);
    expect(actions).not.toContain('sts:AssumeRole');
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(fn?.Properties.Environment.Variables.SG_GUARD_MODE_BUCKET).toBeUndefined();
  });

  it('may import findings into its own Security Hub product only, and only when it is on', () => {
    expect(bySid(synth(), 'ImportOwnFindings')).toBeUndefined();

    const template = synth({ securityHub: true });
    expect(bySid(template, 'ImportOwnFindings')).toEqual({
      Sid: 'ImportOwnFindings',
      Effect: 'Allow',
      Action: 'securityhub:BatchImportFindings',
      Resource: {
        'Fn::Join': [
          '',
          [
            'arn:',
            partition,
            ':securityhub:',
            region,
            ':',
            account,
            ':product/',
            account,
            '/default',
          ],
        ],
      },
    });
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(fn?.Properties.Environment.Variables.SG_GUARD_SECURITY_HUB).toBe('true');
  });

  it('reads groups and prefix lists with the describes it needs, and no more', () => {
    const template = synth();

    expect(bySid(template, 'ReadSecurityGroups')).toEqual({
      Sid: 'ReadSecurityGroups',
      Effect: 'Allow',
      Action: [
        'ec2:DescribeSecurityGroupRules',
        'ec2:DescribeSecurityGroups',
        'ec2:GetManagedPrefixListEntries',
      ],
      Resource: '*',
    });
  });
});
