/**
 * The canonical form of one inbound rule, shared by every reader (EC2 rules, EC2 permissions,
 * AWS Config items, snapshots). Readers differ in shape only; every rule they produce goes
 * through these functions, so two readings of the same rule compare equal.
 */
import { type Cidr, parseCidr } from '../cidr/cidr.js';
import { InvalidRuleError } from '../errors.js';
import type { AddressFamily, InboundRule, Protocol, RuleSource } from '../model.js';

const PROTOCOL_NAMES: Readonly<Record<string, Protocol>> = {
  tcp: 'tcp',
  '6': 'tcp',
  udp: 'udp',
  '17': 'udp',
  icmp: 'icmp',
  '1': 'icmp',
  icmpv6: 'icmpv6',
  '58': 'icmpv6',
  '-1': '-1',
  all: '-1',
};
const NUMERIC = /^-?\d+$/;
const NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Canonical protocol: `tcp`/`6` → `tcp`, `udp`/`17` → `udp`, `icmp`/`1` → `icmp`,
 * `icmpv6`/`58` → `icmpv6`, `-1`/`all` → `-1`; other numbers 0–255 as decimal strings
 * (`47`), other names lower-cased.
 *
 * @throws InvalidRuleError when absent, not an integer in -1…255, or not a name.
 * @example
 * normalizeProtocol(6) // → 'tcp'; normalizeProtocol('TCP') // → 'tcp'; normalizeProtocol('47') // → '47'
 */
export function normalizeProtocol(protocol: string | number | undefined): Protocol {
  if (typeof protocol !== 'string' && typeof protocol !== 'number') {
    throw new InvalidRuleError('rule has no protocol');
  }
  const text = typeof protocol === 'number' ? String(protocol) : protocol.toLowerCase();
  if (NUMERIC.test(text)) {
    const n = Number(text);
    if (n < -1 || n > 255) throw new InvalidRuleError(`protocol number out of range: ${text}`);
    return PROTOCOL_NAMES[String(n)] ?? String(n);
  }
  const named = PROTOCOL_NAMES[text];
  if (named !== undefined) return named;
  if (NAME.test(text)) return text;
  throw new InvalidRuleError(`not a protocol: ${JSON.stringify(protocol)}`);
}

function checkPort(value: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidRuleError(`${what} out of range (${min}…${max}): ${value}`);
  }
  return value;
}

/** A port that is absent or `-1` means "not given". */
function given(port: number | undefined): port is number {
  return port !== undefined && port !== -1;
}

/**
 * Canonical ports of a rule.
 *
 * - `-1` (all traffic) and protocols other than tcp/udp/icmp/icmpv6 (EC2 ignores their ports):
 *   `-1`/`-1`, meaning every port.
 * - tcp/udp: both ports absent (or `-1`) → `0`–`65535`; only `fromPort` given → that single
 *   port; only `toPort` given → that single port. A permission without `ToPort` is read as the
 *   narrowest rule it can mean, never as "all ports".
 * - icmp/icmpv6: `fromPort` is the type, `toPort` the code; absent → `-1` (all); all types
 *   implies all codes.
 *
 * @throws InvalidRuleError for ports out of range or `fromPort > toPort`.
 */
export function normalizePorts(
  protocol: Protocol,
  fromPort: number | undefined,
  toPort: number | undefined,
): { readonly fromPort: number; readonly toPort: number } {
  if (protocol === 'tcp' || protocol === 'udp') {
    if (!given(fromPort) && !given(toPort)) return { fromPort: 0, toPort: 65535 };
    const from = checkPort(given(fromPort) ? fromPort : (toPort as number), 0, 65535, 'port');
    const to = checkPort(given(toPort) ? toPort : from, 0, 65535, 'port');
    if (from > to) throw new InvalidRuleError(`port range is reversed: ${from}-${to}`);
    return { fromPort: from, toPort: to };
  }
  if (protocol === 'icmp' || protocol === 'icmpv6') {
    const type = checkPort(fromPort ?? -1, -1, 255, 'ICMP type');
    const code = type === -1 ? -1 : checkPort(toPort ?? -1, -1, 255, 'ICMP code');
    return { fromPort: type, toPort: code };
  }
  return { fromPort: -1, toPort: -1 };
}

type CidrRuleSource = Extract<RuleSource, { kind: 'cidr' }>;

/** A base class whose constructor returns the object it is given, for the marks below. */
class Existing {
  constructor(target: object) {
    // biome-ignore lint/correctness/noConstructorReturn: the subclasses add their private field to `target` itself
    return target;
  }
}

/**
 * The parsed block of a source {@link cidrSource} made, kept on the source itself as a private
 * field. Readers parse every CIDR once; the assessment takes the block from here instead of
 * parsing the text again (parseCidr's own cache is bounded, and a large region's distinct CIDRs
 * outgrow it).
 *
 * A private field added to the plain object (the subclass-of-a-returning-constructor idiom),
 * not a WeakMap or a symbol property: a WeakMap of 100,000 entries costs about 300 ns a lookup
 * and 400 ns an insertion, `Object.defineProperty` about 400 ns; adding a private field costs
 * about 110 ns and reading one a few. It is invisible to equality checks, `Object.keys`,
 * `Reflect.ownKeys`, spreads, JSON and structured clones (a copy is parsed again), and leaves
 * the object's prototype as it was.
 */
class ParsedCidr extends Existing {
  readonly #cidr: Cidr;

  constructor(source: CidrRuleSource, cidr: Cidr) {
    super(source);
    this.#cidr = cidr;
  }

  static of(source: CidrRuleSource): Cidr | undefined {
    return #cidr in source ? (source as ParsedCidr).#cidr : undefined;
  }
}

/** Marks the rules {@link buildRule} made, as {@link ParsedCidr} does. */
class CanonicalMark extends Existing {
  readonly #canonical = true;

  static has(rule: InboundRule): boolean {
    return #canonical in rule;
  }
}

/**
 * A CIDR source in canonical text. When the field it came from names a family
 * (`CidrIpv4`, `Ipv6Ranges`), the CIDR must be of that family.
 *
 * @throws InvalidCidrError for a malformed CIDR; InvalidRuleError for the wrong family.
 */
export function cidrSource(
  text: string,
  expected?: AddressFamily,
): Extract<RuleSource, { kind: 'cidr' }> {
  const cidr = parseCidr(text);
  if (expected !== undefined && cidr.family !== expected) {
    throw new InvalidRuleError(`${text} is not an ${expected} CIDR`);
  }
  const source = { kind: 'cidr', family: cidr.family, cidr: cidr.text } as const;
  new ParsedCidr(source, cidr);
  return source;
}

/**
 * The parsed block of a CIDR source: the one {@link cidrSource} parsed when it made the source,
 * or the source's text parsed now.
 *
 * @throws InvalidCidrError when the text is not a CIDR.
 */
export function cidrOfSource(source: CidrRuleSource): Cidr {
  return ParsedCidr.of(source) ?? parseCidr(source.cidr);
}

/** A managed prefix list source. @throws InvalidRuleError for an empty id. */
export function prefixListSource(prefixListId: string | undefined): RuleSource {
  if (!prefixListId) throw new InvalidRuleError('prefix list source without an id');
  return { kind: 'prefix-list', prefixListId };
}

/** A security group source. @throws InvalidRuleError without a group id. */
export function groupSource(
  groupId: string | undefined,
  userId?: string,
  vpcId?: string,
): RuleSource {
  if (!groupId) throw new InvalidRuleError('security group source without a group id');
  const source: Mutable<Extract<RuleSource, { kind: 'security-group' }>> = {
    kind: 'security-group',
    groupId,
  };
  if (userId) source.userId = userId;
  if (vpcId) source.vpcId = vpcId;
  return source;
}

/** What a reader knows about one rule before canonicalization. */
export interface RawRule {
  readonly ruleId?: string | undefined;
  readonly protocol: string | number | undefined;
  readonly fromPort?: number | undefined;
  readonly toPort?: number | undefined;
  readonly source: RuleSource;
  readonly description?: string | undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Builds a canonical rule; absent optional fields are left out, not set to `undefined`.
 * (Assigned field by field: conditional object spreads are slow in V8 and this runs per rule.)
 */
export function buildRule(raw: RawRule): InboundRule {
  const protocol = normalizeProtocol(raw.protocol);
  const { fromPort, toPort } = normalizePorts(protocol, raw.fromPort, raw.toPort);
  const rule: Mutable<InboundRule> = { protocol, fromPort, toPort, source: raw.source };
  if (raw.ruleId) rule.ruleId = raw.ruleId;
  if (raw.description) rule.description = raw.description;
  // Canonical by construction: every caller hands it a source made by `cidrSource`,
  // `prefixListSource`, `groupSource` or `canonicalSource`. Assessing a snapshot re-reads its
  // rules, and for rules the adapters read this way that work is skipped.
  new CanonicalMark(rule);
  return rule;
}

/** Re-canonicalizes a source that did not come from a reader (e.g. a snapshot from a file). */
export function canonicalSource(source: RuleSource): RuleSource {
  switch (source?.kind) {
    case 'cidr':
      return cidrSource(source.cidr, source.family);
    case 'prefix-list':
      return prefixListSource(source.prefixListId);
    case 'security-group':
      return groupSource(source.groupId, source.userId, source.vpcId);
    default:
      throw new InvalidRuleError(`unknown rule source: ${JSON.stringify(source)}`);
  }
}

/**
 * Re-canonicalizes an {@link InboundRule} (protocol, ports, CIDR text), validating it. A rule
 * {@link buildRule} made is canonical already and is returned as is.
 */
export function canonicalRule(rule: InboundRule): InboundRule {
  if (CanonicalMark.has(rule)) return rule;
  return buildRule({
    ruleId: rule.ruleId,
    protocol: rule.protocol,
    fromPort: rule.fromPort,
    toPort: rule.toPort,
    source: canonicalSource(rule.source),
    description: rule.description,
  });
}
