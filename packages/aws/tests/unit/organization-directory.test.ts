import {
  AccountNotFoundException,
  DescribeAccountCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
  TooManyRequestsException,
} from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ThrottledError } from '../../src/errors.js';
import {
  createPublisherOrganizationsClient,
  OrganizationDirectory,
} from '../../src/organization-directory.js';

const organizations = new OrganizationsClient({ region: 'us-east-1' });
const orgMock = mockClient(organizations);

const ROOT = 'r-ab12';
const WORKLOADS = 'ou-ab12-11111111';
const PROD = 'ou-ab12-22222222';

/**
 * root (tag enforce) ─┬─ 100000000000 (management)
 *                     └─ Workloads (notify) ── Prod ── 200000000000 (off), 300000000000
 * Listings answer one item per page, so every listing needs its NextToken followed.
 */
const PARENT: Record<string, string> = {
  [WORKLOADS]: ROOT,
  [PROD]: WORKLOADS,
  '100000000000': ROOT,
  '200000000000': PROD,
  '300000000000': PROD,
};
const TAGS: Record<string, Record<string, string>> = {
  [ROOT]: { 'sg-guard:mode': 'enforce' },
  [WORKLOADS]: { 'sg-guard:mode': 'notify', team: 'platform' },
  [PROD]: {},
  '100000000000': {},
  '200000000000': { 'sg-guard:mode': 'off' },
  '300000000000': {},
};

const childrenOf = (parentId: string, kind: 'ou' | 'account') =>
  Object.keys(PARENT).filter(
    (id) => PARENT[id] === parentId && (kind === 'ou' ? id.startsWith('ou-') : /^\d+$/.test(id)),
  );

function onePerPage<T>(items: readonly T[], token: string | undefined) {
  const index = token ? Number(token) : 0;
  return {
    page: items.slice(index, index + 1),
    next: index + 1 < items.length ? String(index + 1) : undefined,
  };
}

beforeEach(() => {
  orgMock.reset();
  orgMock.on(ListRootsCommand).resolves({ Roots: [{ Id: ROOT }] });
  orgMock.on(ListTagsForResourceCommand).callsFake(({ ResourceId }) => ({
    Tags: Object.entries(TAGS[ResourceId] ?? {}).map(([Key, Value]) => ({ Key, Value })),
  }));
  orgMock.on(ListOrganizationalUnitsForParentCommand).callsFake(({ ParentId, NextToken }) => {
    const { page, next } = onePerPage(childrenOf(ParentId, 'ou'), NextToken);
    return { OrganizationalUnits: page.map((Id) => ({ Id })), NextToken: next };
  });
  orgMock.on(ListAccountsForParentCommand).callsFake(({ ParentId, NextToken }) => {
    const { page, next } = onePerPage(childrenOf(ParentId, 'account'), NextToken);
    return {
      Accounts: page.map((Id) => ({ Id, Name: `name-${Id}`, State: 'ACTIVE' })),
      NextToken: next,
    };
  });
  orgMock.on(ListParentsCommand).callsFake(({ ChildId }) => {
    const parent = PARENT[ChildId] as string;
    return {
      Parents: [{ Id: parent, Type: parent.startsWith('r-') ? 'ROOT' : 'ORGANIZATIONAL_UNIT' }],
    };
  });
  orgMock.on(DescribeAccountCommand).callsFake(({ AccountId }) => {
    if (!(AccountId in PARENT)) {
      throw new AccountNotFoundException({ message: 'gone', $metadata: {} });
    }
    return { Account: { Id: AccountId, Name: `name-${AccountId}`, Status: 'ACTIVE' } };
  });
});

describe('OrganizationDirectory.allAccounts', () => {
  it('finds every account with its chain from the account up to the root, over every page', async () => {
    // Act
    const members = await new OrganizationDirectory({ organizations }).allAccounts();

    // Assess
    expect(members.map((member) => member.accountId)).toEqual([
      '100000000000',
      '200000000000',
      '300000000000',
    ]);
    expect(members[1]).toEqual({
      accountId: '200000000000',
      name: 'name-200000000000',
      status: 'ACTIVE',
      chain: [
        { kind: 'account', id: '200000000000', tags: { 'sg-guard:mode': 'off' } },
        { kind: 'ou', id: PROD, tags: {} },
        { kind: 'ou', id: WORKLOADS, tags: { 'sg-guard:mode': 'notify', team: 'platform' } },
        { kind: 'root', id: ROOT, tags: { 'sg-guard:mode': 'enforce' } },
      ],
    });
    expect(members[0]?.chain.map((level) => level.id)).toEqual(['100000000000', ROOT]);
  });

  it('asks for the tags of each OU and the root once, and never for parents', async () => {
    // Act
    await new OrganizationDirectory({ organizations }).allAccounts();

    // Assess
    const tagReads = orgMock
      .commandCalls(ListTagsForResourceCommand)
      .map((call) => call.args[0].input.ResourceId);
    expect(tagReads.sort()).toEqual(Object.keys(TAGS).sort());
    expect(orgMock.commandCalls(ListParentsCommand)).toHaveLength(0);
    // 1 ListRoots + 6 tags + OU listings (root: 1 page, Workloads: 1, Prod: 1 empty) + account
    // listings (root: 1, Workloads: 1 empty, Prod: 2 pages).
    expect(orgMock.calls()).toHaveLength(1 + 6 + 3 + 4);
  });

  it('keeps at most `concurrency` Organizations calls in flight', async () => {
    // Prepare
    let inFlight = 0;
    let most = 0;
    orgMock.on(ListTagsForResourceCommand).callsFake(async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      return { Tags: [] };
    });

    // Act
    await new OrganizationDirectory({ organizations, concurrency: 2 }).allAccounts();

    // Assess
    expect(most).toBe(2);
  });

  it("lists a parent's OUs and accounts while its tags are still being read", async () => {
    // Prepare: the root's tags answer only once both of the root's listings have been asked.
    let releaseRootTags: () => void = () => undefined;
    const rootTagsHeld = new Promise<void>((resolve) => {
      releaseRootTags = resolve;
    });
    orgMock.on(ListTagsForResourceCommand).callsFake(async ({ ResourceId }) => {
      if (ResourceId === ROOT) await rootTagsHeld;
      return {
        Tags: Object.entries(TAGS[ResourceId] ?? {}).map(([Key, Value]) => ({ Key, Value })),
      };
    });
    const listed = new Set<string>();
    const listing = (name: string) => () => {
      listed.add(name);
      if (listed.size === 2) releaseRootTags();
    };
    orgMock.on(ListOrganizationalUnitsForParentCommand, { ParentId: ROOT }).callsFake(() => {
      listing('units')();
      return { OrganizationalUnits: [{ Id: WORKLOADS }] };
    });
    orgMock.on(ListAccountsForParentCommand, { ParentId: ROOT }).callsFake(() => {
      listing('accounts')();
      return { Accounts: [{ Id: '100000000000', Name: 'name-100000000000', State: 'ACTIVE' }] };
    });

    // Act
    const members = await new OrganizationDirectory({
      organizations,
      concurrency: 3,
    }).allAccounts();

    // Assess
    expect(members.map((member) => member.accountId)).toEqual([
      '100000000000',
      '200000000000',
      '300000000000',
    ]);
    expect(members[0]?.chain.at(-1)).toEqual({
      kind: 'root',
      id: ROOT,
      tags: { 'sg-guard:mode': 'enforce' },
    });
  });

  it('hands each account to onMember once, as soon as its chain is read, before the walk ends', async () => {
    // Prepare
    const handed: string[] = [];
    let walkEnded = false;
    const handedBeforeEnd: boolean[] = [];

    // Act
    const members = await new OrganizationDirectory({ organizations })
      .allAccounts({
        onMember: (member) => {
          handed.push(member.accountId);
          handedBeforeEnd.push(!walkEnded);
          expect(member.chain.at(-1)?.id).toBe(ROOT);
        },
      })
      .finally(() => {
        walkEnded = true;
      });

    // Assess
    expect(handed.sort()).toEqual(members.map((member) => member.accountId));
    expect(handedBeforeEnd).toEqual([true, true, true]);
    // The management account, at the root, is known before Prod's accounts are listed.
    expect(handed[0]).toBe('100000000000');
  });

  it('throws ThrottledError when Organizations keeps throttling after the retries', async () => {
    // Prepare
    orgMock
      .on(ListTagsForResourceCommand)
      .rejects(new TooManyRequestsException({ message: 'slow down', $metadata: {} }));

    // Act
    const walking = new OrganizationDirectory({ organizations }).allAccounts();

    // Assess
    await expect(walking).rejects.toBeInstanceOf(ThrottledError);
    await expect(walking).rejects.toMatchObject({ awsCode: 'TooManyRequestsException' });
  });
});

describe('OrganizationDirectory.accountsBelow', () => {
  it('walks only the OU and reads the levels above it with ListParents', async () => {
    // Act
    const members = await new OrganizationDirectory({ organizations }).accountsBelow({
      kind: 'ou',
      id: PROD,
    });

    // Assess
    expect(members.map((member) => member.accountId)).toEqual(['200000000000', '300000000000']);
    expect(members[1]?.chain.map((level) => level.id)).toEqual([
      '300000000000',
      PROD,
      WORKLOADS,
      ROOT,
    ]);
    expect(
      orgMock.commandCalls(ListParentsCommand).map((call) => call.args[0].input.ChildId),
    ).toEqual([PROD, WORKLOADS]);
    expect(orgMock.commandCalls(ListRootsCommand)).toHaveLength(0);
  });
});

describe('OrganizationDirectory.member', () => {
  it('reads one account and its chain upward', async () => {
    // Act
    const member = await new OrganizationDirectory({ organizations }).member('300000000000');

    // Assess
    expect(member).toMatchObject({ accountId: '300000000000', name: 'name-300000000000' });
    expect(member?.chain.map((level) => level.kind)).toEqual(['account', 'ou', 'ou', 'root']);
  });

  it('answers undefined for an account the organization does not have', async () => {
    // Act
    const member = await new OrganizationDirectory({ organizations }).member('999999999999');

    // Assess
    expect(member).toBeUndefined();
    expect(orgMock.commandCalls(ListParentsCommand)).toHaveLength(0);
  });
});

describe('createPublisherOrganizationsClient', () => {
  it('retries in adaptive mode with 10 attempts unless told otherwise, in us-east-1', async () => {
    // Act
    const byDefault = createPublisherOrganizationsClient();
    const configured = createPublisherOrganizationsClient({ maxAttempts: 4 });

    // Assess
    expect((await byDefault.config.retryStrategy()) as { mode?: string }).toMatchObject({
      mode: 'adaptive',
    });
    expect(await byDefault.config.maxAttempts()).toBe(10);
    expect(await configured.config.maxAttempts()).toBe(4);
    expect(await byDefault.config.region()).toBe('us-east-1');
  });
});
