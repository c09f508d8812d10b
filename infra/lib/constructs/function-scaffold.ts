import { dirname } from 'node:path';
import { AssetHashType, DockerImage, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { buildLambdaBundle, type LambdaBundle } from '../../../scripts/lambda-bundle.js';
import { acknowledge } from '../nag.js';

/** What every sg-guard Lambda owns besides its code and its grants. */
export interface FunctionScaffold {
  /** Failed async invocations (with the event and the error) land here. */
  readonly deadLetterQueue: sqs.Queue;
  readonly logGroup: logs.LogGroup;
  /** The execution role; the caller adds its grants. */
  readonly role: iam.Role;
}

/** Settings of {@link createFunctionScaffold}. */
export interface FunctionScaffoldProps {
  /** Why the dead-letter queue needs none of its own (the cdk-nag `AwsSolutions-SQS3` reason). */
  readonly deadLetterQueueReason: string;
  /**
   * How long the function's log lines are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  readonly roleName: string;
  readonly roleDescription: string;
}

/**
 * Creates, under `scope`, a Lambda's encrypted dead-letter queue (`DeadLetterQueue`), its log
 * group (`LogGroup`) and its role (`Role`, assumed by Lambda, no policy yet): the parts the
 * remediator and the mode publisher share. The ids are the callers' own, so their logical ids
 * stay as they were.
 *
 * @example
 * const scaffold = createFunctionScaffold(this, { deadLetterQueueReason, roleName, roleDescription });
 */
export function createFunctionScaffold(
  scope: Construct,
  props: FunctionScaffoldProps,
): FunctionScaffold {
  const deadLetterQueue = new sqs.Queue(scope, 'DeadLetterQueue', {
    // SQS-managed keys: the Lambda service can send without a KMS grant.
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  acknowledge(deadLetterQueue, { 'AwsSolutions-SQS3': props.deadLetterQueueReason });
  const logGroup = new logs.LogGroup(scope, 'LogGroup', {
    retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const role = new iam.Role(scope, 'Role', {
    roleName: props.roleName,
    description: props.roleDescription,
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  return { deadLetterQueue, logGroup, role };
}

/**
 * The function settings every sg-guard Lambda shares: Node 24 on arm64, the scaffold's role and
 * log group, two async retries then the dead-letter queue, and its code bundled at synth, on
 * this machine (no Docker), by `buildLambdaBundle` with the bundle's settings: ES module
 * chunks, the SDK bundled and tree-shaken. (`NodejsFunction` cannot bundle into chunks: it
 * passes esbuild one output file.)
 *
 * @example
 * new lambda.Function(this, 'Function', {
 *   ...bundledFunctionProps(REMEDIATOR_BUNDLE, scaffold, props.entry),
 *   functionName, description, memorySize, timeout, environment,
 * });
 */
export function bundledFunctionProps(
  bundle: LambdaBundle,
  scaffold: FunctionScaffold,
  entry: string = bundle.entry,
): lambda.FunctionProps {
  return {
    code: lambda.Code.fromAsset(dirname(entry), {
      // The bundle's bytes name the asset: the same code gives the same asset, whatever else
      // changed in the source folder.
      assetHashType: AssetHashType.OUTPUT,
      bundling: {
        // Never pulled: local bundling always succeeds or throws.
        image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs24.x'),
        local: {
          tryBundle(outputDir) {
            buildLambdaBundle(bundle, outputDir, entry);
            return true;
          },
        },
      },
    }),
    handler: `${bundle.entryName}.${bundle.handlerExport}`,
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    role: scaffold.role,
    logGroup: scaffold.logGroup,
    onFailure: new destinations.SqsDestination(scaffold.deadLetterQueue),
    retryAttempts: 2,
  };
}
