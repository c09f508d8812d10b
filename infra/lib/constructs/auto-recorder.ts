import { readFileSync } from 'node:fs';
import { CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledge, nagGetAtt } from '../nag.js';
import type { ConfigDelivery } from './config-delivery.js';

/** Source of the inline handler; kept as a file so it can be unit-tested. */
export const AUTO_RECORDER_HANDLER_SOURCE = readFileSync(
  new URL('./auto-recorder-handler.cjs', import.meta.url),
  'utf8',
);

/** Settings of {@link AutoRecorder}. */
export interface AutoRecorderProps {
  /** Bucket and role a recorder created here uses. */
  readonly delivery: ConfigDelivery;
}

/**
 * Config recorder mode `auto`: a custom resource that creates a recorder and delivery channel
 * only where the account and region have none (Config allows one recorder per region, and
 * Control Tower accounts already have one), and on delete removes only one it created. It is a
 * small `cr.Provider` with inline code: `AwsCustomResource` breaks inside a StackSetStack.
 */
export class AutoRecorder extends Construct {
  /** The custom resource; `Created` tells whether it made the recorder. */
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: AutoRecorderProps) {
    super(scope, id);
    const { delivery } = props;

    const handlerRole = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    handlerRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ManageOwnRecorder',
        actions: [
          'config:DescribeConfigurationRecorders',
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
        sid: 'HandRecorderRoleToConfig',
        actions: ['iam:PassRole'],
        resources: [delivery.role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'config.amazonaws.com' } },
      }),
    );
    const handlerLogs = logGroup(this, 'HandlerLogs', handlerRole);
    const handler = new lambda.Function(this, 'Handler', {
      description: 'sg-guard: creates a Config recorder only where none exists',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromInline(AUTO_RECORDER_HANDLER_SOURCE),
      timeout: Duration.minutes(2),
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
      properties: { RoleArn: delivery.role.roleArn, BucketName: delivery.bucket.bucketName },
    });
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
