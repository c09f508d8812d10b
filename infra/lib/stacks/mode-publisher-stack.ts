import { CfnOutput, Stack, type StackProps, Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { SgGuardConfig } from '../config.js';
import { ModeMapBucket } from '../constructs/mode-map-bucket.js';
import { ModePublisherAlarms } from '../constructs/mode-publisher-alarms.js';
import { ModePublisherFunction } from '../constructs/mode-publisher-function.js';
import { ModePublisherTriggers } from '../constructs/mode-publisher-triggers.js';
import { centralArns, ORGANIZATIONS_EVENTS_REGION } from '../naming.js';

/** Settings of {@link ModePublisherStack}. */
export interface ModePublisherStackProps extends StackProps {
  /** The validated sg-guard config. */
  readonly config: SgGuardConfig;
  /** The mode map's bucket name (`modeMap.bucketName` of the config). */
  readonly bucketName: string;
}

/**
 * The mode map, in the management account or the Organizations delegated administrator: the
 * bucket every remediator reads its own account's mode from, and the publisher that keeps it
 * current (every 5 minutes, and on Organizations events). Must be deployed in us-east-1, the
 * only region Organizations delivers its CloudTrail events to.
 */
export class ModePublisherStack extends Stack {
  /** The mode-map bucket. */
  readonly modeMap: ModeMapBucket;
  /** The publisher. */
  readonly publisher: ModePublisherFunction;

  constructor(scope: Construct, id: string, props: ModePublisherStackProps) {
    super(scope, id, props);
    // Elsewhere the stack would deploy fine and its Organizations rule would never fire.
    this.node.addValidation({
      validate: () =>
        !Token.isUnresolved(this.region) && this.region === ORGANIZATIONS_EVENTS_REGION
          ? []
          : [
              `${this.stackName} must be deployed in ${ORGANIZATIONS_EVENTS_REGION}, where Organizations delivers its CloudTrail events; its region is ${Token.isUnresolved(this.region) ? 'not set' : this.region}`,
            ],
    });
    const { config } = props;
    this.modeMap = new ModeMapBucket(this, 'ModeMap', {
      bucketName: props.bucketName,
      organizationId: config.organizationId,
    });
    this.publisher = new ModePublisherFunction(this, 'Publisher', {
      bucket: this.modeMap.bucket,
      prefix: this.modeMap.prefix,
      deployment: {
        modeBucket: props.bucketName,
        defaultMode: config.remediation.defaultMode,
      },
    });
    new ModePublisherTriggers(this, 'Triggers', {
      function: this.publisher.function,
      deadLetterQueue: this.publisher.deadLetterQueue,
    });
    new ModePublisherAlarms(this, 'Alarms', {
      deadLetterQueue: this.publisher.deadLetterQueue,
      centralBusArn: centralArns(config).alarmBus,
    });

    new CfnOutput(this, 'ModeBucketName', {
      description: 'SG_GUARD_MODE_BUCKET of every remediator',
      value: this.modeMap.bucket.bucketName,
    });
    new CfnOutput(this, 'ModeBucketRegion', {
      description: 'SG_GUARD_MODE_BUCKET_REGION of every remediator',
      value: this.region,
    });
    new CfnOutput(this, 'PublisherDeadLetterQueueUrl', {
      value: this.publisher.deadLetterQueue.queueUrl,
    });
  }
}
