/**
 * The verdict on one group: which of its rules let the internet reach a guarded port
 * (DESIGN.md, "Exposure semantics").
 */
import { type Cidr, parseCidr } from '../cidr/cidr.js';
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
import { exposuresAtPort, PrefixListBook, reachesTcpPort } from './coverage.js';

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
  return [...new Set(ports)].sort((a, b) => a - b);
}

function prefixListsOnPorts(rules: readonly InboundRule[], ports: readonly number[]): string[] {
  const ids = new Set<string>();
  for (const rule of rules) {
    if (rule.source.kind !== 'prefix-list') continue;
    if (ports.some((port) => reachesTcpPort(rule, port))) ids.add(rule.source.prefixListId);
  }
  return [...ids].sort();
}

/**
 * Ids of the managed prefix lists that an adapter must fetch before {@link assessGroup}: those
 * referenced by rules that reach a guarded port over tcp (tcp range or all traffic). Sorted.
 *
 * @example
 * prefixListsToResolve(group) // → ['pl-0123'] when a rule allows tcp 22 from pl-0123
 */
export function prefixListsToResolve(group: GroupInput, ports?: readonly number[]): string[] {
  return prefixListsOnPorts(toGroupSnapshot(group).rules, guardedPorts(ports));
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
  const parsedCidrs = new Map<number, Cidr>();
  for (const [index, rule] of snapshot.rules.entries()) {
    if (rule.source.kind === 'cidr') parsedCidrs.set(index, parseCidr(rule.source.cidr));
  }

  const byRule = new Map<number, Found>();
  for (const port of ports) {
    for (const family of FAMILIES) {
      for (const { index, reason } of exposuresAtPort(
        snapshot.rules,
        port,
        family,
        book,
        parsedCidrs,
      )) {
        const found = byRule.get(index);
        if (found === undefined) byRule.set(index, { ports: [port], family, reason });
        else if (!found.ports.includes(port)) found.ports.push(port);
      }
    }
  }

  const exposures: Exposure[] = [...byRule.entries()]
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
    unresolvedPrefixLists: prefixListsOnPorts(snapshot.rules, ports).filter(
      (id) => book.cidrs(id) === undefined,
    ),
  };
}
