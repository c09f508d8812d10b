/**
 * One object of the mode map: `modes/<accountId>.json` in the mode bucket, written by the mode
 * publisher (management account) and read by each member's remediator. The shape lives here,
 * once, for both sides.
 */
import {
  ACCOUNT_ID_PATTERN,
  type AccountPolicy,
  type Mode,
  parseMode,
} from '@sg-guard/remediation-core';

/** Key prefix of every mode-map object (the bucket policy grants `modes/<own account>.json`). */
export const MODE_MAP_KEY_PREFIX = 'modes/';

const ACCOUNT_ID = ACCOUNT_ID_PATTERN;
const KEY = /^modes\/(\d{12})\.json$/;

/** Where `source.kind` is a level of the organization, the id's shape for that level. */
const SOURCE_ID: Record<'account' | 'ou' | 'root', RegExp> = {
  account: ACCOUNT_ID,
  ou: /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/,
  root: /^r-[0-9a-z]{4,32}$/,
};

/**
 * The content of one mode-map object. `warnings` (tag values that were present but not a mode)
 * is written only when there are some, so the remediator's notice can still say so.
 */
export interface ModeMapEntry {
  readonly accountId: string;
  readonly accountName?: string;
  readonly mode: Mode;
  /** As the core's {@link AccountPolicy} `source`: the level whose tag decided, or `default`. */
  readonly source: AccountPolicy['source'];
  /** ISO-8601 time of the last change of mode, name or source (not of the last pass). */
  readonly updatedAt: string;
  readonly warnings?: readonly string[];
}

/**
 * `modes/<accountId>.json`.
 *
 * @example
 * modeMapKey('111122223333'); // → 'modes/111122223333.json'
 */
export function modeMapKey(accountId: string): string {
  return `${MODE_MAP_KEY_PREFIX}${accountId}.json`;
}

/** The account id of a mode-map key, or `undefined` for any other key (left alone). */
export function accountOfModeMapKey(key: string): string | undefined {
  return KEY.exec(key)?.[1];
}

/** The entry for a resolved policy, stamped `updatedAt`. */
export function modeMapEntryOf(policy: AccountPolicy, updatedAt: string): ModeMapEntry {
  return {
    accountId: policy.accountId,
    ...(policy.accountName !== undefined && { accountName: policy.accountName }),
    mode: policy.mode,
    source: policy.source,
    updatedAt,
    ...(policy.warnings.length > 0 && { warnings: [...policy.warnings] }),
  };
}

/** True when two entries say the same thing (everything but `updatedAt`). */
export function sameModeMapContent(a: ModeMapEntry, b: ModeMapEntry): boolean {
  return (
    serializeModeMapEntry({ ...a, updatedAt: '' }) ===
    serializeModeMapEntry({ ...b, updatedAt: '' })
  );
}

/** The object's body: JSON with a fixed key order, so equal entries are equal bytes. */
export function serializeModeMapEntry(entry: ModeMapEntry): string {
  const source =
    entry.source.kind === 'default'
      ? { kind: 'default' }
      : { kind: entry.source.kind, id: entry.source.id };
  return JSON.stringify({
    accountId: entry.accountId,
    ...(entry.accountName !== undefined && { accountName: entry.accountName }),
    mode: entry.mode,
    source,
    updatedAt: entry.updatedAt,
    ...(entry.warnings && entry.warnings.length > 0 && { warnings: entry.warnings }),
  });
}

/** What {@link parseModeMapEntry} found: the entry, or every problem of the object. */
export type ModeMapEntryParse =
  | { readonly ok: true; readonly entry: ModeMapEntry }
  | { readonly ok: false; readonly issues: readonly string[] };

/**
 * Reads an object's body back, strictly: JSON, the fields above with their shapes, and the
 * account id the key names. Unknown extra fields are tolerated (a newer publisher may add some).
 * Hand-written because `@sg-guard/aws` has no zod dependency; the checks are those of the shape.
 *
 * @example
 * const parsed = parseModeMapEntry(body, '111122223333');
 * if (!parsed.ok) throw new InvalidModeMapEntryError(key, parsed.issues);
 */
export function parseModeMapEntry(body: string, expectedAccountId: string): ModeMapEntryParse {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return { ok: false, issues: [`not JSON (${(error as Error).message})`] };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, issues: ['not a JSON object'] };
  }
  const value = json as Record<string, unknown>;
  const issues: string[] = [];
  const { accountId, accountName, mode, source, updatedAt, warnings } = value;
  if (typeof accountId !== 'string' || !ACCOUNT_ID.test(accountId)) {
    issues.push('accountId: expected a 12-digit account id');
  } else if (accountId !== expectedAccountId) {
    issues.push(`accountId: is ${accountId}, but the object is ${expectedAccountId}'s`);
  }
  if (accountName !== undefined && typeof accountName !== 'string') {
    issues.push('accountName: expected a string');
  }
  const parsedMode = typeof mode === 'string' ? parseMode(mode) : undefined;
  if (parsedMode === undefined || parsedMode !== mode) {
    issues.push('mode: expected enforce, notify or off');
  }
  const parsedSource = parseSource(source, issues);
  if (typeof updatedAt !== 'string' || Number.isNaN(Date.parse(updatedAt))) {
    issues.push('updatedAt: expected an ISO-8601 time');
  }
  if (
    warnings !== undefined &&
    !(Array.isArray(warnings) && warnings.every((warning) => typeof warning === 'string'))
  ) {
    issues.push('warnings: expected a list of strings');
  }
  if (issues.length > 0 || parsedMode === undefined || parsedSource === undefined) {
    return { ok: false, issues };
  }
  return {
    ok: true,
    entry: {
      accountId: accountId as string,
      ...(typeof accountName === 'string' && { accountName }),
      mode: parsedMode,
      source: parsedSource,
      updatedAt: updatedAt as string,
      ...(Array.isArray(warnings) && warnings.length > 0 && { warnings: warnings as string[] }),
    },
  };
}

function parseSource(source: unknown, issues: string[]): AccountPolicy['source'] | undefined {
  if (typeof source !== 'object' || source === null) {
    issues.push('source: expected an object');
    return undefined;
  }
  const { kind, id } = source as { kind?: unknown; id?: unknown };
  if (kind === 'default') return { kind: 'default' };
  if (kind !== 'account' && kind !== 'ou' && kind !== 'root') {
    issues.push('source.kind: expected account, ou, root or default');
    return undefined;
  }
  if (typeof id !== 'string' || !SOURCE_ID[kind].test(id)) {
    issues.push(`source.id: expected the id of the ${kind}`);
    return undefined;
  }
  return { kind, id };
}
