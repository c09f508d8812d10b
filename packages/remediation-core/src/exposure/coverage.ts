/**
 * Which rules make one guarded port reachable from the whole internet of one address family.
 * Internal to `exposure`; see `assessGroup` for the public contract.
 */
import { type Cidr, cidrStrictlyContains, parseCidr, unionCoversFamily } from '../cidr/cidr.js';
import type { AddressFamily, ExposureReason, InboundRule, PrefixListEntries } from '../model.js';
import { cidrOfSource } from '../rules/canonical.js';

/** Whether a rule lets tcp reach the port: tcp with a range holding it, or all traffic. */
export function reachesTcpPort(rule: InboundRule, port: number): boolean {
  if (rule.protocol === '-1') return true;
  return rule.protocol === 'tcp' && rule.fromPort <= port && port <= rule.toPort;
}

/**
 * A rule of the group that reaches at least one guarded port over tcp, by its index in the
 * group's rules, with its CIDR parsed (for a CIDR source). Only these rules can expose a port,
 * so the assessment looks at every rule once and at these alone afterwards.
 */
export interface ReachingRule {
  readonly index: number;
  readonly rule: InboundRule;
  /** The parsed block of a CIDR source, alone in an array; `undefined` for other sources. */
  readonly cidrs: readonly [Cidr] | undefined;
}

/**
 * The rules that reach at least one of `ports` over tcp (tcp range or all traffic), in the
 * group's order.
 */
export function rulesReachingPorts(
  rules: readonly InboundRule[],
  ports: readonly number[],
): ReachingRule[] {
  const reaching: ReachingRule[] = [];
  for (let index = 0; index < rules.length; index += 1) {
    const rule = rules[index] as InboundRule;
    if (!reachesAnyPort(rule, ports)) continue;
    const { source } = rule;
    reaching.push({
      index,
      rule,
      cidrs: source.kind === 'cidr' ? [cidrOfSource(source)] : undefined,
    });
  }
  return reaching;
}

function reachesAnyPort(rule: InboundRule, ports: readonly number[]): boolean {
  for (const port of ports) if (reachesTcpPort(rule, port)) return true;
  return false;
}

/** A rule that reaches the port from addresses of the family, with those addresses. */
interface Candidate {
  readonly index: number;
  readonly cidrs: readonly Cidr[];
  readonly prefixList: boolean;
}

/** One rule found to expose the port, by its index in the group's rules. */
export interface PortExposure {
  readonly index: number;
  readonly reason: ExposureReason;
}

/** Parses prefix list entries once per assessment; an invalid entry is an InvalidCidrError. */
export class PrefixListBook {
  readonly #entries: PrefixListEntries | undefined;
  // Made on first use: most groups reference no prefix list on a guarded port.
  #parsed: Map<string, readonly Cidr[]> | undefined;
  #byFamily: Map<string, readonly Cidr[]> | undefined;

  constructor(entries: PrefixListEntries | undefined) {
    this.#entries = entries;
  }

  /** Parsed entries, or `undefined` when the list was not supplied. */
  cidrs(prefixListId: string): readonly Cidr[] | undefined {
    const cached = this.#parsed?.get(prefixListId);
    if (cached !== undefined) return cached;
    const entries = this.#entries?.get(prefixListId);
    if (entries === undefined) return undefined;
    const cidrs = entries.map(parseCidr);
    this.#parsed ??= new Map();
    this.#parsed.set(prefixListId, cidrs);
    return cidrs;
  }

  /** Parsed entries of one family, or `undefined` when the list was not supplied. */
  cidrsOf(prefixListId: string, family: AddressFamily): readonly Cidr[] | undefined {
    const key = `${family} ${prefixListId}`;
    const cached = this.#byFamily?.get(key);
    if (cached !== undefined) return cached;
    const cidrs = this.cidrs(prefixListId)?.filter((cidr) => cidr.family === family);
    if (cidrs === undefined) return undefined;
    this.#byFamily ??= new Map();
    this.#byFamily.set(key, cidrs);
    return cidrs;
  }
}

function candidatesFor(
  reaching: readonly ReachingRule[],
  port: number,
  family: AddressFamily,
  book: PrefixListBook,
): Candidate[] {
  const candidates: Candidate[] = [];
  for (const { index, rule, cidrs: own } of reaching) {
    if (!reachesTcpPort(rule, port)) continue;
    const { source } = rule;
    if (own !== undefined) {
      if (own[0].family === family) candidates.push({ index, cidrs: own, prefixList: false });
    } else if (source.kind === 'prefix-list') {
      const cidrs = book.cidrsOf(source.prefixListId, family);
      if (cidrs?.length) candidates.push({ index, cidrs, prefixList: true });
    }
  }
  return candidates;
}

/** Whether one of the candidate's blocks lies strictly inside no block of another candidate. */
function isMaximal(candidate: Candidate, others: readonly Candidate[]): boolean {
  return candidate.cidrs.some(
    (cidr) =>
      !others.some(
        (other) =>
          other !== candidate && other.cidrs.some((outer) => cidrStrictlyContains(outer, cidr)),
      ),
  );
}

/**
 * Whether the candidates' blocks together cover the family. A union that covers the family
 * holds its first address, so candidates without a block starting at 0 are answered without
 * collecting and sorting their blocks (the common case: no rule of the group starts there).
 */
function candidatesCoverFamily(candidates: readonly Candidate[], family: AddressFamily): boolean {
  return (
    candidates.some(startsAtZero) &&
    unionCoversFamily(
      candidates.flatMap((candidate) => candidate.cidrs),
      family,
    )
  );
}

function startsAtZero(candidate: Candidate): boolean {
  for (const cidr of candidate.cidrs) if (cidr.network === 0n) return true;
  return false;
}

/**
 * The rules that expose `port` to the whole `family` space, by the agreed algorithm:
 *
 * 1. S = rules reaching tcp `port` from CIDRs or resolved prefix-list entries of the family.
 * 2. Each rule with a world block (`/0`), and each prefix list whose own entries cover the
 *    family, is an exposure (`world-cidr` / `world-prefix-list`); it leaves S. A list that is
 *    the world by itself is blamed alone, never the smaller blocks beside it.
 * 3. While the blocks of S together cover the family, the maximal rules of S (those with a
 *    block not strictly inside a block of another rule of S) are exposures (`union`) and
 *    leave S.
 *
 * Step 3 removes the largest blocks first, so `10.0.0.0/8` and `/32` hosts survive beside a
 * removed `0.0.0.0/1` + `128.0.0.0/1`, and each round strictly shrinks S.
 *
 * `reaching` are the group's rules that reach some guarded port ({@link rulesReachingPorts}).
 */
export function exposuresAtPort(
  reaching: readonly ReachingRule[],
  port: number,
  family: AddressFamily,
  book: PrefixListBook,
): PortExposure[] {
  const candidates = candidatesFor(reaching, port, family, book);
  if (candidates.length === 0) return [];
  const found: PortExposure[] = [];
  let remaining: Candidate[] = [];
  for (const candidate of candidates) {
    const world =
      candidate.cidrs.some((cidr) => cidr.prefixLength === 0) ||
      (candidate.prefixList &&
        startsAtZero(candidate) &&
        unionCoversFamily(candidate.cidrs, family));
    if (world) {
      found.push({
        index: candidate.index,
        reason: candidate.prefixList ? 'world-prefix-list' : 'world-cidr',
      });
    } else {
      remaining.push(candidate);
    }
  }
  while (remaining.length > 0 && candidatesCoverFamily(remaining, family)) {
    const maximal = remaining.filter((candidate) => isMaximal(candidate, remaining));
    for (const candidate of maximal) found.push({ index: candidate.index, reason: 'union' });
    remaining = remaining.filter((candidate) => !maximal.includes(candidate));
  }
  return found;
}
