import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import {
  DescribeAccountCommand,
  ListParentsCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import {
  createOrganizationEstate,
  createSecurityGroup,
  EMULATOR_CREDENTIALS,
  EstateError,
  emulatorEc2,
  emulatorOrganizations,
  emulatorSts,
  MANAGEMENT_ACCOUNT_ID,
  MODE_TAG,
  memberCredentials,
} from '../src/index.js';
import { useMoto } from './support/moto.js';

const moto = useMoto();

const SPEC = {
  root: { tags: { team: 'cloud' } },
  organizationalUnits: [
    { name: 'Sandbox', mode: 'notify' },
    { name: 'Experiments', parent: 'Sandbox' },
  ],
  accounts: [
    { name: 'prod' },
    { name: 'legacy', mode: 'off', tags: { owner: 'ops' } },
    { name: 'lab', ou: 'Experiments' },
  ],
} as const;

async function tagsOf(resourceId: string): Promise<Record<string, string>> {
  const organizations = emulatorOrganizations(moto.endpoint);
  const response = await organizations.send(
    new ListTagsForResourceCommand({ ResourceId: resourceId }),
  );
  return Object.fromEntries((response.Tags ?? []).map((tag) => [tag.Key, tag.Value]));
}

async function parentOf(childId: string): Promise<string | undefined> {
  const organizations = emulatorOrganizations(moto.endpoint);
  const response = await organizations.send(new ListParentsCommand({ ChildId: childId }));
  return response.Parents?.[0]?.Id;
}

describe('createOrganizationEstate', () => {
  it('creates each account under its OU, nesting OUs under their parents', async () => {
    const org = await createOrganizationEstate(moto.endpoint, SPEC);

    expect(await parentOf(org.accounts.lab.accountId)).toBe(org.organizationalUnits.Experiments);
    expect(await parentOf(org.organizationalUnits.Experiments)).toBe(
      org.organizationalUnits.Sandbox,
    );
    expect(await parentOf(org.organizationalUnits.Sandbox)).toBe(org.rootId);
    expect(await parentOf(org.accounts.prod.accountId)).toBe(org.rootId);
    expect(org.accounts.lab.parentId).toBe(org.organizationalUnits.Experiments);
    expect(org.managementAccountId).toBe(MANAGEMENT_ACCOUNT_ID);
  });

  it('puts the mode tag and other tags on accounts, OUs and the root', async () => {
    const org = await createOrganizationEstate(moto.endpoint, SPEC);

    expect(await tagsOf(org.accounts.legacy.accountId)).toEqual({
      owner: 'ops',
      [MODE_TAG]: 'off',
    });
    expect(await tagsOf(org.organizationalUnits.Sandbox)).toEqual({ [MODE_TAG]: 'notify' });
    expect(await tagsOf(org.accounts.prod.accountId)).toEqual({});
    expect(await tagsOf(org.rootId)).toEqual({ team: 'cloud' });
  });

  it('names each account as the spec does, with a distinct id', async () => {
    const org = await createOrganizationEstate(moto.endpoint, SPEC);
    const organizations = emulatorOrganizations(moto.endpoint);

    const described = await organizations.send(
      new DescribeAccountCommand({ AccountId: org.accounts.legacy.accountId }),
    );

    expect(described.Account?.Name).toBe('legacy');
    expect(described.Account?.Email).toBe('legacy@example.com');
    const ids = Object.values(org.accounts).map((account) => account.accountId);
    expect(new Set([...ids, MANAGEMENT_ACCOUNT_ID]).size).toBe(4);
  });

  it.each([
    [{ accounts: [{ name: 'a', ou: 'Nowhere' }] }, /names OU Nowhere, which is not declared/],
    [{ accounts: [{ name: 'a' }, { name: 'a' }] }, /account a is declared twice/],
    [
      {
        organizationalUnits: [{ name: 'Child', parent: 'Later' }, { name: 'Later' }],
        accounts: [],
      },
      /parent Later, which is not declared before it/,
    ],
    [
      { accounts: [{ name: 'a', mode: 'off', tags: { [MODE_TAG]: 'notify' } }] },
      /account a sets its mode both/,
    ],
  ])('refuses a spec that contradicts itself (%#)', async (spec, message) => {
    const attempt = createOrganizationEstate(moto.endpoint, spec);

    await expect(attempt).rejects.toThrow(EstateError);
    await expect(attempt).rejects.toThrow(message);
  });
});

describe('memberCredentials', () => {
  it('acts in the member account, whose groups the management account cannot see', async () => {
    const org = await createOrganizationEstate(moto.endpoint, SPEC);
    const credentials = await memberCredentials(moto.endpoint, org.accounts.prod.accountId);
    const memberEc2 = emulatorEc2(moto.endpoint, { credentials });
    const { groupId } = await createSecurityGroup(memberEc2, { groupName: 'mine' });

    const identity = await emulatorSts(moto.endpoint, { credentials }).send(
      new GetCallerIdentityCommand({}),
    );
    const fromManagement = emulatorEc2(moto.endpoint).send(
      new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }),
    );

    expect(identity.Account).toBe(org.accounts.prod.accountId);
    await expect(fromManagement).rejects.toMatchObject({ name: 'InvalidGroup.NotFound' });
    const fromMember = await memberEc2.send(
      new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }),
    );
    expect(fromMember.SecurityGroups?.[0]?.OwnerId).toBe(org.accounts.prod.accountId);
  });

  it('hands out the emulator credentials for the management account', async () => {
    expect(await memberCredentials(moto.endpoint, MANAGEMENT_ACCOUNT_ID)).toBe(
      EMULATOR_CREDENTIALS,
    );
  });
});
