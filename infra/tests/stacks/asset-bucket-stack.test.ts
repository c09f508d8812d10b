import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, it } from 'vitest';
import { createApp } from '../../lib/app.js';
import { AssetBucketStack } from '../../lib/stacks/asset-bucket-stack.js';

let template: Template;

beforeAll(() => {
  const stack = new AssetBucketStack(createApp(), 'SgGuardAssets-eu-central-1', {
    bucketName: 'sg-guard-assets-222222222222-eu-central-1',
    organizationId: 'o-a1b2c3d4e5',
    env: { account: '222222222222', region: 'eu-central-1' },
  });
  template = Template.fromStack(stack);
});

describe('AssetBucketStack', () => {
  it('keeps a private, SSE-S3 bucket named <prefix>-<region>', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BucketName: 'sg-guard-assets-222222222222-eu-central-1',
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
      }),
    });
  });

  it('lets the organization read objects, over TLS only', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          {
            Sid: 'OrganizationReadsAssets',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: 's3:GetObject',
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.anyValue(), 'Arn'] }, '/*']] },
            Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
          },
        ],
      },
    });
  });
});
