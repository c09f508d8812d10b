/**
 * The demo's organization: the management account and three members over two regions, with SSH
 * opened in varied shapes from the shared catalogue, and the event that reports each group.
 */
import type { EstateSpec, SshShapeName } from '@sg-guard/emulator';

export const DEMO_REGIONS = ['eu-west-1', 'us-east-1'] as const;
const [EU, US] = DEMO_REGIONS;

/**
 * - `security` enforces (no tag anywhere) and holds the central topic;
 * - `analytics` is tagged `sg-guard:mode=notify`: it is mailed the plan, nothing changes;
 * - `legacy` sits in the `Retired` OU, tagged `off`: it is left alone.
 */
export const DEMO_ORGANIZATION = {
  organizationalUnits: [{ name: 'Workloads' }, { name: 'Retired', mode: 'off' }],
  accounts: [
    { name: 'security', ou: 'Workloads' },
    { name: 'analytics', ou: 'Workloads', mode: 'notify' },
    { name: 'legacy', ou: 'Retired' },
  ],
} as const;

export type DemoAccountName = (typeof DEMO_ORGANIZATION)['accounts'][number]['name'];

/** Which real event shape reports a group to the remediator. */
export type DemoTrigger = 'config-sns' | 'config-eventbridge' | 'cloudtrail';

interface DemoGroup {
  readonly account: DemoAccountName;
  readonly region: string;
  readonly shape: SshShapeName;
  /** Absent for groups that are not exposed: nothing reports them. */
  readonly trigger?: DemoTrigger;
}

/** Fourteen groups; ten of them expose SSH. */
export const DEMO_GROUPS: readonly DemoGroup[] = [
  { account: 'security', region: EU, shape: 'tcp-22-world-v4', trigger: 'config-sns' },
  { account: 'security', region: EU, shape: 'private-and-world', trigger: 'config-eventbridge' },
  { account: 'security', region: EU, shape: 'split-halves-v4', trigger: 'config-eventbridge' },
  { account: 'security', region: EU, shape: 'security-group-source' },
  { account: 'security', region: US, shape: 'tcp-all-ports-world', trigger: 'cloudtrail' },
  { account: 'security', region: US, shape: 'all-traffic-world', trigger: 'cloudtrail' },
  { account: 'security', region: US, shape: 'tcp-22-world-v6', trigger: 'config-sns' },
  { account: 'security', region: US, shape: 'world-prefix-list', trigger: 'config-eventbridge' },
  { account: 'security', region: US, shape: 'public-host' },
  { account: 'analytics', region: EU, shape: 'tcp-20-30-world', trigger: 'config-sns' },
  { account: 'analytics', region: EU, shape: 'udp-22-world' },
  { account: 'analytics', region: US, shape: 'four-quarters-v4', trigger: 'cloudtrail' },
  { account: 'legacy', region: EU, shape: 'tcp-22-world-v4', trigger: 'config-eventbridge' },
  { account: 'legacy', region: US, shape: 'gre-world' },
];

/** The estate `buildEstate` creates for the demo. */
export const DEMO_ESTATE: EstateSpec<typeof DEMO_ORGANIZATION> = {
  organization: DEMO_ORGANIZATION,
  inbox: { account: 'security', region: EU },
  groups: DEMO_GROUPS.map(({ account, region, shape }) => ({
    account,
    region,
    shape,
    // Unique per account and region, so two accounts may hold the same shape.
    groupName: `ssh-${shape}`,
  })),
};
