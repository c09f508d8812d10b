import type { EC2Client } from '@aws-sdk/client-ec2';
import {
  type CentralInbox,
  createCentralInbox,
  createOrganizationEstate,
  type EmulatorCredentials,
  emulatorEc2,
  memberCredentials,
  type OrganizationEstate,
  resetMoto,
} from '@sg-guard/emulator';
import { inject } from 'vitest';
import { publishModeMap } from './mode-map.js';

/** Region of the central topic and, unless a test says otherwise, of the members' groups. */
export const HOME_REGION = 'eu-west-1';

/**
 * The organization of every integration test:
 * - `security` holds the central topic and the queue that plays the security team's inbox;
 * - `enforced` carries no tag anywhere up its chain, so the default mode (`enforce`) applies;
 * - `notified` is tagged `notify` itself;
 * - `disabled` is tagged `off`;
 * - `inherits` sits in `Sandbox/Experiments` and inherits `notify` from `Sandbox`, two levels up.
 */
export const TEST_ORGANIZATION = {
  organizationalUnits: [
    { name: 'Workloads' },
    { name: 'Sandbox', mode: 'notify' },
    { name: 'Experiments', parent: 'Sandbox' },
  ],
  accounts: [
    { name: 'security', ou: 'Workloads' },
    { name: 'enforced', ou: 'Workloads' },
    { name: 'notified', ou: 'Workloads', mode: 'notify' },
    { name: 'disabled', ou: 'Workloads', mode: 'off' },
    { name: 'inherits', ou: 'Experiments' },
  ],
} as const;

/** Account names of {@link TEST_ORGANIZATION}. */
export type TestAccountName = (typeof TEST_ORGANIZATION)['accounts'][number]['name'];

/** One member account, with credentials that act in it (assumed after the last reset). */
export interface WorldAccount {
  readonly name: TestAccountName;
  readonly accountId: string;
  readonly credentials: EmulatorCredentials;
  /** EC2 in this account, in `region` (default {@link HOME_REGION}). */
  ec2(region?: string): EC2Client;
}

/** Everything a test needs: the emulator, the organization and the central inbox. */
export interface World {
  readonly endpoint: string;
  readonly organization: OrganizationEstate<TestAccountName, string>;
  readonly inbox: CentralInbox;
  account(name: TestAccountName): WorldAccount;
}

/** The endpoint of the run's `moto_server`, from the global setup. */
export function motoEndpoint(): string {
  return inject('motoEndpoint');
}

/**
 * Resets the emulator and builds {@link TEST_ORGANIZATION} with the central inbox anew. Call it
 * in `beforeEach`: roles are assumed again after the reset, because moto maps keys issued
 * before a reset to the management account.
 */
export async function buildWorld(): Promise<World> {
  const endpoint = motoEndpoint();
  await resetMoto(endpoint);
  const organization = await createOrganizationEstate(endpoint, TEST_ORGANIZATION);
  // The organization's modes, as the mode publisher writes them for the remediators.
  await publishModeMap(endpoint);
  const accounts = new Map<TestAccountName, WorldAccount>();
  for (const spec of TEST_ORGANIZATION.accounts) {
    const { accountId } = organization.accounts[spec.name];
    const credentials = await memberCredentials(endpoint, accountId);
    accounts.set(spec.name, {
      name: spec.name,
      accountId,
      credentials,
      ec2: (region = HOME_REGION) => emulatorEc2(endpoint, { region, credentials }),
    });
  }
  const account = (name: TestAccountName): WorldAccount => {
    const found = accounts.get(name);
    if (!found) throw new Error(`the test organization has no account ${name}`);
    return found;
  };
  const security = account('security');
  const inbox = await createCentralInbox(endpoint, {
    accountId: security.accountId,
    region: HOME_REGION,
    credentials: security.credentials,
  });
  return { endpoint, organization, inbox, account };
}
