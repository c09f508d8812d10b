import { InvalidCidrError } from '../errors.js';
import type { AddressFamily } from '../model.js';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from './address.js';

/** A parsed CIDR block: numbers, never strings, for every comparison. */
export interface Cidr {
  readonly family: AddressFamily;
  /** First address of the block (host bits cleared). */
  readonly network: bigint;
  readonly prefixLength: number;
  /** Canonical text: masked network, IPv6 per RFC 5952 (`2001:db8::/32`). */
  readonly text: string;
}

const BITS: Readonly<Record<AddressFamily, number>> = { ipv4: 32, ipv6: 128 };
const PREFIX_LENGTH = /^(0|[1-9]\d{0,2})$/;

/** Number of address bits of a family: 32 or 128. */
export function familyBits(family: AddressFamily): number {
  return BITS[family];
}

function hostMasks(bits: number): readonly bigint[] {
  return Array.from({ length: bits + 1 }, (_, prefix) => (1n << BigInt(bits - prefix)) - 1n);
}

// Precomputed: BigInt shifts allocate, and containment tests run in tight loops.
const HOST_MASKS: Readonly<Record<AddressFamily, readonly bigint[]>> = {
  ipv4: hostMasks(32),
  ipv6: hostMasks(128),
};
const NETWORK_MASKS: Readonly<Record<AddressFamily, readonly bigint[]>> = {
  ipv4: HOST_MASKS.ipv4.map((mask) => (HOST_MASKS.ipv4[0] as bigint) ^ mask),
  ipv6: HOST_MASKS.ipv6.map((mask) => (HOST_MASKS.ipv6[0] as bigint) ^ mask),
};

/** Size of the block minus one: the host-bit mask of a prefix length. */
function hostMask(family: AddressFamily, prefixLength: number): bigint {
  return HOST_MASKS[family][prefixLength] as bigint;
}

/** The network-bit mask of a prefix length. */
function networkMask(family: AddressFamily, prefixLength: number): bigint {
  return NETWORK_MASKS[family][prefixLength] as bigint;
}

// Groups repeat the same CIDRs (and assessments re-read them), so parsing is memoized.
const PARSED = new Map<string, Cidr>();
const PARSED_LIMIT = 4096;

/** Last address of the block. */
export function cidrLast(cidr: Cidr): bigint {
  return cidr.network | hostMask(cidr.family, cidr.prefixLength);
}

/**
 * Parses an IPv4 or IPv6 CIDR. Host bits that are set are cleared (`10.0.0.1/8` →
 * `10.0.0.0/8`), as EC2 does; IPv6 may be compressed (`::`), upper case, or end in a dotted
 * quad (`::ffff:192.0.2.0/120`, kept as IPv6). A prefix length is required.
 *
 * @throws InvalidCidrError for anything else (empty, spaces, leading zeros, `/33`, zone ids).
 * @example
 * parseCidr('2001:DB8::1/32') // → { family: 'ipv6', prefixLength: 32, text: '2001:db8::/32', … }
 */
export function parseCidr(text: string): Cidr {
  const cached = PARSED.get(text);
  if (cached !== undefined) return cached;
  const cidr = parseUncached(text);
  if (PARSED.size >= PARSED_LIMIT) PARSED.clear();
  PARSED.set(text, cidr);
  return cidr;
}

function parseUncached(text: string): Cidr {
  if (typeof text !== 'string') throw new InvalidCidrError(String(text));
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? '' : text.slice(0, slash);
  const prefixText = slash < 0 ? '' : text.slice(slash + 1);
  if (!PREFIX_LENGTH.test(prefixText)) throw new InvalidCidrError(text);
  const family: AddressFamily = addressText.includes(':') ? 'ipv6' : 'ipv4';
  const address = family === 'ipv6' ? parseIpv6(addressText) : parseIpv4(addressText);
  const prefixLength = Number(prefixText);
  if (address === undefined || prefixLength > BITS[family]) throw new InvalidCidrError(text);
  const network = address & networkMask(family, prefixLength);
  const formatted = family === 'ipv6' ? formatIpv6(network) : formatIpv4(network);
  return Object.freeze({ family, network, prefixLength, text: `${formatted}/${prefixLength}` });
}

function toCidr(value: Cidr | string): Cidr {
  return typeof value === 'string' ? parseCidr(value) : value;
}

/**
 * Whether the text is the whole IPv4 or IPv6 space (`0.0.0.0/0`, `::/0`, or any block with a
 * zero prefix length, since host bits are cleared).
 *
 * @throws InvalidCidrError when the text is not a CIDR.
 * @example
 * isWorldCidr('::/0') // → true; isWorldCidr('0.0.0.0/1') // → false
 */
export function isWorldCidr(text: string): boolean {
  return parseCidr(text).prefixLength === 0;
}

/**
 * Whether every address of `inner` lies in `outer` (equal blocks contain each other; blocks
 * of different families never do).
 *
 * @example
 * cidrContains('10.0.0.0/8', '10.1.0.0/16') // → true
 */
export function cidrContains(outer: Cidr | string, inner: Cidr | string): boolean {
  const o = toCidr(outer);
  const i = toCidr(inner);
  if (o.family !== i.family || o.prefixLength > i.prefixLength) return false;
  return (i.network & networkMask(o.family, o.prefixLength)) === o.network;
}

/** Whether `inner` lies in `outer` and is smaller than it. */
export function cidrStrictlyContains(outer: Cidr, inner: Cidr): boolean {
  return outer.prefixLength < inner.prefixLength && cidrContains(outer, inner);
}

/**
 * Whether the blocks of one family, together, cover that family's whole address space
 * (`0.0.0.0/1` + `128.0.0.0/1` do). Blocks of the other family are ignored. Intervals are
 * merged on numbers after sorting by first address.
 *
 * @example
 * unionCoversFamily([parseCidr('0.0.0.0/1'), parseCidr('128.0.0.0/1')], 'ipv4') // → true
 */
export function unionCoversFamily(cidrs: readonly Cidr[], family: AddressFamily): boolean {
  const blocks = cidrs
    .filter((cidr) => cidr.family === family)
    .sort((a, b) => (a.network < b.network ? -1 : a.network > b.network ? 1 : 0));
  const last = hostMask(family, 0);
  // `next` is the first address not yet known to be covered.
  let next = 0n;
  for (const block of blocks) {
    if (block.network > next) return false;
    const end = cidrLast(block);
    if (end >= next) next = end + 1n;
    if (next > last) return true;
  }
  return false;
}
