import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionsOf, isWildcardAction, statementsOf } from './support/policies.js';
import { assetHashSerializer } from './support/snapshot.js';
import { type SynthesizedApp, synthesizeApp } from './support/synth.js';

let synthesized: SynthesizedApp;

beforeAll(() => {
  synthesized = synthesizeApp();
});
afterAll(() => synthesized?.dispose());

/** Every construct metadata entry of a type, anywhere in the app (StackSetStack included). */
function metadataOf(root: IConstruct, type: string) {
  return root.node
    .findAll()
    .flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === type)
        .map((entry) => ({ path: construct.node.path, data: entry.data })),
    );
}

describe('the sg-guard app', () => {
  it('has no cdk-nag AwsSolutions finding that is not acknowledged', () => {
    const report = new AwsSolutionsChecks().validateScope(synthesized.app);

    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('gives every acknowledgement its own reason', () => {
    const acknowledgements = metadataOf(
      synthesized.app,
      Validations.ACKNOWLEDGED_RULES_METADATA_KEY,
    );
    const reasons = acknowledgements.flatMap(({ data }) =>
      Object.values(data as Record<string, string>),
    );

    expect(reasons.length).toBeGreaterThan(0);
    for (const reason of reasons) expect(reason.length).toBeGreaterThan(40);
  });

  it('acknowledges exactly the findings listed here (a new one must be reviewed)', () => {
    const acknowledged = metadataOf(synthesized.app, Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap(({ path, data }) => Object.keys(data as object).map((id) => `${path} ${id}`))
      .sort();

    expect(acknowledged).toMatchSnapshot();
  });

  it('carries no error or warning annotation in any stack', () => {
    const problems = [
      ...metadataOf(synthesized.app, 'aws:cdk:error'),
      ...metadataOf(synthesized.app, 'aws:cdk:warning'),
    ];

    expect(problems).toEqual([]);
  });

  it('never allows a * action or a whole service (service:*) in any policy', () => {
    const statements = statementsOf(synthesized.templates).filter(
      ({ statement }) => statement.Effect === 'Allow',
    );
    const wildcards = statements.filter(({ statement }) =>
      actionsOf(statement).some(isWildcardAction),
    );

    expect(statements.filter((s) => s.kind === 'identity').length).toBeGreaterThan(10);
    // The one exception is CDK's default key administration statement: the key's own account
    // root gets kms:*, which only delegates the key to that account's IAM policies.
    expect(wildcards.map((w) => ({ type: w.type, principal: w.statement.Principal }))).toEqual([
      {
        type: 'AWS::KMS::Key',
        principal: { AWS: 'arn:aws:iam::111111111111:root' },
      },
    ]);
  });

  it('has no role that another account can assume: every trust policy names AWS services only', () => {
    const trusts = [...synthesized.templates].flatMap(([template, json]) =>
      Object.entries(json.Resources)
        .filter(([, resource]) => resource.Type === 'AWS::IAM::Role')
        .flatMap(([resource, role]) => {
          const document = role.Properties?.AssumeRolePolicyDocument as {
            Statement: { Principal: Record<string, unknown>; Condition?: unknown }[];
          };
          return document.Statement.map((statement) => ({ template, resource, statement }));
        }),
    );

    expect(trusts.length).toBeGreaterThan(5);
    for (const { template, resource, statement } of trusts) {
      const where = `${template} ${resource}`;
      expect(Object.keys(statement.Principal), where).toEqual(['Service']);
      expect(JSON.stringify(statement), where).not.toContain('sg-guard-remediator-');
    }
  });

  it('grants no role sts:AssumeRole on another role (the org reader role is gone)', () => {
    const assumes = statementsOf(synthesized.templates).filter(
      ({ kind, statement }) =>
        kind === 'identity' && actionsOf(statement).some((action) => action.startsWith('sts:')),
    );

    expect(assumes).toEqual([]);
  });

  it('synthesizes one template per stack, and the member template', () => {
    expect([...synthesized.templates.keys()].sort()).toEqual(
      [
        'SgGuardCentral',
        'SgGuardModePublisher',
        'SgGuardAssets-eu-central-1',
        'SgGuardAssets-us-east-1',
        'SgGuardRollout',
        synthesized.member.file,
      ].sort(),
    );
  });

  describe('snapshots (asset hashes stripped)', () => {
    expect.addSnapshotSerializer(assetHashSerializer);

    it.each([
      'SgGuardCentral',
      'SgGuardModePublisher',
      'SgGuardAssets-eu-central-1',
      'SgGuardRollout',
    ])('%s', (stackName) => {
      expect(synthesized.templates.get(stackName)).toMatchSnapshot();
    });

    it('member (StackSet template)', () => {
      expect(synthesized.member.json).toMatchSnapshot();
    });
  });
});
