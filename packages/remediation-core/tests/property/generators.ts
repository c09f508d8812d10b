/**
 * Random security groups for the property tests, in the DescribeSecurityGroupRules shape:
 * world CIDRs, split halves and finer partitions of a family (sometimes with a block missing or
 * blocks nested inside), random prefixes with host bits set, hosts, IPv6 in several spellings,
 * prefix lists (resolved or not, one family each as in AWS), security group sources, protocols
 * tcp/6/udp/17/-1/icmp/47/50 and port ranges around the guarded ports.
 *
 * fast-check draws a few integers per case; a seeded generator turns them into the group.
 * Drawing every field through fast-check combinators costs ~20 µs per rule, too slow for
 * 10,000 groups per property; shrinking still works on the size and the seeds.
 */
import type { SecurityGroupRule } from '@aws-sdk/client-ec2';
import fc from 'fast-check';

type Family = 'v4' | 'v6';

/** A small deterministic random source (mulberry32). */
export class Draw {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** One of the options, by weight. */
  weighted<T>(options: readonly (readonly [number, () => T])[]): T {
    let roll = this.int(options.reduce((sum, [weight]) => sum + weight, 0));
    for (const [weight, make] of options) {
      if (roll < weight) return make();
      roll -= weight;
    }
    throw new Error('unreachable');
  }
}

function ipv4Address(draw: Draw): string {
  return [draw.int(256), draw.int(256), draw.int(256), draw.int(256)].join('.');
}

/** IPv6 text: full, upper case, or with the first zero run compressed. */
function ipv6Address(draw: Draw): string {
  const hex = Array.from({ length: 8 }, () =>
    (draw.int(3) === 0 ? 0 : draw.int(0x10000)).toString(16),
  );
  const style = draw.pick(['full', 'upper', 'short']);
  if (style === 'upper') return hex.join(':').toUpperCase();
  const zero = hex.indexOf('0');
  if (style === 'full' || zero < 0) return hex.join(':');
  let end = zero;
  while (end < 8 && hex[end] === '0') end += 1;
  return `${hex.slice(0, zero).join(':')}::${hex.slice(end).join(':')}`;
}

/** The block number `index` of the family split into 2^depth equal blocks. */
export function block(family: Family, depth: number, index: number): string {
  if (family === 'v4') {
    const first = index * 2 ** (32 - depth);
    const octets = [24, 16, 8, 0].map((shift) => Math.floor(first / 2 ** shift) % 256);
    return `${octets.join('.')}/${depth}`;
  }
  const head = index * 2 ** (16 - depth);
  return head === 0 ? `::/${depth}` : `${head.toString(16)}::/${depth}`;
}

/**
 * Blocks that together cover a whole family: a random binary split down to /4 (the root is
 * always split), sometimes with one block missing, sometimes with blocks nested inside.
 */
export function partition(draw: Draw, family: Family): string[] {
  const blocks: string[] = [];
  const visit = (depth: number, index: number) => {
    if (depth === 0 || (depth < 4 && draw.int(2) === 0)) {
      visit(depth + 1, 2 * index);
      visit(depth + 1, 2 * index + 1);
    } else {
      blocks.push(block(family, depth, index));
    }
  };
  visit(0, 0);
  if (draw.int(4) === 0) blocks.splice(draw.int(blocks.length), 1);
  for (let n = draw.int(3); n > 0; n -= 1) {
    const depth = 1 + draw.int(6);
    blocks.push(block(family, depth, draw.int(2 ** depth)));
  }
  return blocks;
}

function cidr(draw: Draw, family: Family): string {
  const v4 = family === 'v4';
  return draw.weighted([
    [3, () => (v4 ? '0.0.0.0/0' : '::/0')],
    [2, () => ((depth) => block(family, depth, draw.int(2 ** depth)))(1 + draw.int(3))],
    [
      3,
      () => (v4 ? `${ipv4Address(draw)}/${draw.int(33)}` : `${ipv6Address(draw)}/${draw.int(129)}`),
    ],
    [2, () => (v4 ? `${ipv4Address(draw)}/32` : `${ipv6Address(draw)}/128`)],
    [1, () => (v4 ? '10.0.0.0/8' : '2001:db8::/32')],
  ]);
}

export const PREFIX_LIST_IDS = ['pl-0', 'pl-1', 'pl-2', 'pl-3'] as const;

type Source = Pick<
  SecurityGroupRule,
  'CidrIpv4' | 'CidrIpv6' | 'PrefixListId' | 'ReferencedGroupInfo'
>;

function source(draw: Draw): Source {
  return draw.weighted<Source>([
    [5, () => ({ CidrIpv4: cidr(draw, 'v4') })],
    [3, () => ({ CidrIpv6: cidr(draw, 'v6') })],
    [2, () => ({ PrefixListId: draw.pick(PREFIX_LIST_IDS) })],
    [
      1,
      () => ({
        ReferencedGroupInfo: { GroupId: draw.pick(['sg-1', 'sg-2']), UserId: '111122223333' },
      }),
    ],
  ]);
}

const PORT_POINTS = [0, 1, 20, 21, 22, 23, 25, 80, 443, 3388, 3389, 3390, 8080, 65534, 65535];

type Access = Pick<SecurityGroupRule, 'IpProtocol' | 'FromPort' | 'ToPort'>;

/** Protocol with the ports EC2 would store for it, including the shapes with a port missing. */
function access(draw: Draw): Access {
  return draw.weighted<Access>([
    [
      6,
      () => {
        const IpProtocol = draw.pick(['tcp', 'tcp', '6', 'udp', '17']);
        const a = draw.pick(PORT_POINTS);
        const b = draw.pick(PORT_POINTS);
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        return draw.weighted<Access>([
          [3, () => ({ IpProtocol, FromPort: lo, ToPort: hi })],
          [1, () => ({ IpProtocol, FromPort: -1, ToPort: -1 })],
          [1, () => ({ IpProtocol, FromPort: lo })],
          [1, () => ({ IpProtocol, ToPort: hi })],
          [1, () => ({ IpProtocol, FromPort: 22, ToPort: 22 })],
        ]);
      },
    ],
    [3, () => ({ IpProtocol: '-1', FromPort: -1, ToPort: -1 })],
    [
      1,
      () => {
        const FromPort = draw.pick([-1, 0, 8, 22]);
        return { IpProtocol: 'icmp', FromPort, ToPort: FromPort === -1 ? -1 : draw.pick([-1, 0]) };
      },
    ],
    [1, () => ({ IpProtocol: draw.pick(['47', '50']), FromPort: -1, ToPort: -1 })],
  ]);
}

function rule(draw: Draw): SecurityGroupRule {
  const description =
    draw.int(4) === 0 ? { Description: draw.pick(['office', 'vpn', 'legacy']) } : undefined;
  return Object.assign({}, access(draw), source(draw), description);
}

/** Rules whose CIDRs partition a family: all wide tcp, all `-1`, or random access each. */
function partitionRules(draw: Draw): SecurityGroupRule[] {
  const family = draw.pick<Family>(['v4', 'v4', 'v6']);
  const protocols = draw.pick(['tcp', '-1', 'mixed']);
  return partition(draw, family).map((cidrText) => {
    const chosen =
      protocols === 'tcp'
        ? { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535 }
        : protocols === '-1'
          ? { IpProtocol: '-1', FromPort: -1, ToPort: -1 }
          : access(draw);
    return Object.assign(chosen, family === 'v4' ? { CidrIpv4: cidrText } : { CidrIpv6: cidrText });
  });
}

/** Entries of one prefix list (one family), or `undefined` when it is not resolved. */
function prefixListEntries(draw: Draw): string[] | undefined {
  if (draw.int(5) === 0) return undefined;
  const family = draw.pick<Family>(['v4', 'v6']);
  if (draw.int(3) === 0) return partition(draw, family);
  return Array.from({ length: draw.int(5) }, () => cidr(draw, family));
}

/** One generated case: the group's rules, the resolved prefix lists and the settings. */
export interface GroupCase {
  readonly rules: SecurityGroupRule[];
  readonly prefixLists: Map<string, string[]>;
  readonly ports: number[];
  readonly ruleQuota: number;
}

/** Builds a case; rules come from their own stream so a smaller `size` keeps a prefix. */
export function makeGroupCase(size: number, partitions: number, seed: number): GroupCase {
  const rulesDraw = new Draw(seed);
  const draw = new Draw(seed ^ 0x5bd1e995);
  const all = [
    ...Array.from({ length: size }, () => rule(rulesDraw)),
    ...Array.from({ length: partitions }, () => partitionRules(draw)).flat(),
  ];
  const shift = all.length === 0 ? 0 : draw.int(all.length);
  const rules = [...all.slice(shift), ...all.slice(0, shift)].map((r, i) =>
    Object.assign(
      { SecurityGroupRuleId: `sgr-${i}`, GroupId: 'sg-0123456789abcdef0', IsEgress: false },
      r,
    ),
  );
  const prefixLists = new Map<string, string[]>();
  for (const id of PREFIX_LIST_IDS) {
    const entries = prefixListEntries(draw);
    if (entries !== undefined) prefixLists.set(id, entries);
  }
  const ports = draw.weighted<number[]>([
    [4, () => [22]],
    [
      1,
      () =>
        draw.pick([
          [22, 3389],
          [3389, 22, 80],
          [1, 65535],
        ]),
    ],
  ]);
  const ruleQuota = draw.int(5) === 0 ? 1 + draw.int(20) : 60;
  return { rules, prefixLists, ports, ruleQuota };
}

export const groupCaseArb: fc.Arbitrary<GroupCase> = fc
  .tuple(fc.nat({ max: 9 }), fc.nat({ max: 2 }), fc.integer())
  .map(([size, partitions, seed]) => makeGroupCase(size, partitions, seed));
