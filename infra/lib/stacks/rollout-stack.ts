import { DefaultStackSynthesizer, Stack, type StackProps } from 'aws-cdk-lib';
import type { CfnStackSet } from 'aws-cdk-lib/aws-cloudformation';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import {
  Capability,
  DeploymentType,
  RegionConcurrencyType,
  StackSet,
  StackSetTarget,
  StackSetTemplate,
} from 'cdk-stacksets';
import type { Construct } from 'constructs';
import type { SgGuardConfig } from '../config.js';
import { AssetBucket } from '../constructs/asset-bucket.js';
import { acknowledge, nagGetAtt, nagPartition } from '../nag.js';
import { assetBucketName, NAMES } from '../naming.js';
import { MemberStack } from './member-stack.js';

/** Settings of {@link RolloutStack}. */
export interface RolloutStackProps extends StackProps {
  /** The validated sg-guard config. */
  readonly config: SgGuardConfig;
  /** Asset buckets of the target regions other than this stack's (from AssetBucketStack). */
  readonly otherAssetBuckets: readonly s3.IBucket[];
}

/**
 * The StackSets administrator's stack: the member template (uploaded with its assets to every
 * region's asset bucket) and the service-managed StackSet that deploys it to the target OUs,
 * including accounts that join them later.
 */
export class RolloutStack extends Stack {
  /** The member stack (a template asset of this stack, not a stack of its own). */
  readonly member: MemberStack;
  /** The StackSet. */
  readonly stackSet: StackSet;

  /**
   * Whether this synthesis bundles the member's code and uploads it. `cdk ls`, `cdk destroy`
   * and deploying only other stacks skip bundling; the bundled code then has no staged file,
   * and cdk-stacksets' copy of it into the asset buckets would fail with CannotFindAsset. The
   * member is then synthesized without its uploads: those commands do not deploy it.
   */
  readonly uploadsMemberAssets: boolean;

  constructor(scope: Construct, id: string, props: RolloutStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.uploadsMemberAssets = this.bundlingRequired;
    // The CLI matches its bundling patterns against node paths: `cdk deploy -e SgGuardRollout`
    // names this stack but not `SgGuardRollout/Member`. The member bundles exactly when we do.
    this.node.setContext(cxapi.BUNDLING_STACKS, this.uploadsMemberAssets ? ['**'] : []);
    // The asset bucket of this stack's own region lives here: from a sibling stack of the same
    // environment it would be a CloudFormation export, and an imported bucket makes cdk-stacksets
    // warn that it cannot add a bucket policy. Other regions' buckets are referenced by their
    // physical names, which CDK does across regions without exports.
    const assetBuckets = [...props.otherAssetBuckets];
    const ownAssets = config.targets.regions.includes(this.region)
      ? new AssetBucket(this, 'Assets', {
          bucketName: assetBucketName(config, this.region),
          organizationId: config.organizationId,
        }).bucket
      : undefined;
    if (ownAssets) assetBuckets.push(ownAssets);
    // The member stack must exist before the StackSet, and the StackSet must sit directly in
    // this stack: cdk-stacksets makes it depend on the asset uploads it finds among this
    // stack's children, so the StackSet never points at code that is not there yet.
    this.member = new MemberStack(this, 'Member', {
      config,
      assetBuckets: this.uploadsMemberAssets ? assetBuckets : [],
    });
    const { targets, rollout, stackSetsAdmin } = config;
    this.stackSet = new StackSet(this, 'StackSet', {
      stackSetName: NAMES.stackSet,
      description: 'sg-guard member: closes SSH to the internet in every account and region',
      template: StackSetTemplate.fromStackSetStack(this.member),
      deploymentType: DeploymentType.serviceManaged({
        delegatedAdmin: stackSetsAdmin.delegatedAdmin,
        autoDeployEnabled: true,
        autoDeployRetainStacks: false,
      }),
      target: StackSetTarget.fromOrganizationalUnits({
        regions: targets.regions,
        // No account filter: auto-deployment ignores it (an account that moves between target
        // OUs is deployed to), so OU placement and the `off` mode keep accounts out instead.
        organizationalUnits: targets.organizationalUnitIds,
      }),
      capabilities: [Capability.NAMED_IAM],
      operationPreferences: {
        maxConcurrentPercentage: rollout.maxConcurrentPercentage,
        failureTolerancePercentage: rollout.failureTolerancePercentage,
        regionConcurrencyType:
          rollout.regionConcurrency === 'parallel'
            ? RegionConcurrencyType.PARALLEL
            : RegionConcurrencyType.SEQUENTIAL,
      },
    });
    // cdk-stacksets has no ConcurrencyMode. CloudFormation's default (strict failure tolerance)
    // caps each region at failure tolerance + 1 accounts at once, whatever the percentage; soft
    // tolerance lets maxConcurrentPercentage apply and still stops past the tolerated failures.
    const cfnStackSet = this.stackSet.node.defaultChild as CfnStackSet;
    cfnStackSet.addPropertyOverride(
      'OperationPreferences.ConcurrencyMode',
      'SOFT_FAILURE_TOLERANCE',
    );
    this.acknowledgeAssetUploader(config, ownAssets);
  }

  /**
   * cdk-stacksets copies the member assets to the regional buckets with CDK's BucketDeployment,
   * whose singleton handler (role, policy, runtime) is CDK's own and cannot be configured
   * through cdk-stacksets.
   */
  private acknowledgeAssetUploader(config: SgGuardConfig, ownAssets?: s3.Bucket): void {
    const uploader = this.node.children.find((child) =>
      child.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    if (!uploader) return;
    const partition = nagPartition(this);
    const staging = `cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-${this.account}-${this.region}`;
    const s3Actions = [
      's3:GetObject*',
      's3:GetBucket*',
      's3:List*',
      's3:DeleteObject*',
      's3:Abort*',
    ];
    acknowledge(uploader, {
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
        "CDK's BucketDeployment handler logs through this AWS managed policy; cdk-stacksets gives no way to pass it another role",
      'AwsSolutions-L1':
        "The BucketDeployment handler's Python runtime is pinned by aws-cdk-lib and moves with its upgrades",
      [`AwsSolutions-IAM5[Resource::arn:${partition}:s3:::${staging}/*]`]:
        'Reads the member assets from the CDK staging bucket of this environment only',
      ...Object.fromEntries(
        s3Actions.map((action) => [
          `AwsSolutions-IAM5[Action::${action}]`,
          "CDK's BucketDeployment grant (read source, replace destination objects), limited to the staging and asset buckets",
        ]),
      ),
      ...Object.fromEntries(
        config.targets.regions.map((region) => {
          const bucket =
            ownAssets && region === this.region
              ? nagGetAtt(ownAssets.node.defaultChild as s3.CfnBucket, 'Arn')
              : `arn:${partition}:s3:::${assetBucketName(config, region)}`;
          return [
            `AwsSolutions-IAM5[Resource::${bucket}/*]`,
            `Writes the member assets into the ${region} asset bucket only`,
          ];
        }),
      ),
    });
  }
}
