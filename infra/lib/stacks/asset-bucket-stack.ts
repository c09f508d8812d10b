import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { AssetBucket } from '../constructs/asset-bucket.js';

/** Settings of {@link AssetBucketStack}. */
export interface AssetBucketStackProps extends StackProps {
  /** `<prefix>-<region>` of the stack's region. */
  readonly bucketName: string;
  /** Accounts of this organization may read the assets. */
  readonly organizationId: string;
}

/** One target region's asset bucket, in the StackSets administrator account. */
export class AssetBucketStack extends Stack {
  /** The bucket the rollout stack uploads the member assets to. */
  readonly bucket: s3.IBucket;

  constructor(scope: Construct, id: string, props: AssetBucketStackProps) {
    super(scope, id, props);
    this.bucket = new AssetBucket(this, 'Assets', {
      bucketName: props.bucketName,
      organizationId: props.organizationId,
    }).bucket;
    new CfnOutput(this, 'AssetBucketName', { value: this.bucket.bucketName });
  }
}
