import { LEDGER_TABLE } from '@sg-guard/remediation-core/ledger-table';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

/**
 * The item calls the remediator makes on its ledger (the IAM suite proves each is needed). A
 * `TransactWriteItems` call is authorized per item as the underlying `PutItem` and `UpdateItem`
 * (there is no separate IAM action: "Using IAM with DynamoDB transactions" in the DynamoDB
 * developer guide). Pending entries are found with a `Query` on the heads' partition, so no
 * `Scan`.
 */
export const LEDGER_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:UpdateItem',
] as const;

/**
 * The remediation ledger of one account-region (DESIGN.md "Trust and durability"): the layout
 * is the core's `LEDGER_TABLE`, so the adapter, the emulator estates and this table agree.
 * The name is fixed: DynamoDB table names are per account and region, and every stack instance
 * is one account-region.
 *
 * Encrypted with the AWS-owned key: entries hold group ids, rules and records, not secrets; an
 * AWS-owned key needs no key policy or `kms:*` grant for the remediator and the operators'
 * `sg-guard fix`/`undo`, costs nothing per request, and a customer key per account-region
 * (17,000 of them at 1,000 accounts × 17 regions) would add cost and a way to lock sg-guard
 * out of its own records without protecting anything the table's IAM does not already.
 */
export class LedgerTable extends Construct {
  /** The table, `sg-guard-ledger`. */
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      tableName: LEDGER_TABLE.name,
      partitionKey: { name: LEDGER_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: LEDGER_TABLE.sortKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: LEDGER_TABLE.ttlAttribute,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.DEFAULT,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // A change without its record is a lost change: the records outlive the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
