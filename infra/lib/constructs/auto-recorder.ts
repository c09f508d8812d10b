import { readFileSync } from 'node:fs';
import { CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledge, nagGetAtt } from '../nag.js';

/** Prefix of the delivery bucket a created recorder uses: `<prefix><account>-<region>`. */
export const AUTO_RECORDER_BUCKET_PREFIX = 'sg-guard-config-';
/** Prefix of the handler's role; the region follows. */
export const AUTO_RECORDER_ROLE_PREFIX = 'sg-guard-config-recorder-';

/** Source of the inline handler; kept as a file so it can be unit-tested. */
export const AUTO_RECORDER_HANDLER_SOURCE = readFileSync(
  new URL('./auto-recorder-handler.cjs', import.meta.url),
  'utf8',
);

/**
 * Config recorder mode `auto`: a custom resource that creates a recorder only where the account
 * and region have no customer-managed one (Config allows one per region; Control Tower accounts
 * already have one), and uses an existing one only when it really records security groups
 * continuously with a delivery channel (else the instance fails with the fix). The delivery
 * bucket `sg-guard-config-<account>-<region>` and Config's service-linked role are made by the
 * handler, so they exist only where a recorder is created, not in every account-region. On
 * delete it removes only a recorder it created; an SCP that denies that is logged and tolerated.
 * It is a small `cr.Provider` with inline code: `AwsCustomResource` breaks inside a
 * StackSetStack.
 */
export class AutoRecorder extends Construct {
  /** The custom resource; `Created` tells whether it made the recorder. */
  readonly resource: CustomResource;
  /** The handler's role, `sg-guard-config-recorder-<region>` (named for SCP exemptions). */
  readonly handlerRole: iam.Role;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const { partition, account, region } = Stack.of(this);
    const bucketName = `${AUTO_RECORDER_BUCKET_PREFIX}${account}-${region}`;
    const serviceLinkedRole = `arn:${partition}:iam::${account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`;

    const handlerRole = new iam.Role(this, 'HandlerRole', {
      // IAM names are global: the region keeps the instances of one account apart.
      roleName: `${AUTO_RECORDER_ROLE_PREFIX}${region}`,
      description: 'sg-guard: creates an AWS Config recorder only where none exists',
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    this.handlerRole = handlerRole;
    handlerRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ManageOwnRecorder',
        actions: [
          'config:DescribeConfigurationRecorders',
          'config:DescribeConfigurationRecorderStatus',
          'config:DescribeDeliveryChannels',
          'config:PutConfigurationRecorder',
          'config:PutDeliveryChannel',
          'config:StartConfigurationRecorder',
          'config:StopConfigurationRecorder',
          'config:DeleteDeliveryChannel',
          'config:DeleteConfigurationRecorder',
        ],
        // Config recorders and delivery channels have no resource-level permissions.
        resources: ['*'],
      }),
    );
    handlerRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'CreateConfigServiceLinkedRole',
        actions: ['iam:CreateServiceLinkedRole'],
        resources: [serviceLinkedRole],
        conditions: { StringEquals: { 'iam:AWSServiceName': 'config.amazonaws.com' } },
      }),
    );
    handlerRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'HandRecorderRoleToConfig',
        actions: ['iam:PassRole'],
        resources: [serviceLinkedRole],
        conditions: { StringEquals: { 'iam:PassedToService': 'config.amazonaws.com' } },
      }),
    );
    handlerRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'MakeDeliveryBucket',
        actions: [
          's3:CreateBucket',
          's3:PutBucketPublicAccessBlock',
          's3:PutEncryptionConfiguration',
          's3:PutBucketPolicy',
        ],
        resources: [`arn:${partition}:s3:::${bucketName}`],
      }),
    );
    const handlerLogs = logGroup(this, 'HandlerLogs', handlerRole);
    const handler = new lambda.Function(this, 'Handler', {
      description: 'sg-guard: creates a Config recorder only where none exists',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromInline(AUTO_RECORDER_HANDLER_SOURCE),
      // Room for the backoff while IAM and S3 policy changes reach Config (about two minutes).
      timeout: Duration.minutes(5),
      role: handlerRole,
      logGroup: handlerLogs,
    });

    const providerRole = new iam.Role(this, 'ProviderRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: handler,
      frameworkOnEventRole: providerRole,
      logGroup: logGroup(this, 'ProviderLogs', providerRole),
    });

    acknowledge(handlerRole, {
      'AwsSolutions-IAM5[Resource::*]':
        'AWS Config recorders and delivery channels support no resource-level permissions',
    });
    acknowledge(providerRole, {
      [`AwsSolutions-IAM5[Resource::${nagGetAtt(handler.node.defaultChild as lambda.CfnFunction, 'Arn')}:*]`]:
        "The provider framework may invoke any version of this one handler (CDK's own grant)",
    });

    this.resource = new CustomResource(this, 'Recorder', {
      resourceType: 'Custom::SgGuardConfigRecorder',
      serviceToken: provider.serviceToken,
      properties: {
        RoleArn: serviceLinkedRole,
        BucketName: bucketName,
        AccountId: account,
        Region: region,
        Partition: partition,
      },
    });
    // The handler's policy must be in place before it runs (CDK orders the function after its
    // role's policy, but the custom resource only references the provider).
    this.resource.node.addDependency(handlerRole);
  }
}

function logGroup(scope: Construct, id: string, writer: iam.IGrantable): logs.LogGroup {
  const group = new logs.LogGroup(scope, id, {
    retention: logs.RetentionDays.THREE_MONTHS,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  group.grantWrite(writer);
  return group;
}
