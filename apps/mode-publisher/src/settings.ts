/**
 * The mode publisher's settings, read once from the environment at cold start and validated, so
 * a bad deployment fails at once with a message that names the variable.
 */
import {
  bucketNameSchema,
  type Mode,
  modeTextSchema,
  REGION_PATTERN,
  readSetting,
  type SettingsEnvironment,
} from '@sg-guard/remediation-core';
// zod/mini, not classic zod: it tree-shakes (a namespace import lets esbuild drop what is
// unused) and builds schemas cheaply. English messages come with the core's `readSetting`.
import * as z from 'zod/mini';
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

const regionSchema = z.string().check(z.regex(REGION_PATTERN, 'expected a region like us-east-1'));
const modeSchema = modeTextSchema;
const attemptsSchema = z.pipe(
  z.pipe(
    z.string().check(z.regex(/^\d+$/, 'expected a whole number')),
    z.transform((text: string) => Number(text)),
  ),
  z.int().check(z.gte(1, 'at least 1'), z.lte(20, 'at most 20')),
);

/**
 * Reads and validates the mode publisher's environment. The default mode is required (no
 * fallback): objects resolved to the default carry it, so it decides for every untagged account.
 *
 * @throws InvalidSettingsError whose message starts with the variable's name.
 * @example
 * const settings = readSettings(process.env); // at cold start, in handler.ts only
 */
export function readSettings(env: SettingsEnvironment): ModePublisherSettings {
  const region = readSetting(env, 'AWS_REGION', regionSchema);
  return {
    region,
    bucket: readSetting(env, MODE_PUBLISHER_ENV.modeBucket, bucketNameSchema),
    bucketRegion: readSetting(env, MODE_PUBLISHER_ENV.modeBucketRegion, regionSchema, region),
    defaultMode: readSetting(env, MODE_PUBLISHER_ENV.defaultMode, modeSchema),
    orgMaxAttempts: readSetting(env, MODE_PUBLISHER_ENV.orgMaxAttempts, attemptsSchema, '10'),
  };
}
