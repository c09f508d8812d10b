/**
 * Reads every security group of one account and region in bulk, for org-wide audits: one
 * paginated DescribeSecurityGroupRules and one paginated DescribeSecurityGroups for the whole
 * region, never one call per group.
 */
import {
  type EC2Client,
  paginateDescribeSecurityGroupRules,
  paginateDescribeSecurityGroups,
  type SecurityGroup,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import {
  type GroupSnapshot,
  type PrefixListEntries,
  prefixListsToResolve,
  rulesFromSecurityGroupRules,
  type SecurityGroupGateway,
  tagsToRecord,
} from '@sg-guard/remediation-core';
import { callAws } from './errors.js';

/** Options for {@link scanRegion}. */
export interface ScanRegionOptions {
  /** Items per page of both describes (EC2 allows 5–1000). @default 1000 */
  readonly pageSize?: number;
}

async function allSecurityGroupRules(
  ec2: EC2Client,
  pageSize: number,
): Promise<SecurityGroupRule[]> {
  const rules: SecurityGroupRule[] = [];
  await callAws('ec2:DescribeSecurityGroupRules', async () => {
    const pages = paginateDescribeSecurityGroupRules(
      { client: ec2, pageSize },
      { MaxResults: pageSize },
    );
    for await (const page of pages) rules.push(...(page.SecurityGroupRules ?? []));
  });
  return rules;
}

async function allSecurityGroups(ec2: EC2Client, pageSize: number): Promise<SecurityGroup[]> {
  const groups: SecurityGroup[] = [];
  await callAws('ec2:DescribeSecurityGroups', async () => {
    const pages = paginateDescribeSecurityGroups(
      { client: ec2, pageSize },
      { MaxResults: pageSize },
    );
    for await (const page of pages) groups.push(...(page.SecurityGroups ?? []));
  });
  return groups;
}

/**
 * Every security group of the client's account and region with its inbound rules (with
 * `sgr-…` ids), name, VPC, owner and tags, sorted by group id. Both describes run at once, each
 * paginated over the whole region. A group seen by only one of them (created or deleted between
 * the two calls) is still reported, with what is known.
 *
 * @throws AccessDeniedError, ThrottledError or AwsAdapterError from either describe.
 * @example
 * const groups = await scanRegion(createEc2Client({ region: 'eu-west-1' }));
 * const exposed = groups.map((g) => assessGroup(g)).filter((a) => a.verdict === 'EXPOSED');
 */
export async function scanRegion(
  ec2: EC2Client,
  options: ScanRegionOptions = {},
): Promise<GroupSnapshot[]> {
  const pageSize = options.pageSize ?? 1000;
  const [rules, groups] = await Promise.all([
    allSecurityGroupRules(ec2, pageSize),
    allSecurityGroups(ec2, pageSize),
  ]);
  const rulesByGroup = new Map<string, SecurityGroupRule[]>();
  for (const rule of rules) {
    if (!rule.GroupId) continue;
    const list = rulesByGroup.get(rule.GroupId) ?? [];
    list.push(rule);
    rulesByGroup.set(rule.GroupId, list);
  }
  const described = new Map(
    groups.flatMap((group) => (group.GroupId ? [[group.GroupId, group] as const] : [])),
  );
  const ids = [...new Set([...described.keys(), ...rulesByGroup.keys()])].sort();
  return ids.map((groupId) => {
    const group = described.get(groupId);
    return {
      groupId,
      ...(group?.GroupName ? { groupName: group.GroupName } : {}),
      ...(group?.VpcId ? { vpcId: group.VpcId } : {}),
      ...(group?.OwnerId ? { ownerId: group.OwnerId } : {}),
      ...(group?.Tags ? { tags: tagsToRecord(group.Tags) } : {}),
      rules: rulesFromSecurityGroupRules(rulesByGroup.get(groupId) ?? []),
    };
  });
}

/**
 * Entries of the managed prefix lists that rules on guarded ports reference, across all
 * `groups`, each list fetched once through the gateway (the remediator's own prefix list
 * reader). No call at all when no such rule exists.
 *
 * @example
 * const groups = await scanRegion(ec2);
 * const prefixLists = await loadReferencedPrefixLists(new Ec2SecurityGroupGateway({ ec2 }), groups);
 * groups.map((group) => assessGroup(group, { prefixLists }));
 */
export async function loadReferencedPrefixLists(
  gateway: Pick<SecurityGroupGateway, 'loadPrefixLists'>,
  groups: readonly GroupSnapshot[],
  ports?: readonly number[],
): Promise<PrefixListEntries> {
  const ids = [...new Set(groups.flatMap((group) => prefixListsToResolve(group, ports)))].sort();
  return ids.length === 0 ? new Map() : gateway.loadPrefixLists(ids);
}
