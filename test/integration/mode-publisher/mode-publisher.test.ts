/**
 * The mode publisher against moto's Organizations and S3: a management account, nested OUs,
 * `sg-guard:mode` tags at account, OU and root level (and one value that is not a mode), 200+
 * accounts so that listings span pages, an account moved, one removed, one created, and
 * throttling injected. After each pass the whole bucket is re-described and compared with an
 * oracle that walks the estate's spec independently.
 *
 * moto 5.2.1 paginates ListAccounts (100 a page), ListAccountsForParent and
 * ListOrganizationalUnitsForParent (20 a page, as AWS) and ListObjectsV2 (1,000); it answers
 * ListTagsForResource, ListParents and ListRoots in one page whatever the size.
 */
import {
  CreateAccountCommand,
  MoveAccountCommand,
  type OrganizationsClient,
  RemoveAccountFromOrganizationCommand,
  TagResourceCommand,
  TooManyRequestsException,
  UntagResourceCommand,
} from '@aws-sdk/client-organizations';
import {
  CreateBucketCommand,
  GetObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createPublisherOrganizationsClient, createS3Client } from '@sg-guard/aws';
import {
  createOrganizationEstate,
  EMULATOR_CREDENTIALS,
  emulatorOrganizations,
  MANAGEMENT_ACCOUNT_ID,
  type OrganizationSpec,
  resetMoto,
} from '@sg-guard/emulator';
import { beforeEach, describe, expect, it, vi } from 'vitest';
// The test package does not depend on the app; its source is imported directly.
import { createHandler } from '../../../apps/mode-publisher/src/app.js';
import { motoEndpoint } from '../../support/world.js';

const BUCKET = 'sg-guard-modes-123456789012';
const REGION = 'us-east-1';
const MODE_TAG = 'sg-guard:mode';
const T0 = new Date('2026-12-01T12:00:00.000Z');
const T1 = new Date('2026-12-01T12:05:00.000Z');

/** 210 accounts in `Workloads/Prod` (11 pages of 20), 22 team OUs (2 pages), tags everywhere. */
const TEAM_COUNT = 22;
const PROD_COUNT = 210;

interface OuSpec {
  readonly name: string;
  readonly parent?: string;
  readonly mode?: string;
}
interface AccountSpec {
  readonly name: string;
  readonly ou?: string;
  readonly mode?: string;
}

function estateSpec() {
  const organizationalUnits: OuSpec[] = [
    { name: 'Workloads', mode: 'enforce' },
    { name: 'Prod', parent: 'Workloads' },
    { name: 'Payments', parent: 'Prod', mode: 'off' },
    { name: 'Sandbox' },
    { name: 'Legacy', mode: 'audit' },
    { name: 'Teams', mode: 'notify' },
  ];
  for (let team = 0; team < TEAM_COUNT; team += 1) {
    organizationalUnits.push({
      name: `team-${team}`,
      parent: 'Teams',
      ...(team % 5 === 0 ? { mode: 'enforce' } : {}),
    });
  }
  const accounts: AccountSpec[] = [];
  for (let index = 0; index < PROD_COUNT; index += 1) {
    accounts.push({
      name: `prod-${index}`,
      ou: 'Prod',
      ...(index % 50 === 7 ? { mode: 'off' } : {}),
      ...(index % 50 === 8 ? { mode: 'NOTIFY' } : {}),
    });
  }
  accounts.push(
    { name: 'payments-a', ou: 'Payments' },
    { name: 'payments-b', ou: 'Payments', mode: 'enforce' },
    { name: 'lab', ou: 'Sandbox' },
    { name: 'old', ou: 'Legacy' },
    { name: 'loose' },
    { name: 'loose-off', mode: 'off' },
  );
  for (let team = 0; team < TEAM_COUNT; team += 1)
    accounts.push({ name: `team-${team}-app`, ou: `team-${team}` });
  return { root: { mode: 'notify' }, organizationalUnits, accounts } satisfies OrganizationSpec;
}

/** The mode the spec implies, walking it with a second, test-only reading of the rule. */
function expectedMode(
  state: EstateState,
  accountName: string,
): { mode: string; source: { kind: string; id?: string } } {
  const valid = (value: string | undefined) =>
    value !== undefined && ['enforce', 'notify', 'off'].includes(value.trim().toLowerCase())
      ? value.trim().toLowerCase()
      : undefined;
  const account = state.accounts.get(accountName);
  if (!account) throw new Error(`no account ${accountName}`);
  const own = valid(account.mode);
  if (own) return { mode: own, source: { kind: 'account', id: account.id } };
  let ou = account.ou;
  while (ou !== undefined) {
    const unit = state.ous.get(ou);
    if (!unit) throw new Error(`no OU ${ou}`);
    const mode = valid(unit.mode);
    if (mode) return { mode, source: { kind: 'ou', id: unit.id } };
    ou = unit.parent;
  }
  const rootMode = valid(state.rootMode);
  if (rootMode) return { mode: rootMode, source: { kind: 'root', id: state.rootId } };
  return { mode: 'enforce', source: { kind: 'default' } };
}

/** What the test knows about the estate as it changes it. */
interface EstateState {
  rootId: string;
  rootMode?: string;
  ous: Map<string, { id: string; parent?: string; mode?: string }>;
  accounts: Map<string, { id: string; ou?: string; mode?: string }>;
}

async function buildEstate(endpoint: string): Promise<EstateState> {
  const spec = estateSpec();
  const estate = await createOrganizationEstate(endpoint, spec);
  const organizationalUnits = estate.organizationalUnits as Record<string, string>;
  const members = estate.accounts as Record<string, { accountId: string }>;
  const state: EstateState = {
    rootId: estate.rootId,
    rootMode: spec.root.mode,
    ous: new Map(
      spec.organizationalUnits.map((ou) => [
        ou.name,
        {
          id: organizationalUnits[ou.name] as string,
          ...(ou.parent ? { parent: ou.parent } : {}),
          ...(ou.mode ? { mode: ou.mode } : {}),
        },
      ]),
    ),
    accounts: new Map(
      spec.accounts.map((account) => [
        account.name,
        {
          id: members[account.name]?.accountId as string,
          ...(account.ou ? { ou: account.ou } : {}),
          ...(account.mode ? { mode: account.mode } : {}),
        },
      ]),
    ),
  };
  // The management account moto creates sits under the root, untagged, named `master`.
  state.accounts.set('master', { id: MANAGEMENT_ACCOUNT_ID });
  return state;
}

/** Every object of the bucket under `modes/`, parsed, by key. */
async function describeBucket(s3: S3Client): Promise<Map<string, Record<string, unknown>>> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: BUCKET })) {
    for (const object of page.Contents ?? []) keys.push(object.Key as string);
  }
  const objects = new Map<string, Record<string, unknown>>();
  // A few reads at a time: moto answers them in parallel well enough.
  for (let start = 0; start < keys.length; start += 32) {
    const batch = keys.slice(start, start + 32);
    const bodies = await Promise.all(
      batch.map(async (key) => {
        const response = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
        return JSON.parse((await response.Body?.transformToString()) ?? '');
      }),
    );
    for (const [index, key] of batch.entries()) objects.set(key, bodies[index]);
  }
  return objects;
}

/** Asserts the bucket holds exactly one right object per account of `state`. */
async function expectModeMap(s3: S3Client, state: EstateState, names: Map<string, string>) {
  const objects = await describeBucket(s3);
  const expected = new Map(
    [...state.accounts.entries()].map(([name, account]) => {
      const { mode, source } = expectedMode(state, name);
      return [
        `modes/${account.id}.json`,
        { accountId: account.id, accountName: names.get(account.id) ?? name, mode, source },
      ];
    }),
  );
  expect([...objects.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [key, object] of objects) {
    const { updatedAt, warnings: _warnings, ...content } = object;
    expect(content, key).toEqual(expected.get(key));
    expect(Number.isNaN(Date.parse(String(updatedAt))), key).toBe(false);
  }
  return objects;
}

/** Counts each command once (initialize step) and every attempt (finalize step, inside retries). */
function instrument(client: OrganizationsClient | S3Client) {
  const commands: Record<string, number> = {};
  const attempts: Record<string, number> = {};
  const stack = client.middlewareStack as unknown as {
    add: (middleware: unknown, options: unknown) => void;
  };
  stack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName: string }) =>
      (args: unknown) => {
        commands[context.commandName] = (commands[context.commandName] ?? 0) + 1;
        return next(args);
      },
    { step: 'initialize', name: 'countCommands' },
  );
  stack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName: string }) =>
      (args: unknown) => {
        attempts[context.commandName] = (attempts[context.commandName] ?? 0) + 1;
        return next(args);
      },
    { step: 'deserialize', name: 'countAttempts' },
  );
  return {
    commands,
    attempts,
    total: () => Object.values(commands).reduce((sum, count) => sum + count, 0),
    reset: () => {
      for (const key of Object.keys(commands)) delete commands[key];
      for (const key of Object.keys(attempts)) delete attempts[key];
    },
  };
}

/**
 * Makes every `every`-th attempt fail with TooManyRequestsException before it reaches moto,
 * `budget` times in all, inside the SDK's retry loop (deserialize step), as Organizations does.
 */
function injectThrottling(client: OrganizationsClient, every: number, budget: number) {
  let attempt = 0;
  const injected = { count: 0 };
  (client.middlewareStack as unknown as { add: (m: unknown, o: unknown) => void }).add(
    (next: (args: unknown) => Promise<unknown>) => (args: unknown) => {
      attempt += 1;
      if (injected.count < budget && attempt % every === 0) {
        injected.count += 1;
        return Promise.reject(
          new TooManyRequestsException({
            message:
              'AWS Organizations can not complete your request because another request is already in progress',
            $metadata: { httpStatusCode: 400 },
          }),
        );
      }
      return next(args);
    },
    { step: 'deserialize', name: 'injectThrottling', priority: 'low' },
  );
  return injected;
}

const cloudTrail = (eventName: string, detail: Record<string, unknown>) => ({
  version: '0',
  id: `event-${eventName}`,
  'detail-type':
    'serviceEventDetails' in detail
      ? 'AWS Service Event via CloudTrail'
      : 'AWS API Call via CloudTrail',
  source: 'aws.organizations',
  account: MANAGEMENT_ACCOUNT_ID,
  time: '2026-12-01T12:05:00Z',
  region: REGION,
  resources: [],
  detail: { eventSource: 'organizations.amazonaws.com', eventName, awsRegion: REGION, ...detail },
});
const scheduled = {
  version: '0',
  id: 'schedule',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: MANAGEMENT_ACCOUNT_ID,
  time: '2026-12-01T12:00:00Z',
  region: REGION,
  resources: [],
  detail: {},
};

let endpoint: string;
let state: EstateState;
let s3: S3Client;
let admin: OrganizationsClient;
/** Account names by id, as Organizations holds them (`master` for the management account). */
let names: Map<string, string>;

/** A cold start of the publisher; logs and metrics silenced as in the remediator's harness. */
function publisher(organizations: OrganizationsClient, publisherS3: S3Client, now: () => Date) {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', process.env.SG_GUARD_TEST_LOG_LEVEL ?? 'SILENT');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  return createHandler(
    {
      region: REGION,
      bucket: BUCKET,
      bucketRegion: REGION,
      defaultMode: 'enforce',
      orgMaxAttempts: 10,
    },
    { clients: { organizations, s3: publisherS3 }, now },
  );
}

const newOrganizationsClient = () =>
  createPublisherOrganizationsClient({ endpoint, credentials: EMULATOR_CREDENTIALS });
const newS3Client = () =>
  createS3Client({
    endpoint,
    region: REGION,
    credentials: EMULATOR_CREDENTIALS,
    forcePathStyle: true,
  });

beforeEach(async () => {
  const started = performance.now();
  endpoint = motoEndpoint();
  await resetMoto(endpoint);
  state = await buildEstate(endpoint);
  admin = emulatorOrganizations(endpoint);
  s3 = newS3Client();
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  names = new Map([...state.accounts.entries()].map(([name, account]) => [account.id, name]));
  console.info(
    `estate of ${state.accounts.size} accounts: ${Math.round(performance.now() - started)} ms`,
  );
});

// Each test re-describes all 239 objects after every pass (a GetObject each): minutes, not seconds,
// on a shared 2-core machine.
describe('mode publisher against moto', { timeout: 180_000 }, () => {
  it('writes every account right on the full pass, over every page, and nothing on a second pass', async () => {
    // Prepare
    const organizations = newOrganizationsClient();
    const publisherS3 = newS3Client();
    const orgCalls = instrument(organizations);
    const s3Calls = instrument(publisherS3);
    let now = T0;
    const handler = publisher(organizations, publisherS3, () => now);

    // Act
    const started = performance.now();
    const first = await handler(scheduled);
    const fullPassMs = Math.round(performance.now() - started);

    // Assess
    expect(first).toMatchObject({ outcome: 'done', summary: { resolved: state.accounts.size } });
    const objects = await expectModeMap(s3, state, names);
    expect(state.accounts.size).toBeGreaterThan(200);
    const old = objects.get(`modes/${state.accounts.get('old')?.id}.json`);
    expect(old?.warnings).toEqual([
      expect.stringContaining(`${MODE_TAG} on ou ${state.ous.get('Legacy')?.id} is "audit"`),
    ]);
    const accounts = state.accounts.size;
    const containers = state.ous.size + 1;
    // Pages: Prod holds 210 accounts (11 pages of 20), Teams 22 OUs (2 pages); the others one.
    const accountPages = containers - 1 + Math.ceil(PROD_COUNT / 20);
    const unitPages = containers - 1 + Math.ceil(TEAM_COUNT / 20);
    expect(orgCalls.commands).toEqual({
      ListRootsCommand: 1,
      ListTagsForResourceCommand: accounts + containers,
      ListOrganizationalUnitsForParentCommand: unitPages,
      ListAccountsForParentCommand: accountPages,
    });
    expect(s3Calls.commands).toEqual({ ListObjectsV2Command: 1, PutObjectCommand: accounts });
    console.info(
      `mode publisher full pass over ${accounts} accounts in ${containers} OUs/root: ` +
        `${orgCalls.total()} Organizations calls, ${s3Calls.total()} S3 calls (empty bucket), ${fullPassMs} ms`,
    );

    // Act: the next scheduled pass, same container, nothing changed.
    orgCalls.reset();
    s3Calls.reset();
    now = T1;
    await handler(scheduled);

    // Assess
    expect(s3Calls.commands).toEqual({ ListObjectsV2Command: 1 });
    const again = await expectModeMap(s3, state, names);
    for (const [key, object] of again) expect(object.updatedAt, key).toBe(T0.toISOString());
  });

  it('follows tag, untag, move, create and remove events, then a full pass removes what is left behind', async () => {
    // Prepare
    await publisher(newOrganizationsClient(), newS3Client(), () => T0)(scheduled);
    const handler = publisher(newOrganizationsClient(), newS3Client(), () => T1);
    const id = (name: string) => state.accounts.get(name)?.id as string;
    const ouId = (name: string) => state.ous.get(name)?.id as string;

    // Act + Assess: the Prod OU gets `notify`: every account below it (and below Payments keeps off).
    await admin.send(
      new TagResourceCommand({
        ResourceId: ouId('Prod'),
        Tags: [{ Key: MODE_TAG, Value: 'notify' }],
      }),
    );
    (state.ous.get('Prod') as { mode?: string }).mode = 'notify';
    await handler(
      cloudTrail('TagResource', {
        requestParameters: { resourceId: ouId('Prod'), tags: [{ key: MODE_TAG, value: 'notify' }] },
      }),
    );
    await expectModeMap(s3, state, names);

    // The root's tag goes: accounts that inherited it fall to the default.
    await admin.send(new UntagResourceCommand({ ResourceId: state.rootId, TagKeys: [MODE_TAG] }));
    state.rootMode = undefined;
    await handler(
      cloudTrail('UntagResource', {
        requestParameters: { resourceId: state.rootId, tagKeys: [MODE_TAG] },
      }),
    );
    await expectModeMap(s3, state, names);

    // An account's own tag goes.
    await admin.send(new UntagResourceCommand({ ResourceId: id('prod-7'), TagKeys: [MODE_TAG] }));
    (state.accounts.get('prod-7') as { mode?: string }).mode = undefined;
    await handler(
      cloudTrail('UntagResource', {
        requestParameters: { resourceId: id('prod-7'), tagKeys: [MODE_TAG] },
      }),
    );
    await expectModeMap(s3, state, names);

    // An account moves from Sandbox into Payments.
    await admin.send(
      new MoveAccountCommand({
        AccountId: id('lab'),
        SourceParentId: ouId('Sandbox'),
        DestinationParentId: ouId('Payments'),
      }),
    );
    (state.accounts.get('lab') as { ou?: string }).ou = 'Payments';
    await handler(cloudTrail('MoveAccount', { requestParameters: { accountId: id('lab') } }));
    await expectModeMap(s3, state, names);

    // A new account is created (under the root, tagged off).
    const created = await admin.send(
      new CreateAccountCommand({
        AccountName: 'fresh',
        Email: 'fresh@example.com',
        Tags: [{ Key: MODE_TAG, Value: 'off' }],
      }),
    );
    const freshId = created.CreateAccountStatus?.AccountId as string;
    state.accounts.set('fresh', { id: freshId, mode: 'off' });
    names.set(freshId, 'fresh');
    await handler(
      cloudTrail('CreateAccountResult', {
        serviceEventDetails: { createAccountStatus: { state: 'SUCCEEDED', accountId: freshId } },
      }),
    );
    await expectModeMap(s3, state, names);

    // An account is removed: its object goes on the event.
    await admin.send(new RemoveAccountFromOrganizationCommand({ AccountId: id('payments-a') }));
    const removedId = id('payments-a');
    state.accounts.delete('payments-a');
    await handler(
      cloudTrail('RemoveAccountFromOrganization', { requestParameters: { accountId: removedId } }),
    );
    await expectModeMap(s3, state, names);

    // Another is removed without its event reaching the publisher: the full pass deletes it.
    const missedId = id('loose');
    await admin.send(new RemoveAccountFromOrganizationCommand({ AccountId: missedId }));
    state.accounts.delete('loose');
    const summary = await handler(scheduled);
    expect(summary).toMatchObject({ summary: { deleted: [missedId] } });
    await expectModeMap(s3, state, names);
  });

  it('gets every object right while Organizations throttles, by backing off and retrying', async () => {
    // Prepare
    const organizations = newOrganizationsClient();
    const calls = instrument(organizations);
    const injected = injectThrottling(organizations, 40, 5);

    // Act
    const started = performance.now();
    const result = await publisher(organizations, newS3Client(), () => T0)(scheduled);
    console.info(
      `full pass with 5 throttled attempts: ${Math.round(performance.now() - started)} ms`,
    );

    // Assess
    expect(result.outcome).toBe('done');
    await expectModeMap(s3, state, names);
    expect(injected.count).toBe(5);
    const commands = Object.values(calls.commands).reduce((sum, count) => sum + count, 0);
    const attempts = Object.values(calls.attempts).reduce((sum, count) => sum + count, 0);
    expect(attempts - commands).toBe(5);
  });
});
