import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidModeMapEntryError, ModeMapUnreadableError } from '../../src/errors.js';
import { ModeMapPolicyReader } from '../../src/mode-map-reader.js';

const s3 = new S3Client({ region: 'us-east-1' });
const s3Mock = mockClient(s3);
const BUCKET = 'sg-guard-modes-111122223333';
const ACCOUNT = '444455556666';
const KEY = `modes/${ACCOUNT}.json`;

/** A GetObject answer whose body is `text` (the SDK's stream mixin, reduced to what is read). */
function body(text: string) {
  return { Body: { transformToString: async () => text } as never, ETag: '"e1"' };
}

function s3Error(name: string, status: number) {
  return new S3ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message: `${name} from S3`,
  });
}

const reader = (options: { ttlMs?: number; now?: () => number } = {}) =>
  new ModeMapPolicyReader({ s3, bucket: BUCKET, defaultMode: 'notify', ...options });

beforeEach(() => {
  s3Mock.reset();
});

describe('ModeMapPolicyReader', () => {
  it('returns the mode, name and source of the account object with one GetObject of its key', async () => {
    // Prepare
    s3Mock.on(GetObjectCommand).resolves(
      body(
        JSON.stringify({
          accountId: ACCOUNT,
          accountName: 'payments-prod',
          mode: 'off',
          source: { kind: 'ou', id: 'ou-ab12-34cd56ef' },
          updatedAt: '2026-12-01T10:00:00.000Z',
        }),
      ),
    );

    // Act
    const policy = await reader().policyFor(ACCOUNT);

    // Assess
    expect(policy).toEqual({
      accountId: ACCOUNT,
      accountName: 'payments-prod',
      mode: 'off',
      source: { kind: 'ou', id: 'ou-ab12-34cd56ef' },
      warnings: [],
    });
    expect(s3Mock.commandCalls(GetObjectCommand).map((call) => call.args[0].input)).toEqual([
      { Bucket: BUCKET, Key: KEY },
    ]);
  });

  it("passes on the publisher's warnings about tag values that are not modes", async () => {
    // Prepare
    const warning =
      'sg-guard:mode on ou ou-ab12-34cd56ef is "audit", not one of enforce, notify, off; ignored';
    s3Mock.on(GetObjectCommand).resolves(
      body(
        JSON.stringify({
          accountId: ACCOUNT,
          mode: 'enforce',
          source: { kind: 'default' },
          updatedAt: '2026-12-01T10:00:00.000Z',
          warnings: [warning],
        }),
      ),
    );

    // Act
    const policy = await reader().policyFor(ACCOUNT);

    // Assess
    expect(policy).toEqual({
      accountId: ACCOUNT,
      mode: 'enforce',
      source: { kind: 'default' },
      warnings: [warning],
    });
  });

  it('falls back to the deployed default with a warning when the account has no object (NoSuchKey)', async () => {
    // Prepare
    s3Mock.on(GetObjectCommand).rejects(
      new NoSuchKey({
        message: 'The specified key does not exist.',
        $metadata: { httpStatusCode: 404 },
      }),
    );

    // Act
    const policy = await reader().policyFor(ACCOUNT);

    // Assess
    expect(policy.mode).toBe('notify');
    expect(policy.source).toEqual({ kind: 'default' });
    expect(policy.warnings).toHaveLength(1);
    expect(policy.warnings[0]).toContain(`account ${ACCOUNT} has no entry in the mode map yet`);
    expect(policy.warnings[0]).toContain(`s3://${BUCKET}/${KEY}`);
  });

  it('tells a 403 for a missing object from a denial with one listing of exactly its key', async () => {
    // Prepare: S3 did not count the prefix-limited list grant for GetObject's 404.
    s3Mock.on(GetObjectCommand).rejects(s3Error('AccessDenied', 403));
    s3Mock.on(ListObjectsV2Command, { Bucket: BUCKET, Prefix: KEY }).resolves({ KeyCount: 0 });

    // Act
    const policy = await reader().policyFor(ACCOUNT);

    // Assess
    expect(policy).toMatchObject({ mode: 'notify', source: { kind: 'default' } });
    expect(s3Mock.commandCalls(ListObjectsV2Command)[0]?.args[0].input).toEqual({
      Bucket: BUCKET,
      Prefix: KEY,
      MaxKeys: 1,
    });
  });

  it('stays unreadable on a 403 whose listing is denied too', async () => {
    // Prepare
    s3Mock.on(GetObjectCommand).rejects(s3Error('AccessDenied', 403));
    s3Mock.on(ListObjectsV2Command).rejects(s3Error('AccessDenied', 403));

    // Act
    const read = reader().policyFor(ACCOUNT);

    // Assess
    await expect(read).rejects.toBeInstanceOf(ModeMapUnreadableError);
  });

  it('treats a bare 404 without a code as absent too', async () => {
    // Prepare
    s3Mock.on(GetObjectCommand).rejects(s3Error('UnknownError', 404));

    // Act
    const policy = await reader().policyFor(ACCOUNT);

    // Assess
    expect(policy.source).toEqual({ kind: 'default' });
  });

  it.each([
    ['AccessDenied', 403],
    ['InternalError', 500],
    ['SlowDown', 503],
    ['NoSuchBucket', 404],
  ])('throws ModeMapUnreadableError keeping the AWS code for %s (%i)', async (name, status) => {
    // Prepare
    s3Mock.on(GetObjectCommand).rejects(s3Error(name, status));

    // Act
    const reading = reader().policyFor(ACCOUNT);

    // Assess
    await expect(reading).rejects.toBeInstanceOf(ModeMapUnreadableError);
    await expect(reading).rejects.toMatchObject({
      code: 'MODE_MAP_UNREADABLE',
      awsCode: name,
      bucket: BUCKET,
      key: KEY,
    });
  });

  it('throws ModeMapUnreadableError without an AWS code on a network failure', async () => {
    // Prepare
    s3Mock.on(GetObjectCommand).rejects(new Error('socket hang up'));

    // Act
    const reading = reader().policyFor(ACCOUNT);

    // Assess
    await expect(reading).rejects.toMatchObject({
      code: 'MODE_MAP_UNREADABLE',
      awsCode: undefined,
    });
  });

  it.each([
    ['not JSON', '{"accountId":', 'not JSON'],
    [
      'an unknown mode',
      JSON.stringify({
        accountId: ACCOUNT,
        mode: 'audit',
        source: { kind: 'default' },
        updatedAt: '2026-12-01T10:00:00Z',
      }),
      'mode: expected enforce, notify or off',
    ],
    [
      "another account's entry",
      JSON.stringify({
        accountId: '999988887777',
        mode: 'off',
        source: { kind: 'default' },
        updatedAt: '2026-12-01T10:00:00Z',
      }),
      "accountId: is 999988887777, but the object is 444455556666's",
    ],
    [
      'a source without an id',
      JSON.stringify({
        accountId: ACCOUNT,
        mode: 'off',
        source: { kind: 'ou' },
        updatedAt: '2026-12-01T10:00:00Z',
      }),
      'source.id: expected the id of the ou',
    ],
    [
      'no updatedAt',
      JSON.stringify({ accountId: ACCOUNT, mode: 'off', source: { kind: 'default' } }),
      'updatedAt: expected an ISO-8601 time',
    ],
  ])('throws InvalidModeMapEntryError for %s', async (_what, text, issue) => {
    // Prepare
    s3Mock.on(GetObjectCommand).resolves(body(text));

    // Act
    const reading = reader().policyFor(ACCOUNT);

    // Assess
    await expect(reading).rejects.toBeInstanceOf(InvalidModeMapEntryError);
    await expect(reading).rejects.toMatchObject({ code: 'INVALID_MODE_MAP_ENTRY', key: KEY });
    await expect(reading).rejects.toThrow(issue);
  });

  it('reads once per TTL, present or absent, and again after it', async () => {
    // Prepare
    let clock = 1_000;
    s3Mock.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'absent', $metadata: {} }));
    const cached = reader({ ttlMs: 60_000, now: () => clock });

    // Act
    await Promise.all([cached.policyFor(ACCOUNT), cached.policyFor(ACCOUNT)]);
    clock += 59_999;
    await cached.policyFor(ACCOUNT);
    const readsWithinTtl = s3Mock.commandCalls(GetObjectCommand).length;
    clock += 1;
    await cached.policyFor(ACCOUNT);

    // Assess
    expect(readsWithinTtl).toBe(1);
    expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(2);
  });

  it('does not keep a failed read: the next call asks S3 again', async () => {
    // Prepare
    s3Mock
      .on(GetObjectCommand)
      .rejectsOnce(s3Error('InternalError', 500))
      .resolves(
        body(
          JSON.stringify({
            accountId: ACCOUNT,
            mode: 'off',
            source: { kind: 'account', id: ACCOUNT },
            updatedAt: '2026-12-01T10:00:00Z',
          }),
        ),
      );
    const cached = reader();

    // Act
    await expect(cached.policyFor(ACCOUNT)).rejects.toBeInstanceOf(ModeMapUnreadableError);
    const policy = await cached.policyFor(ACCOUNT);

    // Assess
    expect(policy.mode).toBe('off');
    expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(2);
  });
});
