import { MODE_PUBLISHER_BUNDLE } from '@sg-guard/mode-publisher/bundle-settings';
import {
  type ModePublisherDeployment,
  modePublisherEnvironment,
} from '@sg-guard/mode-publisher/contract';
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge, nagGetAtt } from '../nag.js';
import { NAMES } from '../naming.js';
import { bundledFunctionProps, createFunctionScaffold } from './function-scaffold.js';

/**
 * What the publisher calls on Organizations (`@sg-guard/aws`'s organization directory): the
 * tree walk (roots, the OUs and accounts under each parent), the tags of every level, and the
 * single-account and parent look-ups of an incremental update. All read-only.
 */
export const MODE_PUBLISHER_ORGANIZATIONS_ACTIONS = [
  'organizations:DescribeAccount',
  'organizations:ListAccountsForParent',
  'organizations:ListOrganizationalUnitsForParent',
  'organizations:ListParents',
  'organizations:ListRoots',
  'organizations:ListTagsForResource',
] as const;

/** Settings of {@link ModePublisherFunction}. */
export interface ModePublisherFunctionProps {
  /** The mode-map bucket it writes. */
  readonly bucket: s3.IBucket;
  /** Key prefix of the mode objects (`modes/`). */
  readonly prefix: string;
  /** The publisher's environment (bucket, default mode). */
  readonly deployment: ModePublisherDeployment;
  /**
   * Handler entry file.
   * @default MODE_PUBLISHER_BUNDLE.entry (`apps/mode-publisher/src/handler.ts`)
   */
  readonly entry?: string;
  /**
   * Timeout of one invocation. A full pass over 1,000 accounts makes a few thousand
   * Organizations calls under its throttling, with backoff.
   * @default Duration.minutes(10)
   */
  readonly timeout?: Duration;
  /**
   * Memory (CPU scales with it).
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Concurrent executions reserved (and allowed). With 1, a full pass and an event's pass never
   * race (the one that read the tags first could write last); invocations that find it busy are
   * retried by Lambda. Reserving needs 10 unreserved executions left in the account and region:
   * pass `undefined` where the account's concurrency quota is only 10.
   * @default 1
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * How long its log lines are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The mode publisher Lambda with what it owns: a role that can read Organizations and write
 * only the mode objects, its log group, and an encrypted dead-letter queue for invocations that
 * still fail after Lambda's two async retries.
 */
export class ModePublisherFunction extends Construct {
  /** The function. */
  readonly function: lambda.Function;
  /** Failed async invocations (event and error) land here. */
  readonly deadLetterQueue: sqs.Queue;
  /** The execution role, `sg-guard-mode-publisher`. */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ModePublisherFunctionProps) {
    super(scope, id);
    const scaffold = createFunctionScaffold(this, {
      deadLetterQueueReason:
        'This queue is the dead-letter queue of the publisher and its EventBridge rules; it needs none of its own',
      logRetention: props.logRetention,
      roleName: NAMES.modePublisherRole,
      roleDescription: 'sg-guard mode publisher: reads Organizations, writes the mode map',
    });
    this.deadLetterQueue = scaffold.deadLetterQueue;
    this.role = scaffold.role;
    scaffold.logGroup.grantWrite(this.role);
    this.grantPublishing(props.bucket, props.prefix);

    this.function = new lambda.Function(this, 'Function', {
      ...bundledFunctionProps(MODE_PUBLISHER_BUNDLE, scaffold, props.entry),
      functionName: NAMES.modePublisherFunction,
      description: "sg-guard: writes every account's mode to the mode map",
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.minutes(10),
      reservedConcurrentExecutions:
        'reservedConcurrentExecutions' in props ? props.reservedConcurrentExecutions : 1,
      environment: modePublisherEnvironment(props.deployment),
    });
  }

  private grantPublishing(bucket: s3.IBucket, prefix: string): void {
    const statements = [
      new iam.PolicyStatement({
        sid: 'ReadTheOrganization',
        actions: [...MODE_PUBLISHER_ORGANIZATIONS_ACTIONS],
        // Organizations ARNs embed the management account id, which a delegated administrator's
        // template cannot know; every action only reads.
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'WriteModeObjects',
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        resources: [bucket.arnForObjects(`${prefix}*`)],
      }),
      new iam.PolicyStatement({
        sid: 'ListModeObjects',
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': `${prefix}*` } },
      }),
    ];
    for (const statement of statements) this.role.addToPolicy(statement);
    const bucketArn = nagGetAtt(bucket.node.defaultChild as s3.CfnBucket, 'Arn');
    acknowledge(this.role, {
      'AwsSolutions-IAM5[Resource::*]':
        'Organizations ARNs embed the management account id, unknown to a delegated administrator; every action named only reads',
      [`AwsSolutions-IAM5[Resource::${bucketArn}/${prefix}*]`]:
        'One object per account of the organization, under the mode prefix of this bucket only',
    });
  }
}
