import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AssetManifestArtifact, BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RolloutStack } from '../../lib/stacks/rollout-stack.js';
import { type SynthesizedApp, synthesizeApp } from '../support/synth.js';

let synthesized: SynthesizedApp;
let rollout: Template;

beforeAll(() => {
  synthesized = synthesizeApp();
  rollout = Template.fromStack(synthesized.stacks.rollout);
});
afterAll(() => synthesized?.dispose());

/** The member's Lambda code keys, as the member template refers to them. */
function memberCodeKeys(): string[] {
  return Object.values(synthesized.member.template.findResources('AWS::Lambda::Function'))
    .map((fn) => fn.Properties.Code.S3Key)
    .filter((key): key is string => typeof key === 'string');
}

describe('RolloutStack', () => {
  it('deploys the member stack with a service-managed StackSet that follows the OUs', () => {
    const { config } = synthesized;
    rollout.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'sg-guard-member',
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: 'DELEGATED_ADMIN',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      ManagedExecution: { Active: true },
      OperationPreferences: {
        MaxConcurrentPercentage: config.rollout.maxConcurrentPercentage,
        FailureTolerancePercentage: config.rollout.failureTolerancePercentage,
        RegionConcurrencyType: 'PARALLEL',
        ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
      },
      StackInstancesGroup: [
        {
          Regions: config.targets.regions,
          // No account filter: auto-deployment would ignore it.
          DeploymentTargets: {
            OrganizationalUnitIds: config.targets.organizationalUnitIds,
            AccountFilterType: 'NONE',
          },
        },
      ],
    });
  });

  it('points the StackSet at the member template it uploads', () => {
    const rolloutArtifact = synthesized.assembly.getStackByName(
      synthesized.stacks.rollout.stackName,
    );
    const manifest = rolloutArtifact.dependencies.find(
      AssetManifestArtifact.isAssetManifestArtifact,
    );
    const memberAsset = Object.values(manifest?.contents.files ?? {}).find(
      (asset) => asset.source.path === synthesized.member.file,
    );
    const objectKey = Object.values(memberAsset?.destinations ?? {})[0]?.objectKey;

    expect(objectKey).toMatch(/^[0-9a-f]{64}\.json$/);
    const [stackSet] = Object.values(rollout.findResources('AWS::CloudFormation::StackSet'));
    expect(JSON.stringify(stackSet?.Properties.TemplateURL)).toContain(objectKey);
  });

  it('uploads every member code asset to the asset bucket of each target region', () => {
    const { config } = synthesized;
    const uploads = Object.values(rollout.findResources('Custom::CDKBucketDeployment'));
    const ownBuckets = rollout.findResources('AWS::S3::Bucket');
    const destinations = uploads.map((upload) => {
      const name = upload.Properties.DestinationBucketName;
      return typeof name === 'string' ? name : ownBuckets[name.Ref]?.Properties.BucketName;
    });

    expect(destinations.sort()).toEqual(
      config.targets.regions.map((region) => `${config.assetBucketPrefix}-${region}`).sort(),
    );
    for (const upload of uploads) {
      expect(upload.Properties.Extract).toBe(false);
      expect(upload.Properties.SourceObjectKeys).toEqual(expect.arrayContaining(memberCodeKeys()));
    }
  });

  it('creates the StackSet only after every upload, so no instance misses its code', () => {
    const uploads = Object.keys(rollout.findResources('Custom::CDKBucketDeployment'));
    const [stackSet] = Object.values(rollout.findResources('AWS::CloudFormation::StackSet'));

    expect(stackSet?.DependsOn).toEqual(expect.arrayContaining(uploads));
  });

  it("keeps its own region's asset bucket, readable by the organization", () => {
    const { config } = synthesized;
    rollout.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: `${config.assetBucketPrefix}-${config.stackSetsAdmin.region}`,
    });
    rollout.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'OrganizationReadsAssets',
            Principal: { AWS: '*' },
            Action: 's3:GetObject',
            Condition: { StringEquals: { 'aws:PrincipalOrgID': config.organizationId } },
          }),
        ]),
      },
    });
  });

  it('has an asset bucket stack for each other target region, deployed before it', () => {
    const { config, stacks } = synthesized;
    const others = config.targets.regions.filter((r) => r !== config.stackSetsAdmin.region);

    expect(stacks.assets.map((s) => s.region)).toEqual(others);
    expect(stacks.assets.map((s) => s.stackName)).toEqual(others.map((r) => `SgGuardAssets-${r}`));
    expect(stacks.rollout.dependencies).toEqual(expect.arrayContaining([...stacks.assets]));
  });

  it.each([
    ['cdk ls and cdk destroy', []],
    ['a deploy of another stack only (-e SgGuardCentral)', ['SgGuardCentral']],
  ])('synthesizes without bundling or uploading the member for %s', (_command, patterns) => {
    const outdir = mkdtempSync(join(tmpdir(), 'sg-guard-unbundled-'));
    try {
      const app = new App({ outdir, context: { [BUNDLING_STACKS]: patterns } });
      const stack = new RolloutStack(app, 'SgGuardRollout', {
        config: synthesized.config,
        otherAssetBuckets: [],
        env: { account: '222222222222', region: synthesized.config.stackSetsAdmin.region },
      });

      expect(() => app.synth()).not.toThrow();
      expect(stack.uploadsMemberAssets).toBe(false);
      const template = Template.fromStack(stack);
      template.resourceCountIs('Custom::CDKBucketDeployment', 0);
      template.resourceCountIs('AWS::CloudFormation::StackSet', 1);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('bundles and uploads the member when only this stack is deployed (-e SgGuardRollout)', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'sg-guard-exclusive-'));
    try {
      const app = new App({ outdir, context: { [BUNDLING_STACKS]: ['SgGuardRollout'] } });
      const stack = new RolloutStack(app, 'SgGuardRollout', {
        config: synthesized.config,
        otherAssetBuckets: [],
        env: { account: '222222222222', region: synthesized.config.stackSetsAdmin.region },
      });
      app.synth();

      expect(stack.uploadsMemberAssets).toBe(true);
      Template.fromStack(stack).resourceCountIs('Custom::CDKBucketDeployment', 1);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
