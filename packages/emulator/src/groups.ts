import {
  AuthorizeSecurityGroupIngressCommand,
  CreateManagedPrefixListCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeVpcsCommand,
  type EC2Client,
  type IpPermission,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import type { RemediationStrategy } from '@sg-guard/remediation-core';
import { required } from './errors.js';
import { comparableRule, formatRules } from './rule-format.js';
import {
  resolveShapeRules,
  type ShapePermission,
  type ShapeRefs,
  SOURCE_GROUP,
  type SshShape,
  sshShape,
  WORLD_PREFIX_LIST,
} from './shapes.js';

/** A security group as created. */
export interface CreatedGroup {
  readonly groupId: string;
  readonly groupName: string;
  readonly vpcId: string;
}

/** Options for {@link createSecurityGroup}. */
export interface CreateGroupOptions {
  readonly groupName: string;
  /** @default the region's default VPC */
  readonly vpcId?: string;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** The id of the default VPC of the client's account and region (moto makes one in each). */
export async function defaultVpcId(ec2: EC2Client): Promise<string> {
  const response = await ec2.send(
    new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }),
  );
  return required(response.Vpcs?.[0]?.VpcId, 'default VPC');
}

/** Creates an empty security group (only the default egress rule). */
export async function createSecurityGroup(
  ec2: EC2Client,
  options: CreateGroupOptions,
): Promise<CreatedGroup> {
  const vpcId = options.vpcId ?? (await defaultVpcId(ec2));
  const tags = Object.entries(options.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
  const response = await ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: options.groupName,
      Description: options.description ?? `sg-guard test group ${options.groupName}`,
      VpcId: vpcId,
      ...(tags.length > 0
        ? { TagSpecifications: [{ ResourceType: 'security-group', Tags: tags }] }
        : {}),
    }),
  );
  return {
    groupId: required(response.GroupId, 'group id'),
    groupName: options.groupName,
    vpcId,
  };
}

/**
 * Creates a managed prefix list whose entries are `cidrs` (by default the whole IPv4 space),
 * and returns its id.
 */
export async function createPrefixList(
  ec2: EC2Client,
  options: { readonly name?: string; readonly cidrs?: readonly string[] } = {},
): Promise<string> {
  const cidrs = options.cidrs ?? ['0.0.0.0/0'];
  const response = await ec2.send(
    new CreateManagedPrefixListCommand({
      PrefixListName: options.name ?? 'sg-guard-test-world',
      AddressFamily: cidrs.every((cidr) => cidr.includes(':')) ? 'IPv6' : 'IPv4',
      MaxEntries: Math.max(cidrs.length, 1),
      Entries: cidrs.map((Cidr) => ({ Cidr })),
    }),
  );
  return required(response.PrefixList?.PrefixListId, 'prefix list id');
}

/** The AWS `IpPermission`s of a shape, with placeholders replaced by `refs`. */
export function shapePermissions(shape: SshShape, refs: ShapeRefs): IpPermission[] {
  return shape.permissions.map((permission) => toIpPermission(permission, refs));
}

function toIpPermission(permission: ShapePermission, refs: ShapeRefs): IpPermission {
  const ipv4 = permission.sources.filter((source) => /^\d+\.\d+\.\d+\.\d+\//.test(source));
  const ipv6 = permission.sources.filter((source) => source.includes(':'));
  const groups = permission.sources.filter((source) => source === SOURCE_GROUP);
  const prefixLists = permission.sources.filter((source) => source === WORLD_PREFIX_LIST);
  return {
    IpProtocol: permission.protocol,
    ...(permission.fromPort === undefined ? {} : { FromPort: permission.fromPort }),
    ...(permission.toPort === undefined ? {} : { ToPort: permission.toPort }),
    ...(ipv4.length > 0 ? { IpRanges: ipv4.map((CidrIp) => ({ CidrIp })) } : {}),
    ...(ipv6.length > 0 ? { Ipv6Ranges: ipv6.map((CidrIpv6) => ({ CidrIpv6 })) } : {}),
    ...(groups.length > 0
      ? { UserIdGroupPairs: [{ GroupId: required(refs.sourceGroupId, 'source group id') }] }
      : {}),
    ...(prefixLists.length > 0
      ? { PrefixListIds: [{ PrefixListId: required(refs.prefixListId, 'prefix list id') }] }
      : {}),
  };
}

/** Options for {@link openSsh}. */
export interface OpenSshOptions {
  /** @default `ssh-<shape name>` */
  readonly groupName?: string;
  /** @default the region's default VPC */
  readonly vpcId?: string;
  readonly tags?: Readonly<Record<string, string>>;
  /** Reuse these instead of creating a peer group or a world prefix list. */
  readonly refs?: ShapeRefs;
}

/** A group opened in one of the catalogue's shapes, with what remediation must leave. */
export interface OpenedGroup extends CreatedGroup {
  readonly shape: SshShape;
  readonly refs: ShapeRefs;
  /** The group's inbound rules right after opening (`formatRule` lines, sorted). */
  readonly rules: readonly string[];
  /** The rules a remediator must report as exposures, resolved and sorted. */
  readonly exposing: readonly string[];
  /** The rules that must survive remediation with `strategy`, resolved and sorted. */
  expectedAfter(strategy: RemediationStrategy): string[];
}

/**
 * Creates a security group and authorizes one catalogue shape on it, creating the peer group
 * or the world prefix list the shape refers to.
 *
 * @example
 * const opened = await openSsh(ec2, 'tcp-all-ports-world');
 * // …remediate opened.groupId…
 * expect(await describeInboundRules(ec2, opened.groupId)).toEqual(opened.expectedAfter('narrow'));
 */
export async function openSsh(
  ec2: EC2Client,
  shapeOrName: SshShape | string,
  options: OpenSshOptions = {},
): Promise<OpenedGroup> {
  const shape = typeof shapeOrName === 'string' ? sshShape(shapeOrName) : shapeOrName;
  const groupName = options.groupName ?? `ssh-${shape.name}`;
  const vpcId = options.vpcId ?? (await defaultVpcId(ec2));
  const sources = shape.permissions.flatMap((permission) => permission.sources);
  let sourceGroupId = options.refs?.sourceGroupId;
  if (sourceGroupId === undefined && sources.includes(SOURCE_GROUP)) {
    ({ groupId: sourceGroupId } = await createSecurityGroup(ec2, {
      groupName: `${groupName}-peer`,
      vpcId,
    }));
  }
  let prefixListId = options.refs?.prefixListId;
  if (prefixListId === undefined && sources.includes(WORLD_PREFIX_LIST)) {
    prefixListId = await createPrefixList(ec2, { name: `${groupName}-world` });
  }
  const refs: ShapeRefs = {
    ...(sourceGroupId ? { sourceGroupId } : {}),
    ...(prefixListId ? { prefixListId } : {}),
  };
  const group = await createSecurityGroup(ec2, {
    groupName,
    vpcId,
    ...(options.tags ? { tags: options.tags } : {}),
  });
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: group.groupId,
      IpPermissions: shapePermissions(shape, refs),
    }),
  );
  return {
    ...group,
    shape,
    refs,
    rules: await describeInboundRules(ec2, group.groupId),
    exposing: resolveShapeRules(shape.exposing, refs),
    expectedAfter: (strategy) => resolveShapeRules(shape.survivors[strategy], refs),
  };
}

/** The group's inbound rules as DescribeSecurityGroupRules returns them (with rule ids). */
export async function describeInboundRuleDetails(
  ec2: EC2Client,
  groupId: string,
): Promise<SecurityGroupRule[]> {
  const rules: SecurityGroupRule[] = [];
  let nextToken: string | undefined;
  do {
    const response = await ec2.send(
      new DescribeSecurityGroupRulesCommand({
        Filters: [{ Name: 'group-id', Values: [groupId] }],
        ...(nextToken ? { NextToken: nextToken } : {}),
      }),
    );
    rules.push(...(response.SecurityGroupRules ?? []).filter((rule) => rule.IsEgress !== true));
    nextToken = response.NextToken;
  } while (nextToken);
  return rules;
}

/**
 * The group's inbound rules as sorted `formatRule` lines (`tcp 22 0.0.0.0/0`), for asserting
 * the exact rule set that a remediation left. Empty for a group that does not exist.
 */
export async function describeInboundRules(ec2: EC2Client, groupId: string): Promise<string[]> {
  const rules = await describeInboundRuleDetails(ec2, groupId);
  return formatRules(rules.map(comparableRule));
}
