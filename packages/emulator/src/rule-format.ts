import type { SecurityGroupRule } from '@aws-sdk/client-ec2';
import { required } from './errors.js';

/**
 * One inbound rule in a form tests compare: protocol, ports and one source, nothing that AWS
 * assigns (rule ids) or that the remediator may word its own way (descriptions).
 */
export interface ComparableRule {
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  /** A CIDR, `sg-…` or `pl-…`. */
  readonly source: string;
}

// AWS (and moto) answer with names for these numbers; compare names either way.
const PROTOCOL_NAMES: Readonly<Record<string, string>> = {
  '6': 'tcp',
  '17': 'udp',
  '1': 'icmp',
  '58': 'icmpv6',
  all: '-1',
};

/** `tcp` for `6`/`TCP`, `-1` for `all`; any other protocol as its lower-case name or number. */
export function canonicalProtocol(protocol: string): string {
  const lower = protocol.toLowerCase();
  return PROTOCOL_NAMES[lower] ?? lower;
}

/**
 * The rule as one short line: `<protocol> <ports> <source>`, e.g. `tcp 22 0.0.0.0/0`,
 * `tcp 0-21 ::/0`, `-1 * 0.0.0.0/0`, `47 * 0.0.0.0/0`, `icmp 8/-1 10.0.0.0/8`. Ports are `*`
 * when the rule covers them all (protocol `-1`, or `-1`/`-1`), one number for a single port,
 * `from-to` for a range, and `type/code` for ICMP.
 */
export function formatRule(rule: ComparableRule): string {
  const protocol = canonicalProtocol(rule.protocol);
  return `${protocol} ${formatPorts(protocol, rule.fromPort, rule.toPort)} ${rule.source}`;
}

function formatPorts(protocol: string, fromPort: number, toPort: number): string {
  if (protocol === '-1' || (fromPort === -1 && toPort === -1)) return '*';
  if (protocol === 'icmp' || protocol === 'icmpv6') return `${fromPort}/${toPort}`;
  return fromPort === toPort ? String(fromPort) : `${fromPort}-${toPort}`;
}

/** The comparable form of a rule as DescribeSecurityGroupRules returns it. */
export function comparableRule(rule: SecurityGroupRule): ComparableRule {
  const source = required(
    rule.CidrIpv4 ?? rule.CidrIpv6 ?? rule.PrefixListId ?? rule.ReferencedGroupInfo?.GroupId,
    `source of rule ${rule.SecurityGroupRuleId ?? '(no id)'}`,
  );
  return {
    protocol: required(rule.IpProtocol, 'rule protocol'),
    fromPort: rule.FromPort ?? -1,
    toPort: rule.ToPort ?? -1,
    source,
  };
}

/** Formats and sorts rules, so two rule sets compare with `toEqual` whatever their order. */
export function formatRules(rules: readonly ComparableRule[]): string[] {
  return rules.map(formatRule).sort();
}
