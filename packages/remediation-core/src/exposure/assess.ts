/**
 * The verdict on one group: which of its rules let the internet reach a guarded port
 * (DESIGN.md, "Exposure semantics").
 */
import { InvalidSettingsError } from '../errors.js';
import type {
  AddressFamily,
  Assessment,
  AssessmentOptions,
  Exposure,
  ExposureReason,
  InboundRule,
} from '../model.js';
import { type GroupInput, toGroupSnapshot } from '../rules/normalize.js';
import {
  exposuresAtPort,
  PrefixListBook,
  type ReachingRule,
  rulesReachingPorts,
} from './coverage.js';

/** Ports guarded when none are given: SSH. */
export const DEFAULT_GUARDED_PORTS: readonly number[] = [22];

/**
 * The ports sg-guard can guard: 1 to 65535 (port 0 is reserved; no service listens on it).
 * Every setting that names guarded ports (CLI, Lambda, config) is checked against this range.
 */
export const GUARDED_PORT_RANGE = { min: 1, max: 65535 } as const;

/** `1-65535`, for messages. */
export const GUARDED_PORT_RANGE_TEXT = `${GUARDED_PORT_RANGE.min}-${GUARDED_PORT_RANGE.max}`;

/** Whether `port` is a whole number in {@link GUARDED_PORT_RANGE}. */
export function isGuardablePort(port: number): boolean {
  return Number.isInteger(port) && port >= GUARDED_PORT_RANGE.min && port <= GUARDED_PORT_RANGE.max;
}

const FAMILIES: readonly AddressFamily[] = ['ipv4', 'ipv6'];

/**
 * The guarded ports, validated, without duplicates, ascending.
 *
 * @throws InvalidSettingsError (setting `ports`) for an empty list or a port outside
 * {@link GUARDED_PORT_RANGE}.
 */
export function guardedPorts(ports: readonly number[] = DEFAULT_GUARDED_PORTS): number[] {
  if (ports.length === 0) throw new InvalidSettingsError('ports', 'at least one port is needed');
  for (const port of ports) {
    if (!isGuardablePort(port)) {
      throw new InvalidSettingsError('ports', `not a port (${GUARDED_PORT_RANGE_TEXT}): ${port}`);
    }
  }
  // One port (the usual setting) needs no set and no sort; this runs once per group.
  if (ports.length === 1) return [ports[0] as number];
  return [...new Set(ports)].sort((a, b) => a - b);
}

/** The ids of `ids` whose entries the book was not given. */
function unresolved(ids: readonly string[], book: PrefixListBook): string[] {
  return ids.length === 0 ? [] : ids.filter((id) => book.cidrs(id) === undefined);
}

/** Ids of the prefix lists that rules reaching a guarded port come from, sorted. */
function prefixListsOf(reaching: readonly ReachingRule[]): string[] {
  const ids = new Set<string>();
  for (const { rule } of reaching) {
    if (rule.source.kind === 'prefix-list') ids.add(rule.source.prefixListId);
  }
  return ids.size === 0 ? [] : [...ids].sort();
}

/**
 * Ids of the managed prefix lists that an adapter must fetch before {@link assessGroup}: those
 * referenced by rules that reach a guarded port over tcp (tcp range or all traffic). Sorted.
 *
 * @example
 * prefixListsToResolve(group) // → ['pl-0123'] when a rule allows tcp 22 from pl-0123
 */
export function prefixListsToResolve(group: GroupInput, ports?: readonly number[]): string[] {
  return prefixListsOf(rulesReachingPorts(toGroupSnapshot(group).rules, guardedPorts(ports)));
}

interface Found {
  readonly ports: number[];
  readonly family: AddressFamily;
  readonly reason: ExposureReason;
}

/**
 * Which rules of a group let the internet reach a guarded port (default `[22]`).
 *
 * A rule exposes port P when its protocol is tcp (`tcp`, `6`) or all traffic (`-1`), its
 * range holds P, and its source is the internet: a world CIDR (`0.0.0.0/0`, `::/0`), a prefix
 * list with a world entry or whose entries cover a family, or one of the group's sources for P
 * that together cover a family (`0.0.0.0/1` + `128.0.0.0/1`). Security groups and `/32` hosts
 * are not the internet; udp, icmp, GRE and other protocols never expose. With a union, the
 * largest blocks are blamed first, so smaller blocks inside them (`10.0.0.0/8`) stay.
 *
 * Prefix lists are resolved only from `options.prefixLists`; a referenced list that is not
 * supplied counts for nothing and is named in `unresolvedPrefixLists`.
 *
 * @throws InvalidRuleError / InvalidCidrError for a bad rule or prefix list entry;
 *   InvalidSettingsError for bad ports.
 * @example
 * const a = assessGroup({ GroupId: 'sg-1', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] });
 * a.verdict // → 'EXPOSED'; a.exposures[0].reason // → 'world-cidr'
 */
export function assessGroup(group: GroupInput, options: AssessmentOptions = {}): Assessment {
  const snapshot = toGroupSnapshot(group);
  const ports = guardedPorts(options.ports);
  const book = new PrefixListBook(options.prefixLists);
  // Only rules that reach a guarded port over tcp can expose it: one pass finds them (most
  // rules of most groups are not among them), and every later step looks at those alone.
  const reaching = rulesReachingPorts(snapshot.rules, ports);

  // Made on the first exposure: most groups have none.
  let byRule: Map<number, Found> | undefined;
  if (reaching.length > 0) {
    for (const port of ports) {
      for (const family of FAMILIES) {
        for (const { index, reason } of exposuresAtPort(reaching, port, family, book)) {
          byRule ??= new Map();
          const found = byRule.get(index);
          if (found === undefined) byRule.set(index, { ports: [port], family, reason });
          else if (!found.ports.includes(port)) found.ports.push(port);
        }
      }
    }
  }

  const exposures: Exposure[] =
    byRule === undefined
      ? []
      : [...byRule.entries()]
          .sort(([a], [b]) => a - b)
          .map(([index, found]) => ({
            rule: snapshot.rules[index] as InboundRule,
            ports: found.ports,
            family: found.family,
            reason: found.reason,
          }));
  return {
    groupId: snapshot.groupId,
    verdict: exposures.length > 0 ? 'EXPOSED' : 'NOT_EXPOSED',
    exposures,
    rules: snapshot.rules,
    unresolvedPrefixLists: unresolved(prefixListsOf(reaching), book),
  };
}
