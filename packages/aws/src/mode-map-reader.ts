/**
 * The member side of the mode map: a remediator reads its own account's object, once per TTL.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { AccountPolicy, AccountPolicyReader, Mode } from '@sg-guard/remediation-core';
import { awsErrorCode, InvalidModeMapEntryError, ModeMapUnreadableError } from './errors.js';
import { modeMapKey, parseModeMapEntry } from './mode-map-entry.js';
import { TtlCache } from './ttl-cache.js';

/** Codes S3 answers for an object that does not exist (GetObject `NoSuchKey`, HEAD `NotFound`). */
const ABSENT_CODES = new Set(['NoSuchKey', 'NotFound']);

/** Options of {@link ModeMapPolicyReader}. */
export interface ModeMapPolicyReaderOptions {
  /** A client for the bucket's region (`SG_GUARD_MODE_BUCKET_REGION`), see `createS3Client`. */
  readonly s3: S3Client;
  /** The mode bucket (`SG_GUARD_MODE_BUCKET`). */
  readonly bucket: string;
  /** The mode when the account has no object in the map yet. */
  readonly defaultMode: Mode;
  /**
   * How long one account's answer (present or absent) is reused; a failed read is not kept.
   * @default 300_000 (5 minutes)
   */
  readonly ttlMs?: number;
  /** Clock in epoch milliseconds (tests inject one). @default Date.now */
  readonly now?: () => number;
}

/**
 * {@link AccountPolicyReader} over the mode map. Contract of {@link policyFor}, per account:
 * - **one** S3 GetObject of `modes/<accountId>.json`, and none again for `ttlMs` (concurrent
 *   callers share the one read);
 * - **present**: the object's `mode`, `accountName` and `source` (where the publisher found the
 *   deciding tag, or `default` for the publisher's deployed default), with the publisher's
 *   `warnings` about tag values that are not modes;
 * - **absent** (`NoSuchKey`, HTTP 404; the bucket policy must let the reader list its own key,
 *   else S3 says 403): the reader's `defaultMode`, `source` `default`, and a warning that the
 *   account has no entry in the mode map yet (a brand-new account before the publisher's
 *   next pass). Cached for the TTL like a present object;
 * - **invalid** object (not JSON, wrong shape, another account's id): throws
 *   {@link InvalidModeMapEntryError} (`INVALID_MODE_MAP_ENTRY`), not cached;
 * - **unreadable** (403, 5xx, throttled after the SDK's retries, network): throws
 *   {@link ModeMapUnreadableError} (`MODE_MAP_UNREADABLE`, `awsCode` as S3 sent it, the SDK
 *   error as `cause`), not cached. The caller must change nothing on an unknown mode.
 *
 * @example
 * const reader = new ModeMapPolicyReader({
 *   s3: createS3Client({ region: 'us-east-1' }),
 *   bucket: 'sg-guard-modes-111122223333',
 *   defaultMode: 'notify',
 * });
 * const { mode, source, warnings } = await reader.policyFor('444455556666');
 */
export class ModeMapPolicyReader implements AccountPolicyReader {
  private readonly s3: S3Client;
  private readonly bucket: string;
  private readonly defaultMode: Mode;
  private readonly cache: TtlCache<AccountPolicy>;

  constructor(options: ModeMapPolicyReaderOptions) {
    this.s3 = options.s3;
    this.bucket = options.bucket;
    this.defaultMode = options.defaultMode;
    this.cache = new TtlCache(options.ttlMs ?? 300_000, options.now ?? Date.now);
  }

  /**
   * The account's policy from its mode-map object, or the default when it has none yet.
   *
   * @throws ModeMapUnreadableError when S3 does not answer with the object or its absence.
   * @throws InvalidModeMapEntryError when the object is not a valid entry for the account.
   */
  policyFor(accountId: string): Promise<AccountPolicy> {
    return this.cache.get(accountId, () => this.read(accountId));
  }

  private async read(accountId: string): Promise<AccountPolicy> {
    const key = modeMapKey(accountId);
    let body: string;
    try {
      const response = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!response.Body) throw new Error('GetObject returned no body');
      body = await response.Body.transformToString('utf-8');
    } catch (error) {
      if (isAbsent(error)) return this.absent(accountId, key);
      // S3 may answer a missing object with 403 when it does not count the reader's
      // prefix-limited list permission: one listing of exactly this key tells absent from denied.
      if (isForbidden(error) && (await this.listedEmpty(key))) return this.absent(accountId, key);
      const message = error instanceof Error ? error.message : String(error);
      throw new ModeMapUnreadableError(this.bucket, key, message, awsErrorCode(error), {
        cause: error,
      });
    }
    const parsed = parseModeMapEntry(body, accountId);
    if (!parsed.ok) throw new InvalidModeMapEntryError(key, parsed.issues);
    const { entry } = parsed;
    return {
      accountId,
      ...(entry.accountName !== undefined && { accountName: entry.accountName }),
      mode: entry.mode,
      source: entry.source,
      warnings: entry.warnings ?? [],
    };
  }

  /** `true` when a listing of exactly `key` is allowed and empty; `false` when it is not allowed. */
  private async listedEmpty(key: string): Promise<boolean> {
    try {
      const listing = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: key, MaxKeys: 1 }),
      );
      return (listing.KeyCount ?? listing.Contents?.length ?? 0) === 0;
    } catch {
      return false;
    }
  }

  private absent(accountId: string, key: string): AccountPolicy {
    return {
      accountId,
      mode: this.defaultMode,
      source: { kind: 'default' },
      warnings: [
        `account ${accountId} has no entry in the mode map yet (s3://${this.bucket}/${key}); the deployed default mode ${this.defaultMode} applies`,
      ],
    };
  }
}

function isForbidden(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata
    ?.httpStatusCode;
  return status === 403 || awsErrorCode(error) === 'AccessDenied';
}

function isAbsent(error: unknown): boolean {
  const code = awsErrorCode(error);
  if (code !== undefined && ABSENT_CODES.has(code)) return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata
    ?.httpStatusCode;
  return status === 404 && code !== 'NoSuchBucket';
}
