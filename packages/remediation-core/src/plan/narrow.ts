/**
 * What one exposing rule is replaced by under the `narrow` strategy: the same source and
 * description, the same access, minus tcp on the exposed ports.
 */
import type { DroppedAccess, Exposure, RuleToAuthorize } from '../model.js';
import { describeSource } from '../rules/format.js';

/** Port ranges of `[from, to]` that hold none of `ports` (ascending), e.g. 0-21 and 23-65535. */
export function rangesBeside(
  from: number,
  to: number,
  ports: readonly number[],
): { fromPort: number; toPort: number }[] {
  const ranges: { fromPort: number; toPort: number }[] = [];
  let start = from;
  for (const port of [...ports].sort((a, b) => a - b)) {
    if (port < start || port > to) continue;
    if (port > start) ranges.push({ fromPort: start, toPort: port - 1 });
    start = port + 1;
  }
  if (start <= to) ranges.push({ fromPort: start, toPort: to });
  return ranges;
}

/** The replacement rules and the access they no longer grant. */
export interface Narrowing {
  readonly authorize: readonly RuleToAuthorize[];
  readonly dropped?: DroppedAccess;
}

/**
 * A rule with `rule`'s source and description and the given protocol and ports. Built field by
 * field (conditional object spreads are slow in V8), and a module function rather than a closure
 * made per exposure.
 */
function like(
  rule: RuleToAuthorize,
  protocol: string,
  fromPort: number,
  toPort: number,
): RuleToAuthorize {
  const narrowed: { -readonly [K in keyof RuleToAuthorize]: RuleToAuthorize[K] } = {
    protocol,
    fromPort,
    toPort,
    source: rule.source,
  };
  if (rule.description !== undefined) narrowed.description = rule.description;
  return narrowed;
}

/**
 * Replacement of one exposing rule.
 *
 * - tcp range: the ranges beside the exposed ports (none left → nothing to authorize).
 * - all traffic (`-1`): tcp 0-65535 without the exposed ports, udp 0-65535 and all ICMP of the
 *   source's family (`icmp`, or `icmpv6` for IPv6); every other protocol (GRE, ESP, …) is no
 *   longer allowed from that source, which the returned {@link DroppedAccess} says.
 */
export function narrowExposure(exposure: Exposure): Narrowing {
  const { rule, ports } = exposure;
  if (rule.protocol !== '-1') {
    return {
      authorize: rangesBeside(rule.fromPort, rule.toPort, ports).map((range) =>
        like(rule, rule.protocol, range.fromPort, range.toPort),
      ),
    };
  }
  const icmp = exposure.family === 'ipv6' ? 'icmpv6' : 'icmp';
  return {
    authorize: [
      ...rangesBeside(0, 65535, ports).map((range) =>
        like(rule, 'tcp', range.fromPort, range.toPort),
      ),
      like(rule, 'udp', 0, 65535),
      like(rule, icmp, -1, -1),
    ],
    dropped: {
      rule,
      description: `protocols other than tcp, udp and ${icmp} (such as GRE 47, ESP 50) are no longer allowed from ${describeSource(rule.source)}`,
    },
  };
}
