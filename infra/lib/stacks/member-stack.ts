import { CfnOutput } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { StackSetStack } from 'cdk-stacksets';
import type { Construct } from 'constructs';
import type { SgGuardConfig } from '../config.js';
import { ConfigRecorder } from '../constructs/config-recorder.js';
import { LedgerTable } from '../constructs/ledger-table.js';
import { RemediatorAlarms } from '../constructs/remediator-alarms.js';
import { RemediatorFunction } from '../constructs/remediator-function.js';
import { RemediatorTriggers } from '../constructs/remediator-triggers.js';
import { SshConfigRule } from '../constructs/ssh-config-rule.js';
import { SweepSchedule } from '../constructs/sweep-schedule.js';
import { centralArns, NAMES } from '../naming.js';

/** Settings of {@link MemberStack}. */
export interface MemberStackProps {
  /** The validated sg-guard config. */
  readonly config: SgGuardConfig;
  /** One asset bucket per target region, named `<assetBucketPrefix>-<region>`. */
  readonly assetBuckets: s3.IBucket[];
}

/**
 * What every member account runs in every target region. Environment-agnostic: one template
 * for all instances, so everything account- or region-specific is a pseudo parameter.
 */
export class MemberStack extends StackSetStack {
  constructor(scope: Construct, id: string, props: MemberStackProps) {
    super(scope, id, {
      assetBuckets: props.assetBuckets,
      assetBucketPrefix: props.config.assetBucketPrefix,
    });
    const { config } = props;
    const arns = centralArns(config);

    const recorder = new ConfigRecorder(this, 'Recorder', { mode: config.config.recorderMode });
    const configRule = new SshConfigRule(this, 'RestrictedSsh', { dependsOn: recorder.ready });

    const ledger = new LedgerTable(this, 'Ledger');
    const { remediation, modeMap } = config;
    const remediator = new RemediatorFunction(this, 'Remediator', {
      settings: {
        topicArn: arns.findingsTopic,
        ports: remediation.ports,
        strategy: remediation.strategy,
        defaultMode: remediation.defaultMode,
        allowGroupExemptions: remediation.allowGroupExemptions,
        modeMap: modeMap && { bucket: modeMap.bucketName, region: modeMap.region },
        securityHub: config.securityHub,
      },
      ledgerTable: ledger.table,
      centralKey: {
        accountId: config.central.accountId,
        region: config.central.region,
        alias: NAMES.keyAlias,
      },
    });
    new RemediatorTriggers(this, 'Triggers', {
      function: remediator.function,
      configRuleName: configRule.ruleName,
      fastPath: remediation.fastPath,
      deadLetterQueue: remediator.deadLetterQueue,
    });
    const sweep = new SweepSchedule(this, 'Sweep', {
      function: remediator.function,
      schedule: remediation.sweepSchedule,
      deadLetterQueue: remediator.deadLetterQueue,
    });
    new RemediatorAlarms(this, 'Alarms', {
      deadLetterQueue: remediator.deadLetterQueue,
      centralBusArn: arns.alarmBus,
      sweepPeriodMinutes: sweep.periodMinutes,
      securityHub: config.securityHub,
    });

    new CfnOutput(this, 'RemediatorFunctionName', { value: remediator.function.functionName });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: remediator.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'LedgerTableName', { value: ledger.table.tableName });
  }
}
