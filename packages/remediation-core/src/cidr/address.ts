/**
 * Text ⇄ number for IP addresses. Internal to the `cidr` module: callers use `parseCidr`.
 * Addresses are `bigint` for both families so that one code path does the CIDR math.
 */

const IPV4_OCTET = /^(0|[1-9]\d{0,2})$/;
const IPV6_GROUP = /^[0-9a-f]{1,4}$/i;

/** The IPv4 address as a 32-bit number, or `undefined` when the text is not dotted-quad. */
export function parseIpv4(text: string): bigint | undefined {
  const octets = text.split('.');
  if (octets.length !== 4) return undefined;
  // Summed as a Number (exact below 2^53) and made a BigInt once: BigInt shifts allocate.
  let value = 0;
  for (const octet of octets) {
    // Leading zeros are rejected: some parsers read them as octal, so they are ambiguous.
    if (!IPV4_OCTET.test(octet)) return undefined;
    const n = Number(octet);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return BigInt(value);
}

/** Parses the groups of one side of `::` (or a whole address without it). */
function parseGroups(text: string, allowTrailingIpv4: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (const [index, part] of parts.entries()) {
    if (allowTrailingIpv4 && index === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
    } else if (IPV6_GROUP.test(part)) {
      groups.push(Number.parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

/**
 * The IPv6 address as a 128-bit number, or `undefined`. Accepts `::` compression (once), upper
 * case, and a trailing dotted quad (`::ffff:192.0.2.1`); rejects zone ids (`%eth0`).
 */
export function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const [headText = '', tailText] = halves;
  const head = parseGroups(headText, tailText === undefined);
  const tail = tailText === undefined ? [] : parseGroups(tailText, true);
  if (head === undefined || tail === undefined) return undefined;
  const compressed = tailText !== undefined;
  const count = head.length + tail.length;
  if (compressed ? count > 7 : count !== 8) return undefined;
  const groups = [...head, ...new Array<number>(8 - count).fill(0), ...tail];
  let value = 0n;
  for (const group of groups) value = (value << 16n) | BigInt(group);
  return value;
}

/** Dotted-quad text of a 32-bit number. */
export function formatIpv4(value: bigint): string {
  // One conversion to a Number, then 32-bit arithmetic (`>>>` keeps it unsigned).
  const n = Number(value & 0xffffffffn);
  return `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

const IPV4_MAPPED_PREFIX = 0xffffn << 32n;

/**
 * RFC 5952 text of a 128-bit number: lower case, no leading zeros, the longest run of two or
 * more zero groups (the first on a tie) written as `::`; IPv4-mapped addresses end in a dotted
 * quad (`::ffff:192.0.2.1`).
 */
export function formatIpv6(value: bigint): string {
  if (value >> 32n === IPV4_MAPPED_PREFIX >> 32n) {
    return `::ffff:${formatIpv4(value & 0xffffffffn)}`;
  }
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; ) {
    if (groups[start] !== 0) {
      start += 1;
      continue;
    }
    let end = start;
    while (end < 8 && groups[end] === 0) end += 1;
    if (end - start > bestLength) {
      bestStart = start;
      bestLength = end - start;
    }
    start = end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}
