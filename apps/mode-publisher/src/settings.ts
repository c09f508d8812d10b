/**
 * The mode publisher's settings, read once from the environment at cold start and validated, so
 * a bad deployment fails at once with a message that names the variable.
 */
import {
  InvalidSettingsError,
  type Mode,
  modeTextSchema,
  REGION_PATTERN,
} from '@sg-guard/remediation-core';
// A namespace import lets esbuild drop what is unused.
import * as z from 'zod';
import { MODE_PUBLISHER_ENV } from './contract.js';

/** What the handler runs with. */
export interface ModePublisherSettings {
  /** The function's region (`AWS_REGION`). */
  readonly region: string;
  /** The mode-map bucket (`SG_GUARD_MODE_BUCKET`). */
  readonly bucket: string;
  /** The bucket's region (`SG_GUARD_MODE_BUCKET_REGION`, default `region`). */
  readonly bucketRegion: string;
  /** Mode when no organization tag decides (`SG_GUARD_DEFAULT_MODE`, required). */
  readonly defaultMode: Mode;
  /** SDK attempts per Organizations call (`SG_GUARD_ORG_MAX_ATTEMPTS`, default 10). */
  readonly orgMaxAttempts: number;
}

const regionSchema = z.string().regex(REGION_PATTERN, 'expected a region like us-east-1');
// S3 bucket naming rules (general purpose buckets): 3-63 of a-z 0-9 . -, starting and ending
// with a letter or digit.
const bucketSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected an S3 bucket name');
const modeSchema = modeTextSchema;
const attemptsSchema = z
  .string()
  .regex(/^\d+$/, 'expected a whole number')
  .transform(Number)
  .pipe(z.number().int().min(1, 'at least 1').max(20, 'at most 20'));

/** One variable: blank counts as unset; a bad value throws naming the variable. */
function read<T>(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  schema: z.ZodType<T, string>,
  fallback?: string,
): T {
  const raw = env[name]?.trim() || fallback;
  if (raw === undefined) throw new InvalidSettingsError(name, 'is required but not set');
  const result = schema.safeParse(raw);
  if (!result.success) {
    const why = result.error.issues.map((issue) => issue.message).join('; ');
    throw new InvalidSettingsError(name, `${why} (got ${JSON.stringify(raw.slice(0, 80))})`);
  }
  return result.data;
}

/**
 * Reads and validates the mode publisher's environment. The default mode is required (no
 * fallback): objects resolved to the default carry it, so it decides for every untagged account.
 *
 * @throws InvalidSettingsError whose message starts with the variable's name.
 * @example
 * const settings = readSettings(process.env); // at cold start, in handler.ts only
 */
export function readSettings(
  env: Readonly<Record<string, string | undefined>>,
): ModePublisherSettings {
  const region = read(env, 'AWS_REGION', regionSchema);
  return {
    region,
    bucket: read(env, MODE_PUBLISHER_ENV.modeBucket, bucketSchema),
    bucketRegion: read(env, MODE_PUBLISHER_ENV.modeBucketRegion, regionSchema, region),
    defaultMode: read(env, MODE_PUBLISHER_ENV.defaultMode, modeSchema),
    orgMaxAttempts: read(env, MODE_PUBLISHER_ENV.orgMaxAttempts, attemptsSchema, '10'),
  };
}
