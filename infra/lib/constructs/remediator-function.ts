import { REMEDIATOR_BUNDLE } from '@sg-guard/remediator/bundle-settings';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.js';
import { NAMES } from '../naming.js';

/** What the remediator is told through its environment (the `SG_GUARD_*` settings). */
export interface RemediatorSettings {
  /** ARN of the central findings topic. */
  readonly topicArn: string;
  /** Ports whose exposure to the internet is remediated. */
  readonly ports: readonly number[];
  /** `narrow` keeps the other ports of a range; `revoke` removes the whole rule. */
  readonly strategy: 'narrow' | 'revoke';
  /** Mode where no `sg-guard:mode` tag applies. */
  readonly defaultMode: 'enforce' | 'notify' | 'off';
  /** Whether `sg-guard:exempt` group tags are honoured. */
  readonly allowGroupExemptions: boolean;
  /** ARN of the org reader role; without it the default mode applies everywhere. */
  readonly orgReaderRoleArn?: string;
}

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
  /** The remediator's environment. */
  readonly settings: RemediatorSettings;
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
   * Timeout of one invocation (role assumption, describes, changes and the publish).
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
  readonly function: nodejs.NodejsFunction;
  /** Failed async invocations (with the event and the error) land here. */
  readonly deadLetterQueue: sqs.Queue;
  /** The execution role, `sg-guard-remediator-<region>`. */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: RemediatorFunctionProps) {
    super(scope, id);
    const { settings, centralKey } = props;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      // SQS-managed keys: the Lambda service can send without a KMS grant.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(this.deadLetterQueue, {
      'AwsSolutions-SQS3':
        'This queue is the dead-letter queue (of the Lambda and its EventBridge rules); it needs none of its own',
    });
    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      roleName: `${NAMES.remediatorRolePrefix}${Stack.of(this).region}`,
      description: 'sg-guard remediator: closes internet exposure of security groups',
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    this.grantRemediation(settings, centralKey);
    logGroup.grantWrite(this.role);

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      functionName: NAMES.remediatorFunction,
      description: 'sg-guard: removes internet exposure of SSH from security groups',
      entry: props.entry ?? REMEDIATOR_BUNDLE.entry,
      handler: REMEDIATOR_BUNDLE.handlerExport,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(60),
      role: this.role,
      logGroup,
      environment: environmentOf(settings),
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
      retryAttempts: 2,
      bundling: {
        minify: REMEDIATOR_BUNDLE.minify,
        sourceMap: REMEDIATOR_BUNDLE.sourcemap,
        target: REMEDIATOR_BUNDLE.target,
        format: nodejs.OutputFormat.ESM,
        mainFields: [...REMEDIATOR_BUNDLE.mainFields],
        banner: REMEDIATOR_BUNDLE.banner,
        externalModules: [...REMEDIATOR_BUNDLE.external],
        bundleAwsSDK: true,
        forceDockerBundling: false,
      },
    });
  }

  private grantRemediation(settings: RemediatorSettings, centralKey: CentralKeyGrant): void {
    const { partition, region, account, urlSuffix } = Stack.of(this);
    const here = `arn:${partition}:ec2:${region}:${account}`;
    const centralKeys = `kms:${centralKey.region}:${centralKey.accountId}:key/*`;
    const statements = [
      new iam.PolicyStatement({
        sid: 'ReadSecurityGroups',
        actions: [
          'ec2:DescribeSecurityGroupRules',
          'ec2:DescribeSecurityGroups',
          'ec2:DescribeManagedPrefixLists',
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
    ];
    if (settings.orgReaderRoleArn) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'ReadOrganizationTags',
          actions: ['sts:AssumeRole'],
          resources: [settings.orgReaderRoleArn],
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

/** The remediator's `SG_GUARD_*` variables. */
export function environmentOf(settings: RemediatorSettings): Record<string, string> {
  return {
    SG_GUARD_TOPIC_ARN: settings.topicArn,
    SG_GUARD_PORTS: settings.ports.join(','),
    SG_GUARD_STRATEGY: settings.strategy,
    SG_GUARD_DEFAULT_MODE: settings.defaultMode,
    SG_GUARD_ALLOW_GROUP_EXEMPTIONS: String(settings.allowGroupExemptions),
    ...(settings.orgReaderRoleArn
      ? { SG_GUARD_ORG_READER_ROLE_ARN: settings.orgReaderRoleArn }
      : {}),
  };
}
