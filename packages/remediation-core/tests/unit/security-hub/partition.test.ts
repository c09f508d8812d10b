import { describe, expect, it } from 'vitest';
import {
  defaultProductArn,
  partitionOfRegion,
  securityGroupArn,
} from '../../../src/security-hub/partition.js';

describe('partitionOfRegion', () => {
  it.each([
    ['eu-west-1', 'aws'],
    ['us-east-1', 'aws'],
    ['ap-southeast-5', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-gov-east-1', 'aws-us-gov'],
    ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
    ['eu-isoe-west-1', 'aws-iso-e'],
    ['us-isof-south-1', 'aws-iso-f'],
  ])('puts %s in partition %s', (region, partition) => {
    expect(partitionOfRegion(region)).toBe(partition);
  });
});

describe('ARNs', () => {
  it('names the account-region default product, which only the account itself may import into', () => {
    expect(defaultProductArn({ accountId: '111122223333', region: 'cn-north-1' })).toBe(
      'arn:aws-cn:securityhub:cn-north-1:111122223333:product/111122223333/default',
    );
  });

  it('names a security group by the ARN Security Hub and Config use', () => {
    expect(
      securityGroupArn(
        { accountId: '111122223333', region: 'us-gov-west-1' },
        'sg-0123456789abcdef0',
      ),
    ).toBe('arn:aws-us-gov:ec2:us-gov-west-1:111122223333:security-group/sg-0123456789abcdef0');
  });
});
