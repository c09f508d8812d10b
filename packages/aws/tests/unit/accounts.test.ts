import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  accountRoleArn,
  assumeAccountRole,
  getCallerIdentity,
  listEnabledRegions,
  listOrganizationAccounts,
} from '../../src/accounts.js';
import { AccessDeniedError } from '../../src/errors.js';

const orgMock = mockClient(OrganizationsClient);
const ec2Mock = mockClient(EC2Client);
const stsMock = mockClient(STSClient);
const sts = new STSClient({ region: 'us-east-1' });

afterEach(() => {
  orgMock.reset();
  ec2Mock.reset();
  stsMock.reset();
});

describe('listOrganizationAccounts', () => {
  it('reads every page, sorted by id, with the state of each account', async () => {
    // Prepare
    orgMock
      .on(ListAccountsCommand)
      .resolvesOnce({
        Accounts: [{ Id: '333333333333', Name: 'prod', State: 'ACTIVE' }],
        NextToken: 't',
      })
      .resolvesOnce({
        Accounts: [{ Id: '111111111111', Name: 'old', Status: 'SUSPENDED' }, { Name: 'no id' }],
      });

    // Act
    const accounts = await listOrganizationAccounts(
      new OrganizationsClient({ region: 'us-east-1' }),
    );

    // Assess
    expect(accounts).toEqual([
      { accountId: '111111111111', name: 'old', status: 'SUSPENDED' },
      { accountId: '333333333333', name: 'prod', status: 'ACTIVE' },
    ]);
    expect(orgMock.commandCalls(ListAccountsCommand)[1]?.args[0].input).toEqual({ NextToken: 't' });
  });
});

describe('listEnabledRegions', () => {
  it('keeps enabled regions only, sorted', async () => {
    // Prepare
    ec2Mock.on(DescribeRegionsCommand).resolves({
      Regions: [
        { RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required' },
        { RegionName: 'ap-east-1', OptInStatus: 'not-opted-in' },
        { RegionName: 'af-south-1', OptInStatus: 'opted-in' },
      ],
    });

    // Act
    const regions = await listEnabledRegions(new EC2Client({ region: 'us-east-1' }));

    // Assess
    expect(regions).toEqual(['af-south-1', 'us-east-1']);
  });
});

describe('getCallerIdentity', () => {
  it('reads the partition from the caller ARN', async () => {
    // Prepare
    stsMock.on(GetCallerIdentityCommand).resolves({
      Account: '123456789012',
      Arn: 'arn:aws-us-gov:iam::123456789012:user/admin',
    });

    // Act
    const identity = await getCallerIdentity(sts);

    // Assess
    expect(identity).toEqual({
      accountId: '123456789012',
      arn: 'arn:aws-us-gov:iam::123456789012:user/admin',
      partition: 'aws-us-gov',
    });
  });
});

describe('assumeAccountRole', () => {
  it('names the organization access role of the account by default', () => {
    expect(accountRoleArn({ accountId: '111122223333' })).toBe(
      'arn:aws:iam::111122223333:role/OrganizationAccountAccessRole',
    );
    expect(
      accountRoleArn({ accountId: '111122223333', roleName: 'Audit', partition: 'aws-cn' }),
    ).toBe('arn:aws-cn:iam::111122223333:role/Audit');
  });

  it('assumes once up front and reuses the credentials until they near expiry', async () => {
    // Prepare
    const later = new Date(Date.now() + 3_600_000);
    stsMock.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIA1',
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: later,
      },
    });

    // Act
    const provider = await assumeAccountRole(sts, {
      accountId: '111122223333',
      sessionName: 'audit',
    });
    const first = await provider();
    const second = await provider();

    // Assess
    expect(first).toEqual({
      accessKeyId: 'ASIA1',
      secretAccessKey: 's',
      sessionToken: 't',
      expiration: later,
    });
    expect(second).toBe(first);
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    expect(stsMock.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toEqual({
      RoleArn: 'arn:aws:iam::111122223333:role/OrganizationAccountAccessRole',
      RoleSessionName: 'audit',
      DurationSeconds: 3600,
    });
  });

  it('re-assumes when the credentials are about to expire', async () => {
    // Prepare: the first credentials expire within the refresh margin.
    stsMock
      .on(AssumeRoleCommand)
      .resolvesOnce({
        Credentials: {
          AccessKeyId: 'ASIA1',
          SecretAccessKey: 's',
          SessionToken: 't',
          Expiration: new Date(Date.now() + 60_000),
        },
      })
      .resolvesOnce({
        Credentials: {
          AccessKeyId: 'ASIA2',
          SecretAccessKey: 's',
          SessionToken: 't',
          Expiration: new Date(Date.now() + 3_600_000),
        },
      });

    // Act
    const provider = await assumeAccountRole(sts, { accountId: '111122223333' });
    const refreshed = await provider();

    // Assess
    expect(refreshed.accessKeyId).toBe('ASIA2');
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('fails at once with a typed error when the role may not be assumed', async () => {
    // Prepare
    stsMock.on(AssumeRoleCommand).rejects(
      Object.assign(new Error('not authorized to perform sts:AssumeRole'), {
        name: 'AccessDenied',
      }),
    );

    // Act
    const entering = assumeAccountRole(sts, { accountId: '111122223333' });

    // Assess
    await expect(entering).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(entering).rejects.toMatchObject({ action: 'sts:AssumeRole' });
  });
});
