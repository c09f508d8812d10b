import { type EmulatorCredentials, emulatorEc2 } from './clients.js';
import { EstateError } from './errors.js';
import {
  type AccountNameOf,
  createOrganizationEstate,
  memberCredentials,
  type OrganizationEstate,
  type OrganizationSpec,
  type OuNameOf,
} from './estate.js';
import { type OpenedGroup, openSsh } from './groups.js';
import { type CentralInbox, createCentralInbox } from './inbox.js';
import type { SshShapeName } from './shapes.js';

/** One group of an estate: which shape, in which account (by spec name) and region. */
export interface EstateGroupSpec<A extends string = string> {
  readonly account: A;
  readonly region: string;
  readonly shape: SshShapeName;
  /** @default `ssh-<shape>` */
  readonly groupName?: string;
}

/** An organization with groups spread over accounts and regions, and the central inbox. */
export interface EstateSpec<S extends OrganizationSpec = OrganizationSpec> {
  readonly organization: S;
  /** Account (by spec name) and region of the central topic and its queue. */
  readonly inbox: { readonly account: AccountNameOf<S>; readonly region: string };
  readonly groups: readonly EstateGroupSpec<AccountNameOf<S>>[];
}

const SAMPLE_ORGANIZATION = {
  organizationalUnits: [{ name: 'Production' }, { name: 'Sandbox', mode: 'notify' }],
  accounts: [
    { name: 'security', ou: 'Production' },
    { name: 'payments', ou: 'Production' },
    { name: 'analytics', ou: 'Production', mode: 'notify' },
    { name: 'lab', ou: 'Sandbox' },
    { name: 'legacy', mode: 'off' },
  ],
} as const satisfies OrganizationSpec;

/** The regions of {@link SAMPLE_ESTATE}. */
export const SAMPLE_REGIONS = ['eu-west-1', 'us-east-1'] as const;
const [EU, US] = SAMPLE_REGIONS;

/**
 * A small organization for the CLI's tests and the demo: five member accounts (`security`
 * holds the central inbox; `payments` enforces; `analytics` is tagged `notify`; `lab` inherits
 * `notify` from the `Sandbox` OU; `legacy` is `off`), each with groups in two regions, exposed
 * and not.
 */
export const SAMPLE_ESTATE: EstateSpec<typeof SAMPLE_ORGANIZATION> = {
  organization: SAMPLE_ORGANIZATION,
  inbox: { account: 'security', region: EU },
  groups: [
    { account: 'security', region: EU, shape: 'public-host' },
    { account: 'security', region: US, shape: 'security-group-source' },
    { account: 'payments', region: EU, shape: 'tcp-22-world-v4' },
    { account: 'payments', region: EU, shape: 'private-and-world' },
    { account: 'payments', region: EU, shape: 'security-group-source' },
    { account: 'payments', region: US, shape: 'tcp-all-ports-world' },
    { account: 'payments', region: US, shape: 'public-host' },
    { account: 'analytics', region: EU, shape: 'tcp-22-world-v6' },
    { account: 'analytics', region: EU, shape: 'udp-22-world' },
    { account: 'analytics', region: US, shape: 'world-prefix-list' },
    { account: 'analytics', region: US, shape: 'tcp-23-25-world' },
    { account: 'lab', region: EU, shape: 'all-traffic-world' },
    { account: 'lab', region: EU, shape: 'icmp-world' },
    { account: 'lab', region: US, shape: 'split-halves-v4' },
    { account: 'legacy', region: EU, shape: 'tcp-20-30-world' },
    { account: 'legacy', region: US, shape: 'gre-world' },
    { account: 'legacy', region: US, shape: 'four-quarters-v4' },
  ],
};

/** A group of a built estate, with where it lives. */
export interface EstateGroup extends OpenedGroup {
  readonly account: string;
  readonly accountId: string;
  readonly region: string;
}

/** What {@link buildEstate} created. */
export interface BuiltEstate<S extends OrganizationSpec = OrganizationSpec> {
  readonly organization: OrganizationEstate<AccountNameOf<S>, OuNameOf<S>>;
  readonly inbox: CentralInbox;
  readonly groups: readonly EstateGroup[];
  /** Credentials acting in each member account, by spec name. */
  readonly credentials: Readonly<Record<AccountNameOf<S>, EmulatorCredentials>>;
}

/**
 * Builds an estate in an empty emulator: the organization, the central inbox and every group of
 * the spec. Defaults to {@link SAMPLE_ESTATE}.
 *
 * @example
 * const estate = await buildEstate(moto.endpoint);
 * const exposed = estate.groups.filter((group) => group.shape.exposed);
 */
export async function buildEstate<const S extends OrganizationSpec = typeof SAMPLE_ORGANIZATION>(
  endpoint: string,
  spec: EstateSpec<S> = SAMPLE_ESTATE as unknown as EstateSpec<S>,
): Promise<BuiltEstate<S>> {
  const organization = await createOrganizationEstate(endpoint, spec.organization);
  const accounts = organization.accounts as Readonly<Record<string, { accountId: string }>>;
  const credentials: Record<string, EmulatorCredentials> = {};
  for (const [name, account] of Object.entries(accounts)) {
    credentials[name] = await memberCredentials(endpoint, account.accountId);
  }
  const inboxAccount = accounts[spec.inbox.account];
  if (!inboxAccount) {
    throw new EstateError('INVALID_SPEC', `inbox account ${spec.inbox.account} is not declared`);
  }
  const inbox = await createCentralInbox(endpoint, {
    accountId: inboxAccount.accountId,
    region: spec.inbox.region,
    ...(credentials[spec.inbox.account] ? { credentials: credentials[spec.inbox.account] } : {}),
  });
  const groups: EstateGroup[] = [];
  for (const group of spec.groups) {
    const account = accounts[group.account];
    const accountCredentials = credentials[group.account];
    if (!account || !accountCredentials) {
      throw new EstateError('INVALID_SPEC', `group account ${group.account} is not declared`);
    }
    const ec2 = emulatorEc2(endpoint, { region: group.region, credentials: accountCredentials });
    const opened = await openSsh(ec2, group.shape, {
      ...(group.groupName ? { groupName: group.groupName } : {}),
    });
    groups.push({
      ...opened,
      account: group.account,
      accountId: account.accountId,
      region: group.region,
    });
  }
  return {
    organization,
    inbox,
    groups,
    credentials: credentials as Record<AccountNameOf<S>, EmulatorCredentials>,
  };
}
