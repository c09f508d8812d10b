/**
 * Which accounts and regions an org-wide scan visits, and how it gets into each account:
 * Organizations ListAccounts, EC2 DescribeRegions, STS GetCallerIdentity and AssumeRole.
 */
import { DescribeRegionsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { type OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { assumeRoleCredentials } from './credentials.js';
import { AwsAdapterError, callAws } from './errors.js';

/** One member of the organization, as ListAccounts reports it. */
export interface OrganizationAccount {
  readonly accountId: string;
  readonly name?: string;
  /** `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`… */
  readonly status: string;
}

/**
 * Every account of the organization (all pages of ListAccounts), sorted by id. Needs the
 * management account's or a delegated administrator's credentials.
 *
 * @example
 * const active = (await listOrganizationAccounts(org)).filter((a) => a.status === 'ACTIVE');
 */
export async function listOrganizationAccounts(
  org: OrganizationsClient,
): Promise<OrganizationAccount[]> {
  const accounts: OrganizationAccount[] = [];
  await callAws('organizations:ListAccounts', async () => {
    for await (const page of paginateListAccounts({ client: org }, {})) {
      for (const account of page.Accounts ?? []) {
        if (!account.Id) continue;
        accounts.push({
          accountId: account.Id,
          ...(account.Name ? { name: account.Name } : {}),
          status: account.State ?? account.Status ?? 'ACTIVE',
        });
      }
    }
  });
  return accounts.sort((a, b) => a.accountId.localeCompare(b.accountId));
}

/**
 * The regions enabled for the caller's account, sorted: DescribeRegions without `AllRegions`,
 * minus any region reported `not-opted-in` (AWS omits those already; the emulator does not).
 */
export async function listEnabledRegions(ec2: EC2Client): Promise<string[]> {
  const response = await callAws('ec2:DescribeRegions', () =>
    ec2.send(new DescribeRegionsCommand({})),
  );
  return (response.Regions ?? [])
    .filter((region) => region.OptInStatus !== 'not-opted-in')
    .flatMap((region) => (region.RegionName ? [region.RegionName] : []))
    .sort();
}

/** Who the caller is: account id and partition (from the ARN, `aws`, `aws-cn`, `aws-us-gov`). */
export interface CallerIdentity {
  readonly accountId: string;
  readonly arn: string;
  readonly partition: string;
}

/** STS GetCallerIdentity, with the partition read from the ARN. */
export async function getCallerIdentity(sts: STSClient): Promise<CallerIdentity> {
  const response = await callAws('sts:GetCallerIdentity', () =>
    sts.send(new GetCallerIdentityCommand({})),
  );
  if (!response.Account || !response.Arn) {
    throw new AwsAdapterError('AWS_ERROR', 'GetCallerIdentity returned no account or ARN');
  }
  return {
    accountId: response.Account,
    arn: response.Arn,
    partition: response.Arn.split(':')[1] || 'aws',
  };
}

/** How to enter one account: the role to assume there and the session name to use. */
export interface AccountRoleOptions {
  readonly accountId: string;
  /** @default 'OrganizationAccountAccessRole' */
  readonly roleName?: string;
  /** @default 'aws' */
  readonly partition?: string;
  /** Shows in the account's CloudTrail as who looked. @default 'sg-guard' */
  readonly sessionName?: string;
  /** Assume again this long before the credentials expire. @default 300_000 (5 minutes) */
  readonly refreshBeforeExpiryMs?: number;
  /** Clock in epoch milliseconds (tests inject one). @default Date.now */
  readonly now?: () => number;
}

/** `arn:<partition>:iam::<account>:role/<roleName>`. */
export function accountRoleArn(options: AccountRoleOptions): string {
  const roleName = options.roleName ?? 'OrganizationAccountAccessRole';
  return `arn:${options.partition ?? 'aws'}:iam::${options.accountId}:role/${roleName}`;
}

/**
 * Assumes the role in the account now, so an account that cannot be entered fails here, once,
 * with a typed error, and returns the {@link assumeRoleCredentials} provider that re-assumes
 * shortly before the credentials expire (scans and fixes may outlast the session).
 *
 * @throws AccessDeniedError when the role may not be assumed; AwsAdapterError otherwise.
 * @example
 * const credentials = await assumeAccountRole(sts, { accountId: '111122223333' });
 * const ec2 = createEc2Client({ region: 'eu-west-1', credentials });
 */
export async function assumeAccountRole(
  sts: STSClient,
  options: AccountRoleOptions,
): Promise<AwsCredentialIdentityProvider> {
  const provider = assumeRoleCredentials({
    sts,
    roleArn: accountRoleArn(options),
    sessionName: options.sessionName ?? 'sg-guard',
    ...(options.refreshBeforeExpiryMs !== undefined
      ? { refreshBeforeExpiryMs: options.refreshBeforeExpiryMs }
      : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  await provider();
  return provider;
}
