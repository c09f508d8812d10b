/**
 * Reading one setting of a function's environment, shared by the entry points: the environment
 * is passed in (nothing here reads `process.env`), so a bad deployment fails at cold start with
 * a message that names the variable.
 */
import * as z from 'zod/mini';
import { InvalidSettingsError } from '../errors.js';
import { safeParse } from '../validation.js';

/** An environment as a function receives it (`process.env` at the entry point). */
export type SettingsEnvironment = Readonly<Record<string, string | undefined>>;

/**
 * S3 general purpose bucket naming rules: 3-63 of `a-z 0-9 . -`, starting and ending with a
 * letter or digit.
 */
export const S3_BUCKET_NAME_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Zod schema of an S3 bucket name (the mode-map bucket). */
export const bucketNameSchema = z
  .string()
  .check(z.regex(S3_BUCKET_NAME_PATTERN, 'expected an S3 bucket name'));

/**
 * Reads one variable and parses it with `schema` (any zod schema, mini or classic). Blank counts
 * as unset; an unset variable takes `fallback` (itself parsed), or is an error when there is none.
 *
 * @throws InvalidSettingsError whose message starts with the variable's name and quotes (the
 *   first 80 characters of) the bad value.
 * @example
 * const region = readSetting(process.env, 'AWS_REGION', regionSchema);
 * const attempts = readSetting(env, 'SG_GUARD_ORG_MAX_ATTEMPTS', attemptsSchema, '10');
 */
export function readSetting<T>(
  env: SettingsEnvironment,
  name: string,
  schema: z.core.$ZodType<T, string>,
  fallback?: string,
): T {
  const raw = env[name]?.trim() || fallback;
  if (raw === undefined) throw new InvalidSettingsError(name, 'is required but not set');
  const result = safeParse(schema, raw);
  if (!result.success) {
    const why = result.error.issues.map((issue) => issue.message).join('; ');
    throw new InvalidSettingsError(name, `${why} (got ${JSON.stringify(raw.slice(0, 80))})`);
  }
  return result.data;
}
