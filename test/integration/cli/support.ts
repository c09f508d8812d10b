/**
 * The CLI's integration estate and helpers: three member accounts (one enforcing, one tagged
 * `notify`, one in an OU tagged `off`) plus the management account, two regions, groups exposed
 * and not; the CLI run in process with the caller's (management) credentials from the
 * environment, as a security engineer would run it.
 */
import { paginateDescribeSecurityGroupRules } from '@aws-sdk/client-ec2';
import { type MemoryIo, runCli } from '@sg-guard/cli';
import {
  type BuiltEstate,
  buildEstate,
  comparableRule,
  EMULATOR_CREDENTIALS,
  type EmulatorCredentials,
  type EstateSpec,
  emulatorEc2,
  formatRule,
  MANAGEMENT_ACCOUNT_ID,
  resetMoto,
} from '@sg-guard/emulator';
import { inject, vi } from 'vitest';

export const REGIONS = ['eu-west-1', 'us-east-1'] as const;
const [EU, US] = REGIONS;

const CLI_ORGANIZATION = {
  organizationalUnits: [{ name: 'Workloads' }, { name: 'Retired', mode: 'off' }],
  accounts: [
    { name: 'enforced', ou: 'Workloads' },
    { name: 'notified', ou: 'Workloads', mode: 'notify' },
    { name: 'retired', ou: 'Retired' },
  ],
} as const;

/** Seven exposed groups and four that are not, over 3 accounts × 2 regions. */
export const CLI_ESTATE: EstateSpec<typeof CLI_ORGANIZATION> = {
  organization: CLI_ORGANIZATION,
  inbox: { account: 'enforced', region: EU },
  groups: [
    { account: 'enforced', region: EU, shape: 'tcp-22-world-v4' },
    { account: 'enforced', region: EU, shape: 'private-and-world' },
    { account: 'enforced', region: EU, shape: 'security-group-source' },
    { account: 'enforced', region: US, shape: 'tcp-all-ports-world' },
    { account: 'enforced', region: US, shape: 'public-host' },
    { account: 'notified', region: EU, shape: 'tcp-22-world-v6' },
    { account: 'notified', region: US, shape: 'split-halves-v4' },
    { account: 'notified', region: US, shape: 'udp-22-world' },
    { account: 'retired', region: EU, shape: 'all-traffic-world' },
    { account: 'retired', region: US, shape: 'world-prefix-list' },
    { account: 'retired', region: US, shape: 'tcp-23-25-world' },
  ],
};

export type CliEstate = BuiltEstate<typeof CLI_ORGANIZATION>;

/**
 * Resets the run's emulator, builds {@link CLI_ESTATE}, and points the SDK at the emulator with
 * the management account's credentials (the caller of every CLI command).
 */
export async function buildCliEstate(): Promise<CliEstate> {
  const endpoint = inject('motoEndpoint');
  await resetMoto(endpoint);
  const estate = await buildEstate(endpoint, CLI_ESTATE);
  callAsManagement(endpoint);
  return estate;
}

/** The environment of an engineer in the management account, aimed at the emulator. */
export function callAsManagement(endpoint: string): void {
  vi.stubEnv('AWS_ACCESS_KEY_ID', EMULATOR_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', EMULATOR_CREDENTIALS.secretAccessKey);
  vi.stubEnv('AWS_SESSION_TOKEN', undefined);
  vi.stubEnv('AWS_PROFILE', undefined);
  vi.stubEnv('AWS_REGION', EU);
  vi.stubEnv('AWS_ENDPOINT_URL', endpoint);
  vi.stubEnv('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');
}

/** Every account of the estate (members and management) with credentials acting in it. */
export function estateAccounts(
  estate: CliEstate,
): { accountId: string; credentials: EmulatorCredentials }[] {
  return [
    { accountId: MANAGEMENT_ACCOUNT_ID, credentials: EMULATOR_CREDENTIALS },
    ...Object.entries(estate.credentials).map(([name, credentials]) => ({
      accountId: estate.organization.accounts[name as keyof CliEstate['credentials']].accountId,
      credentials: credentials as EmulatorCredentials,
    })),
  ];
}

/**
 * Every rule (inbound and outbound, with descriptions, without ids) of every group in every
 * account and region of the estate, keyed `account/region/group`: the whole state a fix may
 * touch, to compare before and after.
 */
export async function allRuleSets(estate: CliEstate): Promise<Record<string, string[]>> {
  const sets: Record<string, string[]> = {};
  for (const { accountId, credentials } of estateAccounts(estate)) {
    for (const region of REGIONS) {
      const ec2 = emulatorEc2(estate.organization.endpoint, { region, credentials });
      for await (const page of paginateDescribeSecurityGroupRules({ client: ec2 }, {})) {
        for (const rule of page.SecurityGroupRules ?? []) {
          const key = `${accountId}/${region}/${rule.GroupId}`;
          const line = `${rule.IsEgress ? 'out' : 'in'} ${formatRule(comparableRule(rule))}${
            rule.Description ? ` "${rule.Description}"` : ''
          }`;
          const lines = sets[key] ?? [];
          lines.push(line);
          sets[key] = lines;
        }
      }
    }
  }
  for (const lines of Object.values(sets)) lines.sort();
  return sets;
}

/** Runs one command line and returns exit code and output. */
export async function sgGuard(
  io: MemoryIo,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const code = await runCli(args, io);
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}
