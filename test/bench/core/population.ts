/**
 * A realistic, reproducible population of security groups for the core benchmark: mostly clean
 * groups (web ports open to the world, SSH from private ranges and bastion hosts, databases from
 * peer groups, prefix lists, IPv6), with a minority exposing SSH in every shape DESIGN.md names.
 * Rules are made in the shape DescribeSecurityGroupRules returns and read by the core's reader,
 * exactly as `scanRegion` and the remediator's gateway hand groups to `assessGroup`.
 */
import type { SecurityGroupRule } from '@aws-sdk/client-ec2';
import {
  type GroupSnapshot,
  type InboundRule,
  type PrefixListEntries,
  rulesFromSecurityGroupRules,
} from '@sg-guard/remediation-core';

/** A deterministic PRNG (mulberry32), so every run measures the same population. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** What {@link generatePopulation} builds. */
export interface Population {
  readonly groups: readonly GroupSnapshot[];
  /** Entries of every prefix list the groups reference (as an adapter would have fetched). */
  readonly prefixLists: PrefixListEntries;
  readonly ruleCount: number;
  /** Groups generated with at least one exposure (the assessment must agree). */
  readonly exposedGroups: number;
}

/** Options of {@link generatePopulation}. */
export interface PopulationOptions {
  readonly groups: number;
  /** Share of groups that expose SSH. @default 0.15 */
  readonly exposedShare?: number;
  /** Rules per group, inclusive. @default [10, 40] */
  readonly rulesPerGroup?: readonly [number, number];
  /** @default 20251127 */
  readonly seed?: number;
}

const CORPORATE_LIST = 'pl-0c0ffee0c0ffee001';
const WORLD_LIST = 'pl-0deadbeefdeadbe02';
const PREFIX_LISTS: PrefixListEntries = new Map([
  [CORPORATE_LIST, ['198.51.100.0/24', '203.0.113.0/24', '192.0.2.0/24', '2001:db8:1::/48']],
  [WORLD_LIST, ['0.0.0.0/1', '128.0.0.0/1']],
]);

type RuleMaker = (random: () => number) => Omit<InboundRule, 'ruleId'>;

const pick = <T>(random: () => number, values: readonly T[]): T =>
  values[Math.floor(random() * values.length)] as T;
const octet = (random: () => number) => Math.floor(random() * 256);
const cidr = (text: string) => ({
  kind: 'cidr' as const,
  family: text.includes(':') ? ('ipv6' as const) : ('ipv4' as const),
  cidr: text,
});
const tcp = (fromPort: number, toPort: number, source: InboundRule['source']) => ({
  protocol: 'tcp',
  fromPort,
  toPort,
  source,
});

/** Rules that do not expose SSH, weighted towards what real estates hold. */
const CLEAN: readonly RuleMaker[] = [
  () => ({ ...tcp(443, 443, cidr('0.0.0.0/0')), description: 'public HTTPS' }),
  () => tcp(80, 80, cidr('0.0.0.0/0')),
  () => tcp(443, 443, cidr('::/0')),
  (r) => ({ ...tcp(22, 22, cidr(`10.${octet(r)}.${octet(r)}.0/24`)), description: 'SSH from VPC' }),
  (r) => tcp(22, 22, cidr(`203.0.113.${octet(r)}/32`)),
  (r) => tcp(22, 22, cidr(`172.${16 + Math.floor(r() * 16)}.0.0/16`)),
  (r) =>
    tcp(5432, 5432, {
      kind: 'security-group',
      groupId: `sg-0${octet(r)}a1b2c3d4e5f60`,
      userId: '111122223333',
    }),
  (r) => tcp(3306, 3306, cidr(`10.${octet(r)}.0.0/16`)),
  (r) => tcp(8080, 8090, cidr(`192.168.${octet(r)}.0/24`)),
  () => ({ protocol: 'udp', fromPort: 53, toPort: 53, source: cidr('0.0.0.0/0') }),
  () => ({ protocol: 'udp', fromPort: 0, toPort: 65535, source: cidr('0.0.0.0/0') }),
  () => ({ protocol: 'icmp', fromPort: 8, toPort: -1, source: cidr('0.0.0.0/0') }),
  () => ({ protocol: '47', fromPort: -1, toPort: -1, source: cidr('0.0.0.0/0') }),
  () => tcp(443, 443, { kind: 'prefix-list', prefixListId: CORPORATE_LIST }),
  () => tcp(22, 22, { kind: 'prefix-list', prefixListId: CORPORATE_LIST }),
  (r) => ({ protocol: '-1', fromPort: -1, toPort: -1, source: cidr(`10.${octet(r)}.0.0/16`) }),
  (r) => tcp(22, 22, cidr(`2001:db8:${octet(r).toString(16)}::/48`)),
  () => tcp(23, 25, cidr('0.0.0.0/0')),
];

/** Rule sets that expose SSH, each as one group would hold it. */
const EXPOSING: readonly (readonly Omit<InboundRule, 'ruleId'>[])[] = [
  [tcp(22, 22, cidr('0.0.0.0/0'))],
  [tcp(22, 22, cidr('::/0'))],
  [tcp(22, 22, cidr('0.0.0.0/0')), tcp(22, 22, cidr('::/0'))],
  [tcp(0, 65535, cidr('0.0.0.0/0'))],
  [{ protocol: '-1', fromPort: -1, toPort: -1, source: cidr('0.0.0.0/0') }],
  [tcp(20, 30, cidr('0.0.0.0/0'))],
  [tcp(22, 22, cidr('0.0.0.0/1')), tcp(22, 22, cidr('128.0.0.0/1'))],
  [tcp(22, 22, { kind: 'prefix-list', prefixListId: WORLD_LIST })],
];

/** A rule as DescribeSecurityGroupRules returns it. */
function asDescribed(
  body: Omit<InboundRule, 'ruleId'>,
  groupId: string,
  ruleId: string,
): SecurityGroupRule {
  const { source } = body;
  return {
    SecurityGroupRuleId: ruleId,
    GroupId: groupId,
    GroupOwnerId: '111122223333',
    IsEgress: false,
    IpProtocol: body.protocol,
    FromPort: body.fromPort,
    ToPort: body.toPort,
    ...(source.kind === 'cidr' && source.family === 'ipv4' ? { CidrIpv4: source.cidr } : {}),
    ...(source.kind === 'cidr' && source.family === 'ipv6' ? { CidrIpv6: source.cidr } : {}),
    ...(source.kind === 'prefix-list' ? { PrefixListId: source.prefixListId } : {}),
    ...(source.kind === 'security-group'
      ? { ReferencedGroupInfo: { GroupId: source.groupId, UserId: source.userId } }
      : {}),
    ...(body.description ? { Description: body.description } : {}),
  };
}

/**
 * Generates `options.groups` groups of 10–40 rules each, every rule with a `sgr-…` id, read
 * from the EC2 shape by `rulesFromSecurityGroupRules` (as the adapters read them).
 *
 * @example
 * const { groups, prefixLists, ruleCount } = generatePopulation({ groups: 2_000 });
 */
export function generatePopulation(options: PopulationOptions): Population {
  const random = seededRandom(options.seed ?? 20251127);
  const [fewest, most] = options.rulesPerGroup ?? [10, 40];
  const exposedShare = options.exposedShare ?? 0.15;
  const groups: GroupSnapshot[] = [];
  let ruleCount = 0;
  let exposedGroups = 0;
  let nextRule = 0;
  for (let index = 0; index < options.groups; index += 1) {
    const size = fewest + Math.floor(random() * (most - fewest + 1));
    const exposing = random() < exposedShare ? pick(random, EXPOSING) : [];
    const bodies = [...exposing];
    while (bodies.length < size) bodies.push(pick(random, CLEAN)(random));
    // Exposures sit anywhere in the group, not always first (Fisher–Yates).
    for (let i = bodies.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [bodies[i], bodies[j]] = [
        bodies[j] as (typeof bodies)[number],
        bodies[i] as (typeof bodies)[number],
      ];
    }
    const groupId = `sg-${index.toString(16).padStart(17, '0')}`;
    const rules = rulesFromSecurityGroupRules(
      bodies.map((body) => {
        nextRule += 1;
        return asDescribed(body, groupId, `sgr-${nextRule.toString(16).padStart(17, '0')}`);
      }),
    );
    if (exposing.length > 0) exposedGroups += 1;
    ruleCount += rules.length;
    groups.push({
      groupId,
      groupName: `app-${index}`,
      vpcId: 'vpc-0123456789abcdef0',
      ownerId: '111122223333',
      tags: { Name: `app-${index}` },
      rules,
    });
  }
  return { groups, prefixLists: PREFIX_LISTS, ruleCount, exposedGroups };
}
