import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.js';

/** Settings of {@link AssetBucket}. */
export interface AssetBucketProps {
  /** `<prefix>-<region>`: the member template finds its code by that name. */
  readonly bucketName: string;
  /** Accounts of this organization may read the assets. */
  readonly organizationId: string;
}

/**
 * Holds the member stack's file assets (Lambda code) in one region. A Lambda function can only
 * load code from a bucket in its own region, so cdk-stacksets needs one such bucket per target
 * region, readable by every account the StackSet deploys to.
 */
export class AssetBucket extends Construct {
  /** The bucket. */
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AssetBucketProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Stack instances keep referring to the code until the StackSet is gone.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OrganizationReadsAssets',
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } },
      }),
    );
    acknowledge(this.bucket, {
      'AwsSolutions-S1':
        'Holds only build artifacts written by the rollout stack; reads are by CloudFormation and Lambda of the organization',
    });
  }
}
