import { MODE_MAP_KEY_PREFIX } from '@sg-guard/mode-publisher/contract';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.js';
import { remediatorsOf } from '../naming.js';

/** Settings of {@link ModeMapBucket}. */
export interface ModeMapBucketProps {
  /** Fixed name: every remediator is told it (`SG_GUARD_MODE_BUCKET`). */
  readonly bucketName: string;
  /** Only principals of this organization may read. */
  readonly organizationId: string;
  /**
   * Key prefix of the mode objects (`modes/<accountId>.json`).
   * @default MODE_MAP_KEY_PREFIX (`modes/`, the publisher's contract)
   */
  readonly prefix?: string;
  /**
   * Name pattern of the roles that may read their own account's object.
   * @default `${NAMES.remediatorRolePrefix}*` (`sg-guard-remediator-*`)
   */
  readonly readerRoleNamePattern?: string;
  /**
   * How long a replaced or deleted mode object stays recoverable.
   * @default Duration.days(30)
   */
  readonly noncurrentVersionExpiration?: Duration;
}

/**
 * The mode map: one object per account, `modes/<accountId>.json`, written by the mode
 * publisher. The bucket policy lets a role named `sg-guard-remediator-*` of an organization
 * account read its own account's object and nothing else: `${aws:PrincipalAccount}` in the
 * resource (IAM resolves policy variables in the resource part of an ARN, and the key is in
 * every signed request's context), and `s3:ListBucket` only with `s3:prefix` equal to that
 * key, so a remediator can tell an absent object (empty listing) from an unreadable one.
 * SSE-S3 rather than a KMS key: cross-account readers then need no key grant.
 */
export class ModeMapBucket extends Construct {
  /** The bucket (versioned, retained). */
  readonly bucket: s3.Bucket;
  /** Key prefix of the mode objects. */
  readonly prefix: string;

  constructor(scope: Construct, id: string, props: ModeMapBucketProps) {
    super(scope, id);
    this.prefix = props.prefix ?? MODE_MAP_KEY_PREFIX;
    const { partition } = Stack.of(this);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Every member reads it: deleting the stack must not switch the organization to defaults.
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'ExpireReplacedModes',
          noncurrentVersionExpiration: props.noncurrentVersionExpiration ?? Duration.days(30),
          expiredObjectDeleteMarker: true,
        },
      ],
    });

    const bucketArn = `arn:${partition}:s3:::${props.bucketName}`;
    const ownKey = `${this.prefix}\${aws:PrincipalAccount}.json`;
    const readers = remediatorsOf(props.organizationId, partition, props.readerRoleNamePattern);
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'RemediatorsReadTheirOwnAccountsMode',
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:GetObject'],
        resources: [`${bucketArn}/${ownKey}`],
        conditions: readers,
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'RemediatorsListOnlyTheirOwnKey',
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:ListBucket'],
        resources: [bucketArn],
        conditions: {
          ...readers,
          StringEquals: { ...readers.StringEquals, 's3:prefix': ownKey },
        },
      }),
    );
    acknowledge(this.bucket, {
      'AwsSolutions-S1':
        'The objects are derived from Organizations and rewritten by the publisher; versioning keeps their history and CloudTrail data events can audit reads',
    });
  }
}
