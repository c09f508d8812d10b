/**
 * An in-memory organization and bucket behind aws-sdk-client-mock, so the publisher's tests can
 * change the organization, run the handler and re-describe the bucket afterwards.
 */
import {
  AccountNotFoundException,
  DescribeAccountCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';

export const ROOT = 'r-ab12';
export const BUCKET = 'sg-guard-modes-100000000000';
/** Listings answer at most this many items per page (Organizations' own default is 20). */
const PAGE = 2;

interface Node {
  parent?: string;
  name?: string;
  tags: Record<string, string>;
}

export function createFakeAws() {
  const organizations = new OrganizationsClient({ region: 'us-east-1' });
  const s3 = new S3Client({ region: 'us-east-1' });
  const orgMock = mockClient(organizations);
  const s3Mock = mockClient(s3);
  const nodes = new Map<string, Node>([[ROOT, { tags: {} }]]);
  const objects = new Map<string, { body: string; etag: string }>();
  let version = 0;

  const page = <T>(items: readonly T[], token: string | undefined) => {
    const start = token ? Number(token) : 0;
    const next = start + PAGE < items.length ? String(start + PAGE) : undefined;
    return { items: items.slice(start, start + PAGE), next };
  };
  const children = (parentId: string, accounts: boolean) =>
    [...nodes.entries()]
      .filter(([id, node]) => node.parent === parentId && /^\d{12}$/.test(id) === accounts)
      .map(([id, node]) => ({ id, node }));

  orgMock.on(ListRootsCommand).resolves({ Roots: [{ Id: ROOT }] });
  orgMock.on(ListTagsForResourceCommand).callsFake(({ ResourceId }) => {
    const node = nodes.get(ResourceId);
    if (!node) throw new Error(`no resource ${ResourceId}`);
    return { Tags: Object.entries(node.tags).map(([Key, Value]) => ({ Key, Value })) };
  });
  orgMock.on(ListOrganizationalUnitsForParentCommand).callsFake(({ ParentId, NextToken }) => {
    const { items, next } = page(children(ParentId, false), NextToken);
    return { OrganizationalUnits: items.map(({ id }) => ({ Id: id })), NextToken: next };
  });
  orgMock.on(ListAccountsForParentCommand).callsFake(({ ParentId, NextToken }) => {
    const { items, next } = page(children(ParentId, true), NextToken);
    return {
      Accounts: items.map(({ id, node }) => ({ Id: id, Name: node.name, State: 'ACTIVE' })),
      NextToken: next,
    };
  });
  orgMock.on(ListParentsCommand).callsFake(({ ChildId }) => {
    const parent = nodes.get(ChildId)?.parent as string;
    return { Parents: [{ Id: parent, Type: parent === ROOT ? 'ROOT' : 'ORGANIZATIONAL_UNIT' }] };
  });
  orgMock.on(DescribeAccountCommand).callsFake(({ AccountId }) => {
    const node = nodes.get(AccountId);
    if (!node) throw new AccountNotFoundException({ message: 'no such account', $metadata: {} });
    return { Account: { Id: AccountId, Name: node.name, State: 'ACTIVE' } };
  });

  s3Mock.on(ListObjectsV2Command).callsFake(({ Prefix, ContinuationToken }) => {
    const keys = [...objects.keys()].filter((key) => key.startsWith(Prefix ?? '')).sort();
    const { items, next } = page(keys, ContinuationToken);
    return {
      Contents: items.map((Key) => ({ Key, ETag: objects.get(Key)?.etag })),
      IsTruncated: next !== undefined,
      NextContinuationToken: next,
    };
  });
  s3Mock.on(GetObjectCommand).callsFake(({ Key }) => {
    const object = objects.get(Key);
    if (!object)
      throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
    return { Body: { transformToString: async () => object.body }, ETag: object.etag };
  });
  s3Mock.on(PutObjectCommand).callsFake(({ Key, Body }) => {
    version += 1;
    const etag = `"v${version}"`;
    objects.set(Key, { body: String(Body), etag });
    return { ETag: etag };
  });
  s3Mock.on(DeleteObjectCommand).callsFake(({ Key }) => {
    objects.delete(Key);
    return {};
  });

  return {
    organizations,
    s3,
    orgMock,
    s3Mock,
    /** Adds an OU (parent: the root unless given). */
    ou(id: string, options: { parent?: string; mode?: string } = {}) {
      nodes.set(id, {
        parent: options.parent ?? ROOT,
        tags: options.mode ? { 'sg-guard:mode': options.mode } : {},
      });
    },
    account(id: string, options: { parent?: string; mode?: string; name?: string } = {}) {
      nodes.set(id, {
        parent: options.parent ?? ROOT,
        name: options.name ?? `name-${id}`,
        tags: options.mode ? { 'sg-guard:mode': options.mode } : {},
      });
    },
    tag(id: string, mode: string | undefined) {
      const node = nodes.get(id) as Node;
      if (mode === undefined) delete node.tags['sg-guard:mode'];
      else node.tags['sg-guard:mode'] = mode;
    },
    move(accountId: string, parent: string) {
      (nodes.get(accountId) as Node).parent = parent;
    },
    remove(accountId: string) {
      nodes.delete(accountId);
    },
    /** Puts an object directly (a stale or hand-written one). */
    putObject(key: string, body: string) {
      version += 1;
      objects.set(key, { body, etag: `"v${version}"` });
    },
    /** The bucket's mode objects, parsed, by account id. */
    modeMap(): Record<string, Record<string, unknown>> {
      return Object.fromEntries(
        [...objects.entries()]
          .filter(([key]) => key.startsWith('modes/'))
          .map(([key, object]) => [key.slice(6, 18), JSON.parse(object.body)]),
      );
    },
    /** Calls made so far, by command name. */
    callCounts(): Record<string, number> {
      const counts: Record<string, number> = {};
      for (const call of [...orgMock.calls(), ...s3Mock.calls()]) {
        const name = (call.args[0] as object).constructor.name.replace(/Command$/, '');
        counts[name] = (counts[name] ?? 0) + 1;
      }
      return counts;
    },
    resetCalls() {
      orgMock.resetHistory();
      s3Mock.resetHistory();
    },
  };
}

export type FakeAws = ReturnType<typeof createFakeAws>;
