/**
 * The publisher side of the mode map: list, compare, write and delete `modes/<accountId>.json`.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { AccountPolicy } from '@sg-guard/remediation-core';
import { awsErrorCode, callAws } from './errors.js';
import {
  accountOfModeMapKey,
  MODE_MAP_KEY_PREFIX,
  type ModeMapEntry,
  modeMapEntryOf,
  modeMapKey,
  parseModeMapEntry,
  sameModeMapContent,
  serializeModeMapEntry,
} from './mode-map-entry.js';

/** Options of {@link ModeMapWriter}. */
export interface ModeMapWriterOptions {
  /** A client for the bucket's region. */
  readonly s3: S3Client;
  readonly bucket: string;
}

/** The mode-map objects in the bucket: account id → ETag (from one listing). */
export type ModeMapListing = ReadonlyMap<string, string>;

/** What {@link ModeMapWriter.publish} did with one account's object. */
export interface PublishedEntry {
  /** `created`: there was none; `updated`: its content differed (or was invalid); else unchanged. */
  readonly outcome: 'created' | 'updated' | 'unchanged';
  /** The object's content now. */
  readonly entry: ModeMapEntry;
  /** Problems of the object that was replaced, when it was not a valid entry. */
  readonly replacedInvalid?: readonly string[];
}

/** An object as last read or written by this container. */
interface KnownObject {
  readonly etag: string;
  /** `undefined` when the object was not a valid entry. */
  readonly entry?: ModeMapEntry;
  readonly issues?: readonly string[];
}

/**
 * Writes the mode map so that an object changes only when its content does: `updatedAt` is
 * kept when mode, name, source and warnings are unchanged, so an unchanged account costs no
 * PutObject and its object's ETag and version stay the same.
 *
 * The comparison needs the current content. It is read with one GetObject, unless this
 * container already read or wrote the object and the listing given to {@link publish} shows the
 * same ETag (S3 gives every new object version a new ETag), so a warm container's full pass over
 * an unchanged organization reads nothing but the listing. A missing listing entry means
 * "absent", without a read.
 *
 * @example
 * const writer = new ModeMapWriter({ s3, bucket: 'sg-guard-modes-111122223333' });
 * const listing = await writer.list();
 * await writer.publish(policy, new Date(), listing);
 * for (const gone of [...listing.keys()].filter((id) => !members.has(id))) await writer.remove(gone);
 */
export class ModeMapWriter {
  private readonly s3: S3Client;
  private readonly bucket: string;
  private readonly known = new Map<string, KnownObject>();

  constructor(options: ModeMapWriterOptions) {
    this.s3 = options.s3;
    this.bucket = options.bucket;
  }

  /** Every `modes/<12 digits>.json` of the bucket (all pages of ListObjectsV2); other keys are left out. */
  async list(): Promise<ModeMapListing> {
    const listing = new Map<string, string>();
    await callAws('s3:ListBucket', async () => {
      const pages = paginateListObjectsV2(
        { client: this.s3 },
        { Bucket: this.bucket, Prefix: MODE_MAP_KEY_PREFIX },
      );
      for await (const page of pages) {
        for (const object of page.Contents ?? []) {
          const accountId = object.Key ? accountOfModeMapKey(object.Key) : undefined;
          if (accountId) listing.set(accountId, object.ETag ?? '');
        }
      }
    });
    return listing;
  }

  /**
   * Makes the account's object say `policy`: written (stamped `now`) when absent, different or
   * invalid; left alone otherwise. With `listing` (from {@link list}, same pass) an account
   * missing from it is taken as absent and a remembered object with the listed ETag is not read.
   */
  async publish(
    policy: AccountPolicy,
    now: Date,
    listing?: ModeMapListing,
  ): Promise<PublishedEntry> {
    const current = await this.current(policy.accountId, listing);
    const kept = current?.entry && modeMapEntryOf(policy, current.entry.updatedAt);
    if (current?.entry && kept && sameModeMapContent(current.entry, kept)) {
      return { outcome: 'unchanged', entry: current.entry };
    }
    const entry = modeMapEntryOf(policy, now.toISOString());
    const key = modeMapKey(policy.accountId);
    const response = await callAws('s3:PutObject', () =>
      this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: serializeModeMapEntry(entry),
          ContentType: 'application/json',
          CacheControl: 'no-cache',
        }),
      ),
    );
    this.known.set(policy.accountId, { etag: response.ETag ?? '', entry });
    return {
      outcome: current ? 'updated' : 'created',
      entry,
      ...(current?.issues && { replacedInvalid: current.issues }),
    };
  }

  /** Deletes the account's object (S3 answers a missing key with success too). */
  async remove(accountId: string): Promise<void> {
    await callAws('s3:DeleteObject', () =>
      this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: modeMapKey(accountId) })),
    );
    this.known.delete(accountId);
  }

  /** The object as it is now: remembered (same ETag as listed), read, or absent. */
  private async current(
    accountId: string,
    listing: ModeMapListing | undefined,
  ): Promise<KnownObject | undefined> {
    const remembered = this.known.get(accountId);
    if (listing) {
      const etag = listing.get(accountId);
      if (etag === undefined) return undefined;
      if (remembered && remembered.etag !== '' && remembered.etag === etag) return remembered;
    }
    const read = await this.read(accountId);
    if (read) this.known.set(accountId, read);
    else this.known.delete(accountId);
    return read;
  }

  private async read(accountId: string): Promise<KnownObject | undefined> {
    const key = modeMapKey(accountId);
    let body: string;
    let etag: string;
    try {
      const response = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      body = (await response.Body?.transformToString('utf-8')) ?? '';
      etag = response.ETag ?? '';
    } catch (error) {
      if (awsErrorCode(error) === 'NoSuchKey') return undefined;
      return callAws('s3:GetObject', () => Promise.reject(error));
    }
    const parsed = parseModeMapEntry(body, accountId);
    return parsed.ok ? { etag, entry: parsed.entry } : { etag, issues: parsed.issues };
  }
}
