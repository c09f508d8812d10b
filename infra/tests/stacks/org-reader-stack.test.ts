import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../lib/app.js';
import { loadConfig } from '../../lib/config.js';
import { OrgReaderStack } from '../../lib/stacks/org-reader-stack.js';

const config = loadConfig();
let template: Template;

beforeAll(() => {
  const stack = new OrgReaderStack(createApp(), 'SgGuardOrgReader', {
    config,
    env: { account: config.orgReaderRole.accountId, region: config.central.region },
  });
  template = Template.fromStack(stack);
});

describe('OrgReaderStack', () => {
  it('is trusted only by remediator roles of accounts in the organization', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'sg-guard-org-reader',
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: 'sts:AssumeRole',
            Condition: {
              StringEquals: { 'aws:PrincipalOrgID': config.organizationId },
              ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/sg-guard-remediator-*' },
            },
          },
        ],
      },
    });
  });

  it('can only read where an account sits and the tags on it and its parents', () => {
    const [role] = Object.values(template.findResources('AWS::IAM::Role'));
    const statements = role?.Properties.Policies.flatMap(
      (policy: { PolicyDocument: { Statement: unknown[] } }) => policy.PolicyDocument.Statement,
    );

    expect(statements).toEqual([
      {
        Sid: 'ReadAccountPlacementAndTags',
        Effect: 'Allow',
        Action: [
          'organizations:DescribeAccount',
          'organizations:ListParents',
          'organizations:ListTagsForResource',
        ],
        Resource: '*',
      },
    ]);
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });
});
