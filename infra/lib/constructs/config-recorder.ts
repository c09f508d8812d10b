import * as config from 'aws-cdk-lib/aws-config';
import { Construct, type IDependable } from 'constructs';
import { NAMES } from '../naming.js';
import { AutoRecorder } from './auto-recorder.js';
import { ConfigDelivery } from './config-delivery.js';

/** How the member stack gets a recorder: detect one, trust one exists, or create one. */
export type RecorderMode = 'auto' | 'existing' | 'create';

/** Settings of {@link ConfigRecorder}. */
export interface ConfigRecorderProps {
  /**
   * `auto` creates one only where none exists and checks an existing one; `existing` assumes
   * one records security groups (unchecked); `create` creates one with CloudFormation (fails
   * where one exists).
   * @default 'auto'
   */
  readonly mode?: RecorderMode;
}

/**
 * Makes sure an AWS Config recorder records security groups before the Config rule is created
 * (Config allows one recorder per account and region).
 */
export class ConfigRecorder extends Construct {
  /** What the Config rule must wait for; nothing in `existing` mode. */
  readonly ready: IDependable[] = [];

  constructor(scope: Construct, id: string, props: ConfigRecorderProps = {}) {
    super(scope, id);
    const mode = props.mode ?? 'auto';
    if (mode === 'existing') return;

    if (mode === 'auto') {
      // The custom resource makes the bucket and role only where it creates a recorder.
      this.ready.push(new AutoRecorder(this, 'Auto').resource);
      return;
    }
    const delivery = new ConfigDelivery(this, 'Delivery');
    const recorder = new config.CfnConfigurationRecorder(this, 'Recorder', {
      name: NAMES.recorder,
      roleArn: delivery.role.roleArn,
      recordingGroup: {
        allSupported: false,
        includeGlobalResourceTypes: false,
        resourceTypes: ['AWS::EC2::SecurityGroup'],
      },
      recordingMode: { recordingFrequency: 'CONTINUOUS' },
    });
    const channel = new config.CfnDeliveryChannel(this, 'DeliveryChannel', {
      name: NAMES.recorder,
      s3BucketName: delivery.bucket.bucketName,
    });
    // Config refuses a delivery channel before a recorder, and checks the bucket through the
    // recorder's role: both wait for the role's policy and the bucket policy. CloudFormation's
    // Config handler does not retry InsufficientDeliveryPolicyException the way `auto`'s
    // custom resource does; a failed instance is retried with update-stack-instances.
    for (const dependency of delivery.ready) {
      recorder.node.addDependency(dependency);
      channel.node.addDependency(dependency);
    }
    channel.addDependency(recorder);
    this.ready.push(recorder, channel);
  }
}
