import * as z from 'zod/mini';
import { InvalidSettingsError } from '../errors.js';
import type { AccountPolicy, Mode, PolicyLevel } from '../model.js';

/** Organizations tag key that sets an account's (or OU's, or the root's) mode. */
export const MODE_TAG_KEY = 'sg-guard:mode';

/** Every mode, in the order people read them. */
export const MODES = ['enforce', 'notify', 'off'] as const satisfies readonly Mode[];

/** The mode of an account no organization tag (and no setting) decides: enforce. */
export const DEFAULT_MODE: Mode = 'enforce';

/**
 * Reads a mode written by a person: trimmed and case-insensitive (`' Notify '` → `notify`).
 * Returns `undefined` for anything else, including an empty value.
 *
 * @example
 * parseMode('ENFORCE'); // → 'enforce'
 * parseMode('audit');   // → undefined
 */
export function parseMode(text: string): Mode | undefined {
  const value = text.trim().toLowerCase();
  return MODES.find((mode) => mode === value);
}

/**
 * Zod schema of a mode written in a setting (an environment variable): {@link parseMode}'s
 * reading, and `expected one of enforce, notify, off` otherwise.
 */
export const modeTextSchema = z.pipe(
  z.string(),
  z.transform((text: string, payload): Mode => {
    const mode = parseMode(text);
    if (mode === undefined) {
      // A mini transform gets the bare payload (no `addIssue`): the issue goes in as is.
      payload.issues.push({
        code: 'custom',
        message: `expected one of ${MODES.join(', ')}`,
        input: text,
      });
      return z.NEVER;
    }
    return mode;
  }),
);

/**
 * {@link parseMode} for settings: the mode, or an {@link InvalidSettingsError} naming `setting`.
 *
 * @example
 * requireMode(process.env.DEFAULT_MODE ?? 'enforce', 'DEFAULT_MODE');
 */
export function requireMode(text: string, setting: string): Mode {
  const mode = parseMode(text);
  if (mode === undefined) {
    throw new InvalidSettingsError(
      setting,
      `unknown mode ${JSON.stringify(clipValue(text))}; expected ${MODES.join(', ')}`,
    );
  }
  return mode;
}

/** Tag values may be up to 256 characters; a warning quotes at most the start. */
function clipValue(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** What {@link resolveAccountPolicy} needs. */
export interface ResolveAccountPolicyInput {
  readonly accountId: string;
  readonly accountName?: string;
  /** Tags of the account, then of its OUs from the nearest upward, then of the root. */
  readonly chain: readonly PolicyLevel[];
  /** The deployed default, used when no level has a valid `sg-guard:mode` tag. */
  readonly defaultMode: Mode;
}

/**
 * The mode that applies to an account: the nearest level of `chain` with a valid
 * `sg-guard:mode` tag wins (account, then OUs upward, then root), else `defaultMode`. A value
 * that is not a mode is skipped (the search continues upward) and reported in `warnings`.
 *
 * @example
 * resolveAccountPolicy({
 *   accountId: '111122223333',
 *   chain: [
 *     { kind: 'account', id: '111122223333', tags: {} },
 *     { kind: 'ou', id: 'ou-ab12-34cd56ef', tags: { 'sg-guard:mode': 'notify' } },
 *     { kind: 'root', id: 'r-ab12', tags: { 'sg-guard:mode': 'enforce' } },
 *   ],
 *   defaultMode: 'enforce',
 * });
 * // → { accountId: '111122223333', mode: 'notify', source: { kind: 'ou', id: 'ou-ab12-34cd56ef' }, warnings: [] }
 */
export function resolveAccountPolicy(input: ResolveAccountPolicyInput): AccountPolicy {
  const warnings: string[] = [];
  const identity = {
    accountId: input.accountId,
    ...(input.accountName !== undefined && { accountName: input.accountName }),
  };
  for (const level of input.chain) {
    const value = level.tags[MODE_TAG_KEY];
    if (value === undefined) continue;
    const mode = parseMode(value);
    if (mode !== undefined) {
      return { ...identity, mode, source: { kind: level.kind, id: level.id }, warnings };
    }
    warnings.push(
      `${MODE_TAG_KEY} on ${level.kind} ${level.id} is ${JSON.stringify(clipValue(value))}, not one of ${MODES.join(', ')}; ignored`,
    );
  }
  return { ...identity, mode: input.defaultMode, source: { kind: 'default' }, warnings };
}
