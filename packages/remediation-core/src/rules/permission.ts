/**
 * Rules back to the EC2 `IpPermission` shape (for Authorize/Revoke calls made by adapters) and
 * rule equality on access alone (for idempotency and undo).
 */
import type { IpPermission } from '@aws-sdk/client-ec2';
import type { RuleSource, RuleToAuthorize } from '../model.js';
import { canonicalRule } from './canonical.js';

function withDescription<T extends object>(entry: T, description: string | undefined) {
  return description ? { ...entry, Description: description } : entry;
}

function sourceFields(source: RuleSource, description: string | undefined): IpPermission {
  switch (source.kind) {
    case 'cidr':
      return source.family === 'ipv4'
        ? { IpRanges: [withDescription({ CidrIp: source.cidr }, description)] }
        : { Ipv6Ranges: [withDescription({ CidrIpv6: source.cidr }, description)] };
    case 'prefix-list':
      return {
        PrefixListIds: [withDescription({ PrefixListId: source.prefixListId }, description)],
      };
    case 'security-group':
      return {
        UserIdGroupPairs: [
          withDescription(
            {
              GroupId: source.groupId,
              ...(source.userId ? { UserId: source.userId } : {}),
              ...(source.vpcId ? { VpcId: source.vpcId } : {}),
            },
            description,
          ),
        ],
      };
  }
}

/**
 * The one-source `IpPermission` for an Authorize/Revoke call, description kept. Ports are set
 * for tcp/udp (range) and icmp/icmpv6 (type, code); they are left out for `-1` and other
 * protocols, whose ports EC2 ignores.
 *
 * @example
 * toIpPermission({ protocol: 'tcp', fromPort: 0, toPort: 21, source: { kind: 'cidr', family: 'ipv4', cidr: '0.0.0.0/0' }, description: 'web' })
 * // → { IpProtocol: 'tcp', FromPort: 0, ToPort: 21, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'web' }] }
 */
export function toIpPermission(rule: RuleToAuthorize): IpPermission {
  const hasPorts = ['tcp', 'udp', 'icmp', 'icmpv6'].includes(rule.protocol);
  return {
    IpProtocol: rule.protocol,
    ...(hasPorts ? { FromPort: rule.fromPort, ToPort: rule.toPort } : {}),
    ...sourceFields(rule.source, rule.description),
  };
}

function sameSource(a: RuleSource, b: RuleSource): boolean {
  if (a.kind === 'cidr' && b.kind === 'cidr') return a.cidr === b.cidr;
  if (a.kind === 'prefix-list' && b.kind === 'prefix-list') {
    return a.prefixListId === b.prefixListId;
  }
  if (a.kind === 'security-group' && b.kind === 'security-group') {
    // A rule read in the group's own account may omit the account id that another reading has.
    return a.groupId === b.groupId && (!a.userId || !b.userId || a.userId === b.userId);
  }
  return false;
}

/**
 * Whether two rules grant the same access: same protocol, ports and source, whatever their
 * ids, descriptions or the shape they were read from (`6` equals `tcp`, `10.0.0.1/8` equals
 * `10.0.0.0/8`, tcp ports `-1` equal `0-65535`). A security group source without an account id
 * matches the same group with one.
 *
 * @throws InvalidRuleError / InvalidCidrError when either rule is not valid.
 * @example
 * sameAccess({ ruleId: 'sgr-1', protocol: '6', fromPort: 22, toPort: 22, source }, { protocol: 'tcp', fromPort: 22, toPort: 22, source }) // → true
 */
export function sameAccess(a: RuleToAuthorize, b: RuleToAuthorize): boolean {
  const x = canonicalRule(a);
  const y = canonicalRule(b);
  return (
    x.protocol === y.protocol &&
    x.fromPort === y.fromPort &&
    x.toPort === y.toPort &&
    sameSource(x.source, y.source)
  );
}
