import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  DescribeAccountCommand,
  ListAccountsForParentCommand,
} from '@aws-sdk/client-organizations';
import { PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createHandler } from '../../src/app.js';
import type { ModePublisherSettings } from '../../src/settings.js';
import { cloudTrailEvent, scheduleEvent, tagEvent, untagEvent } from './events-fixtures.js';
import { BUCKET, createFakeAws, type FakeAws, ROOT } from './fake-aws.js';

const SETTINGS: ModePublisherSettings = {
  region: 'us-east-1',
  bucket: BUCKET,
  bucketRegion: 'us-east-1',
  defaultMode: 'enforce',
  orgMaxAttempts: 10,
};
const WORKLOADS = 'ou-ab12-11111111';
const PROD = 'ou-ab12-22222222';
const SANDBOX = 'ou-ab12-33333333';
const MANAGEMENT = '100000000000';
const T0 = '2026-12-01T12:00:00.000Z';
const T1 = '2026-12-01T12:05:00.000Z';

let aws: FakeAws;
let clock: Date;
let metrics: Metrics;
let counted: Record<string, number>;

/**
 * root ─┬─ 100000000000 management
 *       ├─ Workloads (notify) ─┬─ 200000000000 (off)
 *       │                      └─ Prod ─┬─ 300000000000
 *       │                               └─ 400000000000 (enforce)
 *       └─ Sandbox ── 500000000000
 */
function buildOrganization() {
  aws.account(MANAGEMENT, { name: 'management' });
  aws.ou(WORKLOADS, { mode: 'notify' });
  aws.ou(PROD, { parent: WORKLOADS });
  aws.ou(SANDBOX);
  aws.account('200000000000', { parent: WORKLOADS, mode: 'off' });
  aws.account('300000000000', { parent: PROD });
  aws.account('400000000000', { parent: PROD, mode: 'enforce' });
  aws.account('500000000000', { parent: SANDBOX });
}

const handler = () =>
  createHandler(SETTINGS, {
    clients: { organizations: aws.organizations, s3: aws.s3 },
    logger: new Logger({ serviceName: 'mode-publisher', logLevel: 'SILENT' }),
    metrics,
    now: () => clock,
  });

const modes = () =>
  Object.fromEntries(
    Object.entries(aws.modeMap()).map(([id, entry]) => [id, [entry.mode, entry.source]]),
  );

beforeEach(() => {
  aws = createFakeAws();
  clock = new Date(T0);
  metrics = new Metrics({ namespace: 'sg-guard', serviceName: 'mode-publisher' });
  counted = {};
  vi.spyOn(metrics, 'addMetric').mockImplementation((name, _unit, value) => {
    counted[name] = (counted[name] ?? 0) + value;
    return metrics;
  });
  vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
  buildOrganization();
});

describe('full pass (schedule)', () => {
  it("writes every account's mode from the nearest tag, the default where none decides", async () => {
    // Act
    const result = await handler()(scheduleEvent());

    // Assess
    expect(result.outcome).toBe('done');
    expect(modes()).toEqual({
      '100000000000': ['enforce', { kind: 'default' }],
      '200000000000': ['off', { kind: 'account', id: '200000000000' }],
      '300000000000': ['notify', { kind: 'ou', id: WORKLOADS }],
      '400000000000': ['enforce', { kind: 'account', id: '400000000000' }],
      '500000000000': ['enforce', { kind: 'default' }],
    });
    expect(aws.modeMap()['300000000000']).toEqual({
      accountId: '300000000000',
      accountName: 'name-300000000000',
      mode: 'notify',
      source: { kind: 'ou', id: WORKLOADS },
      updatedAt: T0,
    });
    expect(counted).toMatchObject({
      accountsResolved: 5,
      objectsWritten: 5,
      objectsUnchanged: 0,
      objectsDeleted: 0,
      fullPassCompleted: 1,
    });
  });

  it('uses a root tag for accounts with no nearer tag', async () => {
    // Prepare
    aws.tag(ROOT, 'notify');

    // Act
    await handler()(scheduleEvent());

    // Assess
    expect(modes()['500000000000']).toEqual(['notify', { kind: 'root', id: ROOT }]);
    expect(modes()['100000000000']).toEqual(['notify', { kind: 'root', id: ROOT }]);
  });

  it('writes nothing and reads no object on a warm pass over an unchanged organization', async () => {
    // Prepare
    const warm = handler();
    await warm(scheduleEvent());
    aws.resetCalls();
    clock = new Date(T1);

    // Act
    await warm(scheduleEvent());

    // Assess
    const calls = aws.callCounts();
    expect(calls.PutObject).toBeUndefined();
    expect(calls.GetObject).toBeUndefined();
    expect(calls.ListObjectsV2).toBe(3); // 5 objects, 2 per page
    expect(Object.values(aws.modeMap()).map((entry) => entry.updatedAt)).toEqual(Array(5).fill(T0));
  });

  it('keeps updatedAt of unchanged objects in a cold container (one GetObject each) and stamps the changed one', async () => {
    // Prepare
    await handler()(scheduleEvent());
    aws.tag(SANDBOX, 'off');
    aws.resetCalls();
    clock = new Date(T1);

    // Act
    await handler()(scheduleEvent());

    // Assess
    expect(aws.callCounts()).toMatchObject({ GetObject: 5, PutObject: 1 });
    expect(aws.modeMap()['500000000000']).toMatchObject({
      mode: 'off',
      source: { kind: 'ou', id: SANDBOX },
      updatedAt: T1,
    });
    expect(aws.modeMap()['300000000000']?.updatedAt).toBe(T0);
  });

  it('deletes the objects of accounts that left, after DescribeAccount confirms they are gone', async () => {
    // Prepare
    await handler()(scheduleEvent());
    aws.remove('500000000000');
    aws.resetCalls();

    // Act
    await handler()(scheduleEvent());

    // Assess
    expect(Object.keys(aws.modeMap())).not.toContain('500000000000');
    expect(Object.keys(aws.modeMap())).toHaveLength(4);
    expect(aws.orgMock.commandCalls(DescribeAccountCommand).map((c) => c.args[0].input)).toEqual([
      { AccountId: '500000000000' },
    ]);
    expect(counted.objectsDeleted).toBe(1);
  });

  it('keeps and rewrites the object of an account the walk missed (moved while it ran) instead of deleting it', async () => {
    // Prepare
    await handler()(scheduleEvent());
    aws.move('500000000000', WORKLOADS);
    // The walk lists Sandbox after the account left it and Workloads before it arrived.
    aws.orgMock
      .on(ListAccountsForParentCommand, { ParentId: WORKLOADS })
      .resolvesOnce({ Accounts: [{ Id: '200000000000', Name: 'name-200000000000' }] });
    aws.resetCalls();
    clock = new Date(T1);

    // Act
    await handler()(scheduleEvent());

    // Assess
    expect(modes()['500000000000']).toEqual(['notify', { kind: 'ou', id: WORKLOADS }]);
    expect(counted.objectsDeleted).toBe(0);
  });

  it('rewrites a stale object (mode changed while nobody was looking) and a hand-edited one', async () => {
    // Prepare
    aws.putObject(
      'modes/200000000000.json',
      JSON.stringify({
        accountId: '200000000000',
        accountName: 'name-200000000000',
        mode: 'enforce',
        source: { kind: 'default' },
        updatedAt: '2026-01-01T00:00:00.000Z',
      }),
    );
    aws.putObject('modes/300000000000.json', 'not json');

    // Act
    await handler()(scheduleEvent());

    // Assess
    expect(modes()['200000000000']).toEqual(['off', { kind: 'account', id: '200000000000' }]);
    expect(modes()['300000000000']).toEqual(['notify', { kind: 'ou', id: WORKLOADS }]);
  });

  it('counts the AWS calls of a full pass: listings per OU and root, tags per account, one listing of modes/', async () => {
    // Act
    await handler()(scheduleEvent());

    // Assess: 4 containers (root, Workloads, Prod, Sandbox), 5 accounts, 2 items per page.
    expect(aws.callCounts()).toEqual({
      ListRoots: 1,
      ListTagsForResource: 4 + 5,
      // root: 2 OUs (1 page); Workloads: 1; Prod: 0 (1 empty page); Sandbox: 0.
      ListOrganizationalUnitsForParent: 4,
      // root: 1; Workloads: 1; Prod: 2 (1 page); Sandbox: 1.
      ListAccountsForParent: 4,
      ListObjectsV2: 1,
      PutObject: 5,
    });
  });

  it('writes an account whose chain is known while the walk is still listing deeper OUs', async () => {
    // Prepare: Prod's account listing answers only once the management account's object exists
    // (or after a bounded wait, when the writes only start after the walk).
    let writtenDuringWalk: boolean | undefined;
    aws.orgMock.on(ListAccountsForParentCommand, { ParentId: PROD }).callsFake(async () => {
      for (let tick = 0; tick < 200 && !(MANAGEMENT in aws.modeMap()); tick += 1) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      writtenDuringWalk ??= MANAGEMENT in aws.modeMap();
      return {
        Accounts: ['300000000000', '400000000000'].map((Id) => ({
          Id,
          Name: `name-${Id}`,
          State: 'ACTIVE',
        })),
      };
    });

    // Act
    const result = await handler()(scheduleEvent());

    // Assess
    expect(writtenDuringWalk).toBe(true);
    expect(result).toMatchObject({ outcome: 'done', summary: { resolved: 5, unchanged: 0 } });
    expect(Object.keys(aws.modeMap()).sort()).toEqual([
      MANAGEMENT,
      '200000000000',
      '300000000000',
      '400000000000',
      '500000000000',
    ]);
    expect(aws.callCounts().PutObject).toBe(5);
  });

  it('fails the invocation and deletes nothing when S3 refuses a write', async () => {
    // Prepare
    await handler()(scheduleEvent());
    aws.remove('500000000000');
    aws.tag(PROD, 'off');
    aws.s3Mock.on(PutObjectCommand).rejects(
      new S3ServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: 'denied',
      }),
    );
    counted = {};

    // Act
    const running = handler()(scheduleEvent());

    // Assess
    await expect(running).rejects.toMatchObject({ code: 'ACCESS_DENIED', action: 's3:PutObject' });
    expect(Object.keys(aws.modeMap())).toContain('500000000000');
    expect(counted.publishFailed).toBe(1);
    expect(counted.fullPassCompleted).toBeUndefined();
  });
});

describe('incremental passes (Organizations events)', () => {
  beforeEach(async () => {
    await handler()(scheduleEvent());
    aws.resetCalls();
    clock = new Date(T1);
  });

  it('rewrites every account below an OU whose tag changed, and no other', async () => {
    // Prepare
    aws.tag(WORKLOADS, 'off');

    // Act
    await handler()(tagEvent(WORKLOADS));

    // Assess
    expect(modes()).toEqual({
      '100000000000': ['enforce', { kind: 'default' }],
      '200000000000': ['off', { kind: 'account', id: '200000000000' }],
      '300000000000': ['off', { kind: 'ou', id: WORKLOADS }],
      '400000000000': ['enforce', { kind: 'account', id: '400000000000' }],
      '500000000000': ['enforce', { kind: 'default' }],
    });
    expect(aws.modeMap()['300000000000']?.updatedAt).toBe(T1);
    expect(aws.modeMap()['200000000000']?.updatedAt).toBe(T0);
    const calls = aws.callCounts();
    expect(calls.ListRoots).toBeUndefined();
    expect(calls.PutObject).toBe(1);
  });

  it('follows a root tag to every account', async () => {
    // Prepare
    aws.tag(ROOT, 'off');

    // Act
    await handler()(tagEvent(ROOT));

    // Assess
    expect(modes()['100000000000']).toEqual(['off', { kind: 'root', id: ROOT }]);
    expect(modes()['500000000000']).toEqual(['off', { kind: 'root', id: ROOT }]);
    expect(modes()['300000000000']).toEqual(['notify', { kind: 'ou', id: WORKLOADS }]);
  });

  it('rewrites one account whose own tag was removed, with one DescribeAccount and its parents', async () => {
    // Prepare
    aws.tag('200000000000', undefined);

    // Act
    await handler()(untagEvent('200000000000'));

    // Assess
    expect(modes()['200000000000']).toEqual(['notify', { kind: 'ou', id: WORKLOADS }]);
    expect(aws.callCounts()).toEqual({
      DescribeAccount: 1,
      ListTagsForResource: 3, // account, Workloads, root
      ListParents: 2,
      GetObject: 1,
      PutObject: 1,
    });
  });

  it('follows a moved account to its new OU', async () => {
    // Prepare
    aws.move('500000000000', PROD);

    // Act
    await handler()(
      cloudTrailEvent('MoveAccount', {
        requestParameters: {
          accountId: '500000000000',
          sourceParentId: SANDBOX,
          destinationParentId: PROD,
        },
      }),
    );

    // Assess
    expect(modes()['500000000000']).toEqual(['notify', { kind: 'ou', id: WORKLOADS }]);
  });

  it('writes the object of a newly created account', async () => {
    // Prepare
    aws.account('600000000000', { parent: SANDBOX, mode: 'off' });

    // Act
    await handler()(
      cloudTrailEvent('CreateAccountResult', {
        serviceEventDetails: {
          createAccountStatus: { id: 'car-1', state: 'SUCCEEDED', accountId: '600000000000' },
        },
      }),
    );

    // Assess
    expect(aws.modeMap()['600000000000']).toEqual({
      accountId: '600000000000',
      accountName: 'name-600000000000',
      mode: 'off',
      source: { kind: 'account', id: '600000000000' },
      updatedAt: T1,
    });
  });

  it('deletes the object of a removed account without asking Organizations', async () => {
    // Prepare
    aws.remove('500000000000');

    // Act
    await handler()(
      cloudTrailEvent('RemoveAccountFromOrganization', {
        requestParameters: { accountId: '500000000000' },
      }),
    );

    // Assess
    expect(Object.keys(aws.modeMap())).not.toContain('500000000000');
    expect(aws.callCounts()).toEqual({ DeleteObject: 1 });
  });

  it('deletes the object when the account of an event is no longer in the organization', async () => {
    // Prepare
    aws.remove('300000000000');

    // Act
    await handler()(tagEvent('300000000000'));

    // Assess
    expect(Object.keys(aws.modeMap())).not.toContain('300000000000');
  });

  it('rejects an event it does not handle without throwing or calling AWS, and counts it', async () => {
    // Act
    const result = await handler()({ source: 'aws.ec2', 'detail-type': 'whatever' });

    // Assess
    expect(result).toMatchObject({ outcome: 'rejected', error: { code: 'UNSUPPORTED_EVENT' } });
    expect(aws.callCounts()).toEqual({});
    expect(counted.ignoredEvents).toBe(1);
  });

  it('skips a tag change of another key without calling AWS', async () => {
    // Act
    const result = await handler()(tagEvent(WORKLOADS, 'owner', 'team-a'));

    // Assess
    expect(result).toMatchObject({ outcome: 'done', trigger: { kind: 'skip' } });
    expect(aws.callCounts()).toEqual({});
  });
});
