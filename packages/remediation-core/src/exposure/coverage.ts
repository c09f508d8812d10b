/**
 * Which rules make one guarded port reachable from the whole internet of one address family.
 * Internal to `exposure`; see `assessGroup` for the public contract.
 */
import { type Cidr, cidrStrictlyContains, parseCidr, unionCoversFamily } from '../cidr/cidr.js';
import type { AddressFamily, ExposureReason, InboundRule, PrefixListEntries } from '../model.js';

/** Whether a rule lets tcp reach the port: tcp with a range holding it, or all traffic. */
export function reachesTcpPort(rule: InboundRule, port: number): boolean {
  if (rule.protocol === '-1') return true;
  return rule.protocol === 'tcp' && rule.fromPort <= port && port <= rule.toPort;
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
  readonly #entries: PrefixListEntries;
  readonly #parsed = new Map<string, readonly Cidr[]>();

  constructor(entries: PrefixListEntries | undefined) {
    this.#entries = entries ?? new Map();
  }

  /** Parsed entries, or `undefined` when the list was not supplied. */
  cidrs(prefixListId: string): readonly Cidr[] | undefined {
    const cached = this.#parsed.get(prefixListId);
    if (cached !== undefined) return cached;
    const entries = this.#entries.get(prefixListId);
    if (entries === undefined) return undefined;
    const cidrs = entries.map(parseCidr);
    this.#parsed.set(prefixListId, cidrs);
    return cidrs;
  }
}

function candidatesFor(
  rules: readonly InboundRule[],
  port: number,
  family: AddressFamily,
  book: PrefixListBook,
  parsedCidrs: ReadonlyMap<number, Cidr>,
): Candidate[] {
  const candidates: Candidate[] = [];
  for (const [index, rule] of rules.entries()) {
    if (!reachesTcpPort(rule, port)) continue;
    const { source } = rule;
    if (source.kind === 'cidr') {
      const cidr = parsedCidrs.get(index);
      if (cidr?.family === family) candidates.push({ index, cidrs: [cidr], prefixList: false });
    } else if (source.kind === 'prefix-list') {
      const cidrs = book.cidrs(source.prefixListId)?.filter((cidr) => cidr.family === family);
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
 */
export function exposuresAtPort(
  rules: readonly InboundRule[],
  port: number,
  family: AddressFamily,
  book: PrefixListBook,
  parsedCidrs: ReadonlyMap<number, Cidr>,
): PortExposure[] {
  const found: PortExposure[] = [];
  let remaining: Candidate[] = [];
  for (const candidate of candidatesFor(rules, port, family, book, parsedCidrs)) {
    const world =
      candidate.cidrs.some((cidr) => cidr.prefixLength === 0) ||
      (candidate.prefixList && unionCoversFamily(candidate.cidrs, family));
    if (world) {
      found.push({
        index: candidate.index,
        reason: candidate.prefixList ? 'world-prefix-list' : 'world-cidr',
      });
    } else {
      remaining.push(candidate);
    }
  }
  while (
    remaining.length > 0 &&
    unionCoversFamily(
      remaining.flatMap((candidate) => candidate.cidrs),
      family,
    )
  ) {
    const maximal = remaining.filter((candidate) => isMaximal(candidate, remaining));
    for (const candidate of maximal) found.push({ index: candidate.index, reason: 'union' });
    remaining = remaining.filter((candidate) => !maximal.includes(candidate));
  }
  return found;
}
