/**
 * Readers that turn every shape EC2 hands out into one-source {@link InboundRule}s. Only SDK
 * *types* are imported: the core never loads the SDK at run time.
 */
import type { IpPermission, SecurityGroup, SecurityGroupRule, Tag } from '@aws-sdk/client-ec2';
import { InvalidRuleError } from '../errors.js';
import type { GroupSnapshot, InboundRule, RuleSource } from '../model.js';
import {
  buildRule,
  canonicalRule,
  cidrSource,
  groupSource,
  prefixListSource,
} from './canonical.js';

export { normalizePorts, normalizeProtocol } from './canonical.js';
export { groupFromConfigItem } from './config-item.js';

/** A group given as the rules DescribeSecurityGroupRules returns for it. */
export interface GroupRules {
  readonly groupId: string;
  readonly groupName?: string;
  readonly vpcId?: string;
  readonly ownerId?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly rules: readonly SecurityGroupRule[];
}

/**
 * What {@link toGroupSnapshot} (and so `assessGroup`) accepts: an EC2 `SecurityGroup` from
 * DescribeSecurityGroups, `{ groupId, rules }` with DescribeSecurityGroupRules rules, or a
 * {@link GroupSnapshot}.
 */
export type GroupInput = SecurityGroup | GroupRules | GroupSnapshot;

function sourceOfSecurityGroupRule(rule: SecurityGroupRule): RuleSource {
  const sources: RuleSource[] = [];
  if (rule.CidrIpv4 !== undefined) sources.push(cidrSource(rule.CidrIpv4, 'ipv4'));
  if (rule.CidrIpv6 !== undefined) sources.push(cidrSource(rule.CidrIpv6, 'ipv6'));
  if (rule.PrefixListId !== undefined) sources.push(prefixListSource(rule.PrefixListId));
  if (rule.ReferencedGroupInfo !== undefined) {
    const ref = rule.ReferencedGroupInfo;
    sources.push(groupSource(ref.GroupId, ref.UserId, ref.VpcId));
  }
  const [source] = sources;
  if (source === undefined || sources.length > 1) {
    throw new InvalidRuleError(
      `security group rule ${rule.SecurityGroupRuleId ?? '(no id)'} must have exactly one source, has ${sources.length}`,
    );
  }
  return source;
}

/**
 * Inbound rules from DescribeSecurityGroupRules. Egress rules (`IsEgress: true`) are skipped;
 * every other rule keeps its `sgr-…` id, so it can be revoked by id.
 *
 * @throws InvalidRuleError for a rule without exactly one source, a bad protocol or ports;
 *   InvalidCidrError for a malformed CIDR.
 * @example
 * rulesFromSecurityGroupRules([{ SecurityGroupRuleId: 'sgr-1', IpProtocol: '6', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' }])
 * // → [{ ruleId: 'sgr-1', protocol: 'tcp', fromPort: 22, toPort: 22, source: { kind: 'cidr', family: 'ipv4', cidr: '0.0.0.0/0' } }]
 */
export function rulesFromSecurityGroupRules(rules: readonly SecurityGroupRule[]): InboundRule[] {
  return rules
    .filter((rule) => rule.IsEgress !== true)
    .map((rule) =>
      buildRule({
        ruleId: rule.SecurityGroupRuleId,
        protocol: rule.IpProtocol,
        fromPort: rule.FromPort,
        toPort: rule.ToPort,
        source: sourceOfSecurityGroupRule(rule),
        description: rule.Description,
      }),
    );
}

/**
 * Inbound rules from the `IpPermissions` of DescribeSecurityGroups, one rule per source
 * (`IpRanges`, `Ipv6Ranges`, `PrefixListIds`, `UserIdGroupPairs`), each with its own
 * description. These rules have no id. A permission with no source allows nothing and yields
 * no rule.
 *
 * @throws InvalidRuleError / InvalidCidrError as {@link rulesFromSecurityGroupRules}.
 * @example
 * rulesFromIpPermissions([{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }, { CidrIp: '0.0.0.0/0' }] }])
 * // → two rules: tcp 22 from 10.0.0.0/8, tcp 22 from 0.0.0.0/0
 */
export function rulesFromIpPermissions(permissions: readonly IpPermission[]): InboundRule[] {
  return permissions.flatMap((permission) => {
    const sources: { source: RuleSource; description: string | undefined }[] = [
      ...(permission.IpRanges ?? []).map((range) => ({
        source: cidrSource(required(range.CidrIp, 'IpRanges entry without CidrIp'), 'ipv4'),
        description: range.Description,
      })),
      ...(permission.Ipv6Ranges ?? []).map((range) => ({
        source: cidrSource(required(range.CidrIpv6, 'Ipv6Ranges entry without CidrIpv6'), 'ipv6'),
        description: range.Description,
      })),
      ...(permission.PrefixListIds ?? []).map((entry) => ({
        source: prefixListSource(entry.PrefixListId),
        description: entry.Description,
      })),
      ...(permission.UserIdGroupPairs ?? []).map((pair) => ({
        source: groupSource(pair.GroupId, pair.UserId, pair.VpcId),
        description: pair.Description,
      })),
    ];
    return sources.map(({ source, description }) =>
      buildRule({
        protocol: permission.IpProtocol,
        fromPort: permission.FromPort,
        toPort: permission.ToPort,
        source,
        description,
      }),
    );
  });
}

function required(value: string | undefined, message: string): string {
  if (value === undefined) throw new InvalidRuleError(message);
  return value;
}

/** EC2 tags as a record; tags without a key are dropped (EC2 never returns them). */
export function tagsToRecord(tags: readonly Tag[] | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) record[tag.Key] = tag.Value ?? '';
  return record;
}

/**
 * A snapshot of a group as DescribeSecurityGroups returns it: identity, tags as a record, and
 * the inbound permissions expanded per source (egress is ignored).
 *
 * @throws InvalidRuleError without `GroupId`, or for a bad permission.
 */
export function groupFromSecurityGroup(group: SecurityGroup): GroupSnapshot {
  if (!group.GroupId) throw new InvalidRuleError('security group without GroupId');
  return {
    groupId: group.GroupId,
    ...(group.GroupName ? { groupName: group.GroupName } : {}),
    ...(group.VpcId ? { vpcId: group.VpcId } : {}),
    ...(group.OwnerId ? { ownerId: group.OwnerId } : {}),
    ...(group.Tags ? { tags: tagsToRecord(group.Tags) } : {}),
    rules: rulesFromIpPermissions(group.IpPermissions ?? []),
  };
}

function isInboundRule(rule: unknown): rule is InboundRule {
  return typeof rule === 'object' && rule !== null && 'source' in rule;
}

function groupFromRules(input: GroupRules | GroupSnapshot): GroupSnapshot {
  const { groupId } = input;
  if (typeof groupId !== 'string' || groupId === '') {
    throw new InvalidRuleError('group without a groupId');
  }
  const rules: InboundRule[] = [];
  for (const rule of input.rules as readonly unknown[]) {
    if (isInboundRule(rule)) {
      rules.push(canonicalRule(rule));
      continue;
    }
    const ec2Rule = rule as SecurityGroupRule;
    if (ec2Rule.GroupId !== undefined && ec2Rule.GroupId !== groupId) {
      throw new InvalidRuleError(
        `rule ${ec2Rule.SecurityGroupRuleId ?? '(no id)'} belongs to ${ec2Rule.GroupId}, not ${groupId}`,
      );
    }
    rules.push(...rulesFromSecurityGroupRules([ec2Rule]));
  }
  const snapshot: { -readonly [K in keyof GroupSnapshot]: GroupSnapshot[K] } = { groupId, rules };
  if (input.groupName) snapshot.groupName = input.groupName;
  if (input.vpcId) snapshot.vpcId = input.vpcId;
  if (input.ownerId) snapshot.ownerId = input.ownerId;
  if (input.tags) snapshot.tags = input.tags;
  return snapshot;
}

/**
 * One snapshot from any accepted group shape ({@link GroupInput}); rules of a snapshot are
 * validated and re-canonicalized too, since snapshots may come from files.
 *
 * @throws InvalidRuleError for an unknown shape or a bad rule.
 * @example
 * toGroupSnapshot({ groupId: 'sg-1', rules: securityGroupRules }).rules // → InboundRule[]
 */
export function toGroupSnapshot(input: GroupInput): GroupSnapshot {
  if (typeof input !== 'object' || input === null) {
    throw new InvalidRuleError('a group must be an object');
  }
  if ('rules' in input && Array.isArray(input.rules)) return groupFromRules(input);
  if ('GroupId' in input || 'IpPermissions' in input) return groupFromSecurityGroup(input);
  throw new InvalidRuleError(
    'unknown group shape: expected an EC2 SecurityGroup, { groupId, rules } or a GroupSnapshot',
  );
}
