import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, type IDependable } from 'constructs';
import { acknowledge, nagGetAtt } from '../nag.js';

/**
 * What a Config recorder the member stack creates with CloudFormation (`create` mode) needs: a
 * bucket for the delivery channel and the role the recorder runs as. The role is a stack-named role rather than the global
 * `AWSServiceRoleForConfig` service-linked role, so that instances in several regions of one
 * account never collide over one global name, and none has to create it first.
 */
export class ConfigDelivery extends Construct {
  /** Delivery-channel bucket (kept on uninstall: it holds configuration history). */
  readonly bucket: s3.Bucket;
  /** Role the recorder assumes. */
  readonly role: iam.Role;
  /**
   * What the recorder and its delivery channel must wait for: the role with its policy (Config
   * checks bucket access through it: `InsufficientDeliveryPolicyException` otherwise) and the
   * bucket policy. A reference to the role's ARN alone orders nothing after its policy.
   */
  readonly ready: IDependable[];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const { account } = Stack.of(this);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'RecorderRole', {
      description: 'sg-guard: the AWS Config recorder created by the member stack',
      assumedBy: new iam.ServicePrincipal('config.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWS_ConfigRole')],
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DeliverConfigurationHistory',
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`AWSLogs/${account}/Config/*`)],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'CheckDeliveryBucket',
        actions: ['s3:GetBucketAcl'],
        resources: [this.bucket.bucketArn],
      }),
    );
    this.ready = [this.role, this.bucket.policy ?? this.bucket];
    acknowledge(this.bucket, {
      'AwsSolutions-S1':
        'Only AWS Config writes here, under its own role; CloudTrail records who changed the bucket',
    });
    acknowledge(this.role, {
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWS_ConfigRole]':
        "AWS's maintained list of the read calls Config makes for every resource type it records",
      [`AwsSolutions-IAM5[Resource::${nagGetAtt(this.bucket.node.defaultChild as s3.CfnBucket, 'Arn')}/AWSLogs/<AWS::AccountId>/Config/*]`]:
        'Config writes one object per delivery under its own prefix of this account',
    });
  }
}
