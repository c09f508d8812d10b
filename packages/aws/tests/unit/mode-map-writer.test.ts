import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { AccountPolicy } from '@sg-guard/remediation-core';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AccessDeniedError } from '../../src/errors.js';
import { ModeMapWriter } from '../../src/mode-map-writer.js';

const s3 = new S3Client({ region: 'us-east-1' });
const s3Mock = mockClient(s3);
const BUCKET = 'sg-guard-modes-111122223333';
const ACCOUNT = '444455556666';
const KEY = `modes/${ACCOUNT}.json`;
const EARLIER = '2026-11-30T08:00:00.000Z';
const NOW = new Date('2026-12-01T12:00:00.000Z');

const policy = (overrides: Partial<AccountPolicy> = {}): AccountPolicy => ({
  accountId: ACCOUNT,
  accountName: 'payments-prod',
  mode: 'notify',
  source: { kind: 'ou', id: 'ou-ab12-34cd56ef' },
  warnings: [],
  ...overrides,
});

/** The body the writer produces for `policy()` at `updatedAt`. */
const storedBody = (updatedAt: string, mode = 'notify') =>
  JSON.stringify({
    accountId: ACCOUNT,
    accountName: 'payments-prod',
    mode,
    source: { kind: 'ou', id: 'ou-ab12-34cd56ef' },
    updatedAt,
  });

const object = (text: string, etag = '"e-old"') => ({
  Body: { transformToString: async () => text } as never,
  ETag: etag,
});

const writer = () => new ModeMapWriter({ s3, bucket: BUCKET });

const putBodies = () =>
  s3Mock.commandCalls(PutObjectCommand).map((call) => JSON.parse(String(call.args[0].input.Body)));

beforeEach(() => {
  s3Mock.reset();
  s3Mock.on(PutObjectCommand).resolves({ ETag: '"e-new"' });
});

describe('ModeMapWriter.list', () => {
  it('follows every page of modes/ and keeps only account keys with their ETags', async () => {
    // Prepare
    s3Mock
      .on(ListObjectsV2Command, { Bucket: BUCKET, Prefix: 'modes/', ContinuationToken: undefined })
      .resolves({
        Contents: [
          { Key: 'modes/111111111111.json', ETag: '"a"' },
          { Key: 'modes/README.txt', ETag: '"x"' },
        ],
        IsTruncated: true,
        NextContinuationToken: 'page-2',
      })
      .on(ListObjectsV2Command, { Bucket: BUCKET, Prefix: 'modes/', ContinuationToken: 'page-2' })
      .resolves({
        Contents: [{ Key: 'modes/222222222222.json', ETag: '"b"' }],
        IsTruncated: false,
      });

    // Act
    const listing = await writer().list();

    // Assess
    expect([...listing]).toEqual([
      ['111111111111', '"a"'],
      ['222222222222', '"b"'],
    ]);
    expect(s3Mock.commandCalls(ListObjectsV2Command)).toHaveLength(2);
  });
});

describe('ModeMapWriter.publish', () => {
  it('creates the object of an account missing from the listing without reading it first', async () => {
    // Act
    const result = await writer().publish(policy(), NOW, new Map());

    // Assess
    expect(result.outcome).toBe('created');
    expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(0);
    const put = s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put).toMatchObject({ Bucket: BUCKET, Key: KEY, ContentType: 'application/json' });
    expect(putBodies()).toEqual([JSON.parse(storedBody(NOW.toISOString()))]);
  });

  it('leaves an object with the same content alone, updatedAt included', async () => {
    // Prepare
    s3Mock.on(GetObjectCommand).resolves(object(storedBody(EARLIER)));

    // Act
    const result = await writer().publish(policy(), NOW, new Map([[ACCOUNT, '"e-old"']]));

    // Assess
    expect(result).toEqual({ outcome: 'unchanged', entry: JSON.parse(storedBody(EARLIER)) });
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('rewrites an object whose mode changed, stamped now', async () => {
    // Prepare
    s3Mock.on(GetObjectCommand).resolves(object(storedBody(EARLIER, 'enforce')));

    // Act
    const result = await writer().publish(policy(), NOW);

    // Assess
    expect(result.outcome).toBe('updated');
    expect(putBodies()).toEqual([JSON.parse(storedBody(NOW.toISOString()))]);
  });

  it('rewrites an object that is not a valid entry and says what was wrong with it', async () => {
    // Prepare
    s3Mock.on(GetObjectCommand).resolves(object('{"mode":"sure"}'));

    // Act
    const result = await writer().publish(policy(), NOW);

    // Assess
    expect(result.outcome).toBe('updated');
    expect(result.replacedInvalid).toContain('mode: expected enforce, notify or off');
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(1);
  });

  it('writes warnings into the object only when there are some', async () => {
    // Act
    await writer().publish(policy({ warnings: ['bad tag'] }), NOW, new Map());
    await writer().publish(policy({ accountId: '777788889999' }), NOW, new Map());

    // Assess
    const [withWarnings, without] = putBodies();
    expect(withWarnings.warnings).toEqual(['bad tag']);
    expect(without).not.toHaveProperty('warnings');
  });

  it('creates when a read finds no object (NoSuchKey) without a listing', async () => {
    // Prepare
    s3Mock.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'absent', $metadata: {} }));

    // Act
    const result = await writer().publish(policy(), NOW);

    // Assess
    expect(result.outcome).toBe('created');
  });

  it('skips the read when this container wrote the object and the listing shows the same ETag', async () => {
    // Prepare
    const sameWriter = writer();
    await sameWriter.publish(policy(), NOW, new Map());

    // Act
    const second = await sameWriter.publish(
      policy(),
      new Date('2026-12-01T12:05:00.000Z'),
      new Map([[ACCOUNT, '"e-new"']]),
    );

    // Assess
    expect(second).toEqual({
      outcome: 'unchanged',
      entry: JSON.parse(storedBody(NOW.toISOString())),
    });
    expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(1);
  });

  it('reads again when the listed ETag is not the one it remembers (someone else wrote)', async () => {
    // Prepare
    const sameWriter = writer();
    await sameWriter.publish(policy(), NOW, new Map());
    s3Mock.on(GetObjectCommand).resolves(object(storedBody(EARLIER, 'off'), '"e-other"'));

    // Act
    const second = await sameWriter.publish(policy(), NOW, new Map([[ACCOUNT, '"e-other"']]));

    // Assess
    expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(1);
    expect(second.outcome).toBe('updated');
  });

  it('throws the typed error when S3 refuses the write', async () => {
    // Prepare
    s3Mock.on(PutObjectCommand).rejects(
      new S3ServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: 'no',
      }),
    );

    // Act
    const writing = writer().publish(policy(), NOW, new Map());

    // Assess
    await expect(writing).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(writing).rejects.toMatchObject({ action: 's3:PutObject' });
  });
});

describe('ModeMapWriter.remove', () => {
  it("deletes the account's key", async () => {
    // Prepare
    s3Mock.on(DeleteObjectCommand).resolves({});

    // Act
    await writer().remove(ACCOUNT);

    // Assess
    expect(s3Mock.commandCalls(DeleteObjectCommand).map((call) => call.args[0].input)).toEqual([
      { Bucket: BUCKET, Key: KEY },
    ]);
  });
});
