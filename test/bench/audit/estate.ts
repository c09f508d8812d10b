/**
 * The emulated estate of the org-wide audit benchmark: 10 member accounts × 2 regions × 100
 * groups of 3–4 inbound rules each (about 6,200 rules), one group in ten exposing SSH. Building
 * it is setup, not measured: one CreateSecurityGroup and one batched Authorize per group.
 */
import { AuthorizeSecurityGroupIngressCommand, type IpPermission } from '@aws-sdk/client-ec2';
import {
  createOrganizationEstate,
  createSecurityGroup,
  defaultVpcId,
  type EmulatorCredentials,
  emulatorEc2,
  memberCredentials,
} from '@sg-guard/emulator';

/** Shape of the estate. */
export interface AuditEstateSpec {
  /** @default 10 */
  readonly accounts?: number;
  /** @default ['eu-west-1', 'us-east-1'] */
  readonly regions?: readonly string[];
  /** @default 100 */
  readonly groupsPerRegion?: number;
  /** Every n-th group exposes SSH to the world. @default 10 */
  readonly exposeEvery?: number;
}

/** One member account of the estate. */
export interface AuditEstateAccount {
  readonly accountId: string;
  readonly credentials: EmulatorCredentials;
}

/** What {@link buildAuditEstate} created. */
export interface AuditEstate {
  readonly accounts: readonly AuditEstateAccount[];
  readonly regions: readonly string[];
  /** Groups created by the benchmark (each region also has its default group). */
  readonly groups: number;
  readonly rules: number;
  readonly exposedGroups: number;
}

const CLEAN: readonly IpPermission[] = [
  {
    IpProtocol: 'tcp',
    FromPort: 443,
    ToPort: 443,
    IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'public HTTPS' }],
    Ipv6Ranges: [{ CidrIpv6: '::/0' }],
  },
  { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
];
const EXPOSING: IpPermission = {
  IpProtocol: 'tcp',
  FromPort: 22,
  ToPort: 22,
  IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'temporary' }],
};

/** Runs `task` over `items` with at most `limit` in flight. */
async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Builds the estate in an empty emulator: an organization whose `Workloads` OU carries
 * `sg-guard:mode=enforce` with the member accounts in it, then every group.
 */
export async function buildAuditEstate(
  endpoint: string,
  spec: AuditEstateSpec = {},
): Promise<AuditEstate> {
  const accountCount = spec.accounts ?? 10;
  const regions = spec.regions ?? ['eu-west-1', 'us-east-1'];
  const groupsPerRegion = spec.groupsPerRegion ?? 100;
  const exposeEvery = spec.exposeEvery ?? 10;
  const names = Array.from({ length: accountCount }, (_, i) => `workload-${i + 1}`);
  const org = await createOrganizationEstate(endpoint, {
    organizationalUnits: [{ name: 'Workloads', mode: 'enforce' }],
    accounts: names.map((name) => ({ name, ou: 'Workloads' })),
  });
  const accounts: AuditEstateAccount[] = [];
  for (const name of names) {
    const { accountId } = (org.accounts as Record<string, { accountId: string }>)[name] ?? {};
    if (!accountId) throw new Error(`account ${name} was not created`);
    accounts.push({ accountId, credentials: await memberCredentials(endpoint, accountId) });
  }

  let rules = 0;
  let exposedGroups = 0;
  const accountRegions = accounts.flatMap((account) =>
    regions.map((region) => ({ account, region })),
  );
  await eachLimited(accountRegions, 4, async ({ account, region }) => {
    const ec2 = emulatorEc2(endpoint, { region, credentials: account.credentials });
    const vpcId = await defaultVpcId(ec2);
    for (let index = 0; index < groupsPerRegion; index += 1) {
      const exposed = index % exposeEvery === 0;
      const { groupId } = await createSecurityGroup(ec2, { groupName: `app-${index}`, vpcId });
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: exposed ? [...CLEAN, EXPOSING] : [...CLEAN],
        }),
      );
      rules += exposed ? 4 : 3;
      if (exposed) exposedGroups += 1;
    }
  });
  return {
    accounts,
    regions,
    groups: accountRegions.length * groupsPerRegion,
    rules,
    exposedGroups,
  };
}
