import type { InboundRule, RuleSource, RuleToAuthorize } from '../model.js';

const PROTOCOL_LABELS: Readonly<Record<string, string>> = {
  '-1': 'all traffic',
  tcp: 'tcp',
  udp: 'udp',
  icmp: 'icmp',
  icmpv6: 'icmpv6',
};

/** `0.0.0.0/0`, `pl-123`, `sg-456` (or `111122223333/sg-456` across accounts). */
export function describeSource(source: RuleSource): string {
  switch (source.kind) {
    case 'cidr':
      return source.cidr;
    case 'prefix-list':
      return `prefix list ${source.prefixListId}`;
    case 'security-group':
      return source.userId ? `${source.userId}/${source.groupId}` : source.groupId;
  }
}

/** `22`, `0-65535`, or `all ports`, for tcp/udp; ICMP type/code for icmp. */
export function describePorts(rule: Pick<InboundRule, 'protocol' | 'fromPort' | 'toPort'>): string {
  if (rule.protocol === '-1') return 'all ports';
  if (rule.protocol === 'icmp' || rule.protocol === 'icmpv6') {
    if (rule.fromPort === -1) return 'all types';
    return rule.toPort === -1
      ? `type ${rule.fromPort}`
      : `type ${rule.fromPort} code ${rule.toPort}`;
  }
  if (rule.fromPort === -1 || (rule.fromPort === 0 && rule.toPort === 65535)) {
    return rule.protocol === 'tcp' || rule.protocol === 'udp' ? '0-65535' : 'all ports';
  }
  return rule.fromPort === rule.toPort ? `${rule.fromPort}` : `${rule.fromPort}-${rule.toPort}`;
}

/**
 * One line a person reads: `tcp 22 from 0.0.0.0/0 (sgr-0abc)`.
 *
 * @example
 * describeRule({ protocol: 'tcp', fromPort: 22, toPort: 22, source: { kind: 'cidr', family: 'ipv4', cidr: '0.0.0.0/0' } })
 * // → 'tcp 22 from 0.0.0.0/0'
 */
export function describeRule(rule: RuleToAuthorize & { readonly ruleId?: string }): string {
  const protocol = PROTOCOL_LABELS[rule.protocol] ?? `protocol ${rule.protocol}`;
  const ports = rule.protocol === '-1' ? '' : ` ${describePorts(rule)}`;
  const id = rule.ruleId ? ` (${rule.ruleId})` : '';
  return `${protocol}${ports} from ${describeSource(rule.source)}${id}`;
}
