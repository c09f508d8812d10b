/**
 * The reads of the EC2 gateway: a group, its rules (with their ids) and a prefix list's entries.
 * SDK failures are rethrown typed; a group or list that does not exist is `undefined` / empty.
 */
import {
  DescribeSecurityGroupsCommand,
  type DescribeSecurityGroupsCommandInput,
  type EC2Client,
  paginateDescribeSecurityGroupRules,
  paginateGetManagedPrefixListEntries,
  type SecurityGroup,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import {
  type GroupSnapshot,
  rulesFromSecurityGroupRules,
  tagsToRecord,
} from '@sg-guard/remediation-core';
import { AwsAdapterError, classifyAwsError, hasAwsCode } from './errors.js';

/** Codes EC2 sends for an id that is well-formed but unknown, or not even well-formed. */
const GROUP_MISSING = [
  'InvalidGroup.NotFound',
  'InvalidGroupId.Malformed',
  'InvalidGroupId.NotFound',
];
const PREFIX_LIST_MISSING = ['InvalidPrefixListID.NotFound', 'InvalidPrefixListId.NotFound'];

/**
 * The one group DescribeSecurityGroups finds for `input`, `undefined` when none exists.
 *
 * @throws AwsAdapterError `AMBIGUOUS_GROUP` when a name matches several groups.
 */
export async function describeGroup(
  ec2: EC2Client,
  input: DescribeSecurityGroupsCommandInput,
  groupRef: string,
): Promise<SecurityGroup | undefined> {
  let groups: SecurityGroup[];
  try {
    groups = (await ec2.send(new DescribeSecurityGroupsCommand(input))).SecurityGroups ?? [];
  } catch (error) {
    if (hasAwsCode(error, ...GROUP_MISSING)) return undefined;
    throw classifyAwsError(error, 'ec2:DescribeSecurityGroups', groupRef);
  }
  if (groups.length > 1) {
    throw new AwsAdapterError(
      'AMBIGUOUS_GROUP',
      `${groups.length} security groups are named ${groupRef}; cannot tell which one is meant`,
    );
  }
  return groups[0];
}

/** The group's rules (DescribeSecurityGroupRules, all pages); none when the group is gone. */
export async function describeRules(ec2: EC2Client, groupId: string): Promise<SecurityGroupRule[]> {
  const rules: SecurityGroupRule[] = [];
  try {
    const pages = paginateDescribeSecurityGroupRules(
      { client: ec2, pageSize: 1000 },
      { Filters: [{ Name: 'group-id', Values: [groupId] }] },
    );
    for await (const page of pages) rules.push(...(page.SecurityGroupRules ?? []));
  } catch (error) {
    if (hasAwsCode(error, ...GROUP_MISSING)) return [];
    throw classifyAwsError(error, 'ec2:DescribeSecurityGroupRules', groupId);
  }
  return rules;
}

/** A prefix list's CIDRs (all pages), `undefined` when the list does not exist. */
export async function fetchPrefixList(
  ec2: EC2Client,
  prefixListId: string,
): Promise<string[] | undefined> {
  const cidrs: string[] = [];
  try {
    const pages = paginateGetManagedPrefixListEntries(
      { client: ec2, pageSize: 100 },
      { PrefixListId: prefixListId },
    );
    for await (const page of pages) {
      for (const entry of page.Entries ?? []) if (entry.Cidr) cidrs.push(entry.Cidr);
    }
  } catch (error) {
    if (hasAwsCode(error, ...PREFIX_LIST_MISSING)) return undefined;
    throw classifyAwsError(error, 'ec2:GetManagedPrefixListEntries');
  }
  return cidrs;
}

/** A described group and its rules as the core's {@link GroupSnapshot}. */
export function snapshotOf(
  group: SecurityGroup,
  rules: readonly SecurityGroupRule[],
): GroupSnapshot {
  if (!group.GroupId) {
    throw new AwsAdapterError('AWS_ERROR', 'DescribeSecurityGroups returned a group without an id');
  }
  return {
    groupId: group.GroupId,
    ...(group.GroupName ? { groupName: group.GroupName } : {}),
    ...(group.VpcId ? { vpcId: group.VpcId } : {}),
    ...(group.OwnerId ? { ownerId: group.OwnerId } : {}),
    tags: tagsToRecord(group.Tags),
    // The `group-id` filter already selects the group; checking again costs nothing.
    rules: rulesFromSecurityGroupRules(
      rules.filter((rule) => rule.GroupId === undefined || rule.GroupId === group.GroupId),
    ),
  };
}
