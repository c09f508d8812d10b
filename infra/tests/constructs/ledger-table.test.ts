import { LEDGER_TABLE } from '@sg-guard/remediation-core/ledger-table';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../lib/app.js';
import { LEDGER_ACTIONS, LedgerTable } from '../../lib/constructs/ledger-table.js';

function synth(): Template {
  const stack = new Stack(createApp(), 'Member');
  new LedgerTable(stack, 'Ledger');
  return Template.fromStack(stack);
}

describe('LedgerTable', () => {
  it("is the core's table layout: sg-guard-ledger, string partition and sort keys, TTL", () => {
    const template = synth();

    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'sg-guard-ledger',
      KeySchema: [
        { AttributeName: LEDGER_TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: LEDGER_TABLE.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: LEDGER_TABLE.partitionKey, AttributeType: 'S' },
        { AttributeName: LEDGER_TABLE.sortKey, AttributeType: 'S' },
      ],
      TimeToLiveSpecification: { AttributeName: LEDGER_TABLE.ttlAttribute, Enabled: true },
    });
    expect(LEDGER_TABLE.name).toBe('sg-guard-ledger');
  });

  it('is on-demand, with point-in-time recovery, and outlives the stack', () => {
    const template = synth();

    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
    });
  });

  it('is encrypted with the AWS-owned key, so no key policy or KMS grant is needed', () => {
    const template = synth();

    const [table] = Object.values(template.findResources('AWS::DynamoDB::Table'));
    // DynamoDB encrypts every table at rest: SSEEnabled false is the AWS-owned key (true would
    // be the AWS managed KMS key aws/dynamodb, which needs KMS calls and grants).
    expect(table?.Properties.SSESpecification).toEqual({ SSEEnabled: false });
    template.resourceCountIs('AWS::KMS::Key', 0);
  });

  it('names only item calls and Query: transactions are authorized per item, no Scan', () => {
    expect([...LEDGER_ACTIONS]).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
  });
});
