import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleConfigWith, type SynthesizedApp, synthesizeApp } from '../support/synth.js';

// One more synthesis, of a config that differs from the example wherever a setting changes the
// templates: the management account runs the StackSet from a region it does not target.
let synthesized: SynthesizedApp;

beforeAll(() => {
  synthesized = synthesizeApp(
    exampleConfigWith((config) => ({
      ...config,
      stackSetsAdmin: { accountId: '333333333333', delegatedAdmin: false, region: 'us-west-2' },
      targets: { ...config.targets, regions: ['eu-west-1', 'eu-central-1'] },
      remediation: {
        ports: [22, 3389],
        strategy: 'revoke',
        defaultMode: 'enforce',
        allowGroupExemptions: true,
        fastPath: false,
        sweepSchedule: 'rate(1 hour)',
      },
      config: { recorderMode: 'create' },
      rollout: {
        maxConcurrentPercentage: 100,
        failureTolerancePercentage: 0,
        regionConcurrency: 'sequential',
      },
      assetBucketPrefix: 'acme-sg-guard',
    })),
  );
});
afterAll(() => synthesized?.dispose());

describe('RolloutStack from the management account', () => {
  it('creates the StackSet as the management account (CallAs SELF) with the chosen preferences', () => {
    Template.fromStack(synthesized.stacks.rollout).hasResourceProperties(
      'AWS::CloudFormation::StackSet',
      {
        CallAs: 'SELF',
        OperationPreferences: {
          MaxConcurrentPercentage: 100,
          FailureTolerancePercentage: 0,
          RegionConcurrencyType: 'SEQUENTIAL',
        },
        StackInstancesGroup: [
          {
            Regions: ['eu-west-1', 'eu-central-1'],
            DeploymentTargets: {
              OrganizationalUnitIds: synthesized.config.targets.organizationalUnitIds,
              AccountFilterType: 'NONE',
            },
          },
        ],
      },
    );
  });

  it('keeps every asset bucket in a regional stack when its own region is not a target', () => {
    const { stacks } = synthesized;

    expect(stacks.assets.map((s) => s.stackName)).toEqual([
      'SgGuardAssets-eu-west-1',
      'SgGuardAssets-eu-central-1',
    ]);
    Template.fromStack(stacks.rollout).resourceCountIs('AWS::S3::Bucket', 0);
    for (const stack of stacks.assets) {
      Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
        BucketName: `acme-sg-guard-${stack.region}`,
      });
    }
  });

  it('passes the remediation settings to every member', () => {
    synthesized.member.template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'sg-guard-remediator',
      Code: { S3Bucket: { 'Fn::Join': ['-', ['acme-sg-guard', { Ref: 'AWS::Region' }]] } },
      Environment: {
        Variables: {
          SG_GUARD_PORTS: '22,3389',
          SG_GUARD_STRATEGY: 'revoke',
          SG_GUARD_DEFAULT_MODE: 'enforce',
          SG_GUARD_ALLOW_GROUP_EXEMPTIONS: 'true',
        },
      },
    });
  });

  it('leaves the fast path out and creates the Config recorder with CloudFormation', () => {
    const member = synthesized.member.template;
    // Schedule rules (the sweep) have no pattern.
    const patterns = Object.values(member.findResources('AWS::Events::Rule')).map((rule) =>
      JSON.stringify(rule.Properties.EventPattern ?? {}),
    );

    expect(patterns.some((p) => p.includes('AWS API Call via CloudTrail'))).toBe(false);
    member.resourceCountIs('AWS::Config::ConfigurationRecorder', 1);
    member.resourceCountIs('AWS::Config::DeliveryChannel', 1);
    member.resourceCountIs('Custom::SgGuardConfigRecorder', 0);
  });
});
