import { EstateError } from './errors.js';

/** Stands for a peer security group that `openSsh` creates next to the group. */
export const SOURCE_GROUP = '{source-group}';
/** Stands for a managed prefix list holding `0.0.0.0/0` that `openSsh` creates. */
export const WORLD_PREFIX_LIST = '{world-prefix-list}';

/** One `IpPermission` of a shape; each source becomes one rule. */
export interface ShapePermission {
  /** As sent to AuthorizeSecurityGroupIngress: `tcp`, `6`, `-1`, `47`… */
  readonly protocol: string;
  /** Absent for protocol `-1`. */
  readonly fromPort?: number;
  readonly toPort?: number;
  /** CIDRs, {@link SOURCE_GROUP} or {@link WORLD_PREFIX_LIST}. */
  readonly sources: readonly string[];
}

/**
 * One way a security group can (or can seem to) open SSH to the internet, with what must
 * survive remediation. Rules are written as `formatRule` lines (`tcp 22 0.0.0.0/0`), with
 * {@link SOURCE_GROUP} and {@link WORLD_PREFIX_LIST} standing for ids known only once created.
 * Every expectation assumes the guarded ports are `[22]`.
 */
export interface SshShape {
  readonly name: string;
  readonly summary: string;
  /** Whether port 22 is open to the internet (IPv4 or IPv6). */
  readonly exposed: boolean;
  readonly permissions: readonly ShapePermission[];
  /** The rules a remediator must report as exposures (empty when not exposed). */
  readonly exposing: readonly string[];
  /** The inbound rules left after remediation with each strategy, sorted. */
  readonly survivors: { readonly narrow: readonly string[]; readonly revoke: readonly string[] };
}

const world = (protocol: string, fromPort?: number, toPort?: number): ShapePermission => ({
  protocol,
  ...(fromPort === undefined ? {} : { fromPort, toPort: toPort ?? fromPort }),
  sources: ['0.0.0.0/0'],
});

/**
 * The catalogue of rule shapes sg-guard must judge right, as data. Integration tests, the CLI's
 * tests and the benchmarks build groups from it with `openSsh`.
 *
 * Not in the catalogue: a TCP permission without `ToPort`. AWS rejects it, and moto 5.2.1
 * answers HTTP 500, so no group can hold one; the core's unit tests cover it as a Config item.
 */
export const SSH_SHAPES = [
  {
    name: 'tcp-22-world-v4',
    summary: 'tcp 22 from 0.0.0.0/0, the textbook exposure',
    exposed: true,
    permissions: [world('tcp', 22)],
    exposing: ['tcp 22 0.0.0.0/0'],
    survivors: { narrow: [], revoke: [] },
  },
  {
    name: 'protocol-6-world',
    summary: 'protocol "6" (tcp by number) 22 from 0.0.0.0/0',
    exposed: true,
    permissions: [world('6', 22)],
    exposing: ['tcp 22 0.0.0.0/0'],
    survivors: { narrow: [], revoke: [] },
  },
  {
    name: 'all-traffic-world',
    summary: 'protocol -1 (all traffic) from 0.0.0.0/0; narrows to tcp/udp/icmp without 22',
    exposed: true,
    permissions: [world('-1')],
    exposing: ['-1 * 0.0.0.0/0'],
    survivors: {
      narrow: [
        'icmp * 0.0.0.0/0',
        'tcp 0-21 0.0.0.0/0',
        'tcp 23-65535 0.0.0.0/0',
        'udp 0-65535 0.0.0.0/0',
      ],
      revoke: [],
    },
  },
  {
    name: 'tcp-all-ports-world',
    summary: 'tcp 0-65535 from 0.0.0.0/0; narrows to 0-21 and 23-65535',
    exposed: true,
    permissions: [world('tcp', 0, 65535)],
    exposing: ['tcp 0-65535 0.0.0.0/0'],
    survivors: { narrow: ['tcp 0-21 0.0.0.0/0', 'tcp 23-65535 0.0.0.0/0'], revoke: [] },
  },
  {
    name: 'tcp-20-30-world',
    summary: 'tcp 20-30 from 0.0.0.0/0; narrows to 20-21 and 23-30',
    exposed: true,
    permissions: [world('tcp', 20, 30)],
    exposing: ['tcp 20-30 0.0.0.0/0'],
    survivors: { narrow: ['tcp 20-21 0.0.0.0/0', 'tcp 23-30 0.0.0.0/0'], revoke: [] },
  },
  {
    name: 'tcp-23-25-world',
    summary: 'tcp 23-25 from 0.0.0.0/0: misses 22, not exposed',
    exposed: false,
    permissions: [world('tcp', 23, 25)],
    exposing: [],
    survivors: { narrow: ['tcp 23-25 0.0.0.0/0'], revoke: ['tcp 23-25 0.0.0.0/0'] },
  },
  {
    name: 'udp-22-world',
    summary: 'udp 22 from 0.0.0.0/0: not SSH',
    exposed: false,
    permissions: [world('udp', 22)],
    exposing: [],
    survivors: { narrow: ['udp 22 0.0.0.0/0'], revoke: ['udp 22 0.0.0.0/0'] },
  },
  {
    name: 'icmp-world',
    summary: 'all ICMP from 0.0.0.0/0: not SSH',
    exposed: false,
    permissions: [world('icmp', -1)],
    exposing: [],
    survivors: { narrow: ['icmp * 0.0.0.0/0'], revoke: ['icmp * 0.0.0.0/0'] },
  },
  {
    // Ports -1: moto 5.2.1 answers HTTP 500 to a protocol-47 permission without ports.
    name: 'gre-world',
    summary: 'GRE (protocol 47) from 0.0.0.0/0: not SSH',
    exposed: false,
    permissions: [world('47', -1)],
    exposing: [],
    survivors: { narrow: ['47 * 0.0.0.0/0'], revoke: ['47 * 0.0.0.0/0'] },
  },
  {
    name: 'tcp-22-world-v6',
    summary: 'tcp 22 from ::/0',
    exposed: true,
    permissions: [{ protocol: 'tcp', fromPort: 22, toPort: 22, sources: ['::/0'] }],
    exposing: ['tcp 22 ::/0'],
    survivors: { narrow: [], revoke: [] },
  },
  {
    name: 'tcp-all-ports-world-v6',
    summary: 'tcp 0-65535 from ::/0; narrows to 0-21 and 23-65535',
    exposed: true,
    permissions: [{ protocol: 'tcp', fromPort: 0, toPort: 65535, sources: ['::/0'] }],
    exposing: ['tcp 0-65535 ::/0'],
    survivors: { narrow: ['tcp 0-21 ::/0', 'tcp 23-65535 ::/0'], revoke: [] },
  },
  {
    name: 'private-and-world',
    summary: 'one permission, tcp 22 from 10.0.0.0/8 and 0.0.0.0/0: only the world source goes',
    exposed: true,
    permissions: [
      { protocol: 'tcp', fromPort: 22, toPort: 22, sources: ['10.0.0.0/8', '0.0.0.0/0'] },
    ],
    exposing: ['tcp 22 0.0.0.0/0'],
    survivors: { narrow: ['tcp 22 10.0.0.0/8'], revoke: ['tcp 22 10.0.0.0/8'] },
  },
  {
    name: 'security-group-source',
    summary: 'tcp 22 from another security group: never the internet',
    exposed: false,
    permissions: [{ protocol: 'tcp', fromPort: 22, toPort: 22, sources: [SOURCE_GROUP] }],
    exposing: [],
    survivors: { narrow: [`tcp 22 ${SOURCE_GROUP}`], revoke: [`tcp 22 ${SOURCE_GROUP}`] },
  },
  {
    name: 'public-host',
    summary: 'tcp 22 from one public /32: not the world',
    exposed: false,
    permissions: [{ protocol: 'tcp', fromPort: 22, toPort: 22, sources: ['203.0.113.7/32'] }],
    exposing: [],
    survivors: { narrow: ['tcp 22 203.0.113.7/32'], revoke: ['tcp 22 203.0.113.7/32'] },
  },
  {
    name: 'split-halves-v4',
    summary: 'tcp 22 from 0.0.0.0/1 and 128.0.0.0/1: together the whole IPv4 space',
    exposed: true,
    permissions: [
      { protocol: 'tcp', fromPort: 22, toPort: 22, sources: ['0.0.0.0/1', '128.0.0.0/1'] },
    ],
    exposing: ['tcp 22 0.0.0.0/1', 'tcp 22 128.0.0.0/1'],
    survivors: { narrow: [], revoke: [] },
  },
  {
    name: 'split-halves-v6',
    summary: 'tcp 22 from ::/1 and 8000::/1: together the whole IPv6 space',
    exposed: true,
    permissions: [{ protocol: 'tcp', fromPort: 22, toPort: 22, sources: ['::/1', '8000::/1'] }],
    exposing: ['tcp 22 8000::/1', 'tcp 22 ::/1'],
    survivors: { narrow: [], revoke: [] },
  },
  {
    name: 'split-halves-all-ports-v4',
    summary: 'tcp 0-65535 from both IPv4 halves; each half narrows to 0-21 and 23-65535',
    exposed: true,
    permissions: [
      { protocol: 'tcp', fromPort: 0, toPort: 65535, sources: ['0.0.0.0/1', '128.0.0.0/1'] },
    ],
    exposing: ['tcp 0-65535 0.0.0.0/1', 'tcp 0-65535 128.0.0.0/1'],
    survivors: {
      narrow: [
        'tcp 0-21 0.0.0.0/1',
        'tcp 0-21 128.0.0.0/1',
        'tcp 23-65535 0.0.0.0/1',
        'tcp 23-65535 128.0.0.0/1',
      ],
      revoke: [],
    },
  },
  {
    name: 'four-quarters-v4',
    summary: 'tcp 22 from four IPv4 /2s: together the whole IPv4 space',
    exposed: true,
    permissions: [
      {
        protocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        sources: ['0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/2', '192.0.0.0/2'],
      },
    ],
    exposing: ['tcp 22 0.0.0.0/2', 'tcp 22 128.0.0.0/2', 'tcp 22 192.0.0.0/2', 'tcp 22 64.0.0.0/2'],
    survivors: { narrow: [], revoke: [] },
  },
  {
    name: 'world-prefix-list',
    summary: 'tcp 22 from a managed prefix list whose entry is 0.0.0.0/0',
    exposed: true,
    permissions: [{ protocol: 'tcp', fromPort: 22, toPort: 22, sources: [WORLD_PREFIX_LIST] }],
    exposing: [`tcp 22 ${WORLD_PREFIX_LIST}`],
    survivors: { narrow: [], revoke: [] },
  },
] as const satisfies readonly SshShape[];

/** The name of a catalogue shape. */
export type SshShapeName = (typeof SSH_SHAPES)[number]['name'];

/** The catalogue shape called `name`; an `UNKNOWN_SHAPE` error for any other name. */
export function sshShape(name: string): SshShape {
  const shape = SSH_SHAPES.find((candidate) => candidate.name === name);
  if (!shape) {
    const known = SSH_SHAPES.map((candidate) => candidate.name).join(', ');
    throw new EstateError('UNKNOWN_SHAPE', `no SSH shape named ${name}; known: ${known}`);
  }
  return shape;
}

/** Ids that stand in for the placeholders of a shape once `openSsh` created them. */
export interface ShapeRefs {
  readonly sourceGroupId?: string;
  readonly prefixListId?: string;
}

/** Replaces the placeholders of catalogue rule lines by real ids and sorts the lines. */
export function resolveShapeRules(lines: readonly string[], refs: ShapeRefs): string[] {
  return lines
    .map((line) =>
      line
        .replace(SOURCE_GROUP, refs.sourceGroupId ?? SOURCE_GROUP)
        .replace(WORLD_PREFIX_LIST, refs.prefixListId ?? WORLD_PREFIX_LIST),
    )
    .sort();
}
