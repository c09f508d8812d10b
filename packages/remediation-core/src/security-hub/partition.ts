/** Partitions and ARNs derived from a region, for findings sent from inside the account. */
import type { AwsPartition } from './asff.js';

/** Region prefixes of the partitions other than `aws`; the longest prefix wins. */
const PARTITION_BY_PREFIX: readonly (readonly [string, AwsPartition])[] = [
  ['us-isob-', 'aws-iso-b'],
  ['us-isof-', 'aws-iso-f'],
  ['eu-isoe-', 'aws-iso-e'],
  ['us-iso-', 'aws-iso'],
  ['us-gov-', 'aws-us-gov'],
  ['cn-', 'aws-cn'],
];

/**
 * The partition a region belongs to: `aws-cn` for `cn-…`, `aws-us-gov` for `us-gov-…`, the ISO
 * partitions for `us-iso-…`, `us-isob-…`, `eu-isoe-…`, `us-isof-…`, else `aws`.
 *
 * @example
 * partitionOfRegion('cn-northwest-1') // → 'aws-cn'
 */
export function partitionOfRegion(region: string): AwsPartition {
  return PARTITION_BY_PREFIX.find(([prefix]) => region.startsWith(prefix))?.[1] ?? 'aws';
}

/** Where a finding or a resource lives. */
export interface AccountRegion {
  readonly accountId: string;
  readonly region: string;
}

/**
 * The account's default Security Hub product: the only ARN under which the account itself may
 * import findings (`arn:<partition>:securityhub:<region>:<account>:product/<account>/default`).
 *
 * @example
 * defaultProductArn({ accountId: '111122223333', region: 'eu-west-1' })
 * // → 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default'
 */
export function defaultProductArn({ accountId, region }: AccountRegion): string {
  return `arn:${partitionOfRegion(region)}:securityhub:${region}:${accountId}:product/${accountId}/default`;
}

/**
 * `arn:<partition>:ec2:<region>:<account>:security-group/<groupId>`.
 *
 * @example
 * securityGroupArn({ accountId: '111122223333', region: 'us-gov-west-1' }, 'sg-0123456789abcdef0')
 * // → 'arn:aws-us-gov:ec2:us-gov-west-1:111122223333:security-group/sg-0123456789abcdef0'
 */
export function securityGroupArn({ accountId, region }: AccountRegion, groupId: string): string {
  return `arn:${partitionOfRegion(region)}:ec2:${region}:${accountId}:security-group/${groupId}`;
}
