import { REMEDIATOR_BUNDLE } from '@sg-guard/remediator/bundle-settings';
import { type RemediatorDeployment, remediatorEnvironment } from '@sg-guard/remediator/contract';
import { Duration, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.js';
import { NAMES } from '../naming.js';
import { bundledFunctionProps, createFunctionScaffold } from './function-scaffold.js';
import { LEDGER_ACTIONS } from './ledger-table.js';

/**
 * Where the central key lives. Its id is random and lives in another account, so the role may
 * use any key of the central account and region that carries our alias, and only through SNS.
 */
export interface CentralKeyGrant {
  /** The central (security) account. */
  readonly accountId: string;
  /** Region of the central topic (SNS uses the key there). */
  readonly region: string;
  /** The alias that picks our key among the account's keys. */
  readonly alias: string;
}

/** Settings of {@link RemediatorFunction}. */
export interface RemediatorFunctionProps {
  /**
   * The deployed settings; the environment is `remediatorEnvironment()` of them (the contract
   * the remediator's `readSettings` reads back). `ledgerTable` is taken from {@link ledgerTable}.
   */
  readonly settings: Omit<RemediatorDeployment, 'ledgerTable'>;
  /** The account-region's ledger (item calls on it, and its name in the environment). */
  readonly ledgerTable: dynamodb.ITable;
  /** The central key the findings topic is encrypted with. */
  readonly centralKey: CentralKeyGrant;
  /**
   * Handler entry file.
   * @default REMEDIATOR_BUNDLE.entry (`apps/remediator/src/handler.ts`)
   */
  readonly entry?: string;
  /**
   * Memory; CPU scales with it, and the cold start is CPU-bound module loading.
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * Timeout of one invocation (mode read, describes, ledger writes, changes and the publish;
   * a sweep stops before it and leaves the rest to the next one).
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
  /**
   * How long the remediator's decisions stay in its log group.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The remediator Lambda with everything it owns: a least-privilege role named per region (IAM
 * is global), its log group, and an encrypted dead-letter queue for async invocations that
 * still fail after two retries.
 */
export class RemediatorFunction extends Construct {
  /** The function. */
  readonly function: lambda.Function;
  /** Failed async invocations (with the event and the error) land here. */
  readonly deadLetterQueue: sqs.Queue;
  /** The execution role, `sg-guard-remediator-<region>`. */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: RemediatorFunctionProps) {
    super(scope, id);
    const { centralKey } = props;
    const settings: RemediatorDeployment = {
      ...props.settings,
      ledgerTable: props.ledgerTable.tableName,
    };

    const scaffold = createFunctionScaffold(this, {
      deadLetterQueueReason:
        'This queue is the dead-letter queue (of the Lambda and its EventBridge rules); it needs none of its own',
      logRetention: props.logRetention,
      roleName: `${NAMES.remediatorRolePrefix}${Stack.of(this).region}`,
      roleDescription: 'sg-guard remediator: closes internet exposure of security groups',
    });
    this.deadLetterQueue = scaffold.deadLetterQueue;
    this.role = scaffold.role;
    this.grantRemediation(settings, centralKey, props.ledgerTable);
    scaffold.logGroup.grantWrite(this.role);

    this.function = new lambda.Function(this, 'Function', {
      ...bundledFunctionProps(REMEDIATOR_BUNDLE, scaffold, props.entry),
      functionName: NAMES.remediatorFunction,
      description: 'sg-guard: removes internet exposure of SSH from security groups',
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(60),
      environment: remediatorEnvironment(settings),
    });
  }

  private grantRemediation(
    settings: RemediatorDeployment,
    centralKey: CentralKeyGrant,
    ledgerTable: dynamodb.ITable,
  ): void {
    const { partition, region, account, urlSuffix } = Stack.of(this);
    const here = `arn:${partition}:ec2:${region}:${account}`;
    const centralKeys = `kms:${centralKey.region}:${centralKey.accountId}:key/*`;
    const statements = [
      new iam.PolicyStatement({
        sid: 'ReadSecurityGroups',
        actions: [
          'ec2:DescribeSecurityGroupRules',
          'ec2:DescribeSecurityGroups',
          'ec2:GetManagedPrefixListEntries',
        ],
        // EC2 describe calls do not support resource-level permissions.
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'ChangeIngressOfThisAccountAndRegion',
        actions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'],
        resources: [`${here}:security-group/*`, `${here}:security-group-rule/*`],
      }),
      new iam.PolicyStatement({
        sid: 'PublishNotices',
        actions: ['sns:Publish'],
        resources: [settings.topicArn],
      }),
      new iam.PolicyStatement({
        sid: 'EncryptNoticesWithTheCentralKey',
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: [`arn:${partition}:${centralKeys}`],
        conditions: {
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': centralKey.alias },
          StringEquals: { 'kms:ViaService': `sns.${centralKey.region}.${urlSuffix}` },
        },
      }),
      new iam.PolicyStatement({
        sid: 'KeepTheLedger',
        actions: [...LEDGER_ACTIONS],
        resources: [ledgerTable.tableArn],
      }),
    ];
    if (settings.modeMap) {
      const bucket = `arn:${partition}:s3:::${settings.modeMap.bucket}`;
      const ownKey = `modes/${account}.json`;
      statements.push(
        new iam.PolicyStatement({
          sid: 'ReadOwnMode',
          actions: ['s3:GetObject'],
          resources: [`${bucket}/${ownKey}`],
        }),
        // Without ListBucket S3 answers a missing object with 403; with it, limited to the
        // account's own key, a brand-new account's absent object is a 404 (DESIGN.md).
        new iam.PolicyStatement({
          sid: 'TellAbsentModeFromUnreadable',
          actions: ['s3:ListBucket'],
          resources: [bucket],
          conditions: { StringEquals: { 's3:prefix': ownKey } },
        }),
      );
    }
    if (settings.securityHub) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'ImportOwnFindings',
          actions: ['securityhub:BatchImportFindings'],
          resources: [
            `arn:${partition}:securityhub:${region}:${account}:product/${account}/default`,
          ],
        }),
      );
    }
    for (const statement of statements) this.role.addToPolicy(statement);
    const ec2Here = 'arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>';
    acknowledge(this.role, {
      'AwsSolutions-IAM5[Resource::*]':
        'EC2 Describe* and GetManagedPrefixListEntries on AWS-owned lists need *; every action is named',
      [`AwsSolutions-IAM5[Resource::${ec2Here}:security-group/*]`]:
        'Any group of this account and region may be exposed; changes stay within them',
      [`AwsSolutions-IAM5[Resource::${ec2Here}:security-group-rule/*]`]:
        'Rules created when narrowing a range belong to groups of this account and region',
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]':
        'SNS needs the GenerateDataKey family to encrypt a notice for the central topic',
      [`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:${centralKeys}]`]:
        'The central key id is random and in another account; kms:ResourceAliases and kms:ViaService narrow this to our key via SNS',
    });
  }
}
