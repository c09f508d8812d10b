/**
 * The remediator's settings, read once from the environment at cold start and validated, so a
 * bad deployment fails at once with a message that names the variable.
 */
import {
  InvalidSettingsError,
  MODES,
  type Mode,
  parseMode,
  type RemediationStrategy,
} from '@sg-guard/remediation-core';
// A namespace import lets esbuild drop what is unused (zod's locales alone are ~260 KiB).
import * as z from 'zod';

/** What the handler runs with. */
export interface RemediatorSettings {
  /** The function's own region (`AWS_REGION`); it only acts on groups there. */
  readonly region: string;
  /** The central topic (`SG_GUARD_TOPIC_ARN`). */
  readonly topicArn: string;
  /** The topic's region, from its ARN: the central topic may live in another region. */
  readonly topicRegion: string;
  /** Ports that must not be open to the internet (`SG_GUARD_PORTS`), ascending, unique. */
  readonly ports: readonly number[];
  readonly strategy: RemediationStrategy;
  /** Mode when no organization tag decides (`SG_GUARD_DEFAULT_MODE`). */
  readonly defaultMode: Mode;
  /** Read-only role for organization tags (`SG_GUARD_ORG_READER_ROLE_ARN`); none: default mode. */
  readonly orgReaderRoleArn?: string;
  readonly allowGroupExemptions: boolean;
}

const PARTITION = 'aws(?:-cn|-us-gov|-iso|-iso-[a-z])?';
const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d+';
const TOPIC_ARN = new RegExp(`^arn:${PARTITION}:sns:(${REGION}):\\d{12}:[A-Za-z0-9_-]{1,256}$`);
const ROLE_ARN = new RegExp(`^arn:${PARTITION}:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}$`);

const regionSchema = z
  .string()
  .regex(new RegExp(`^${REGION}$`), 'expected a region like eu-west-1');
const topicArnSchema = z
  .string()
  .regex(
    TOPIC_ARN,
    'expected a standard SNS topic ARN like arn:aws:sns:eu-west-1:111122223333:sg-guard-findings',
  );
const roleArnSchema = z
  .string()
  .regex(
    ROLE_ARN,
    'expected an IAM role ARN like arn:aws:iam::111122223333:role/sg-guard-org-reader',
  );
const portsSchema = z
  .string()
  .transform((text) => text.split(',').map((part) => part.trim()))
  .pipe(
    z.array(
      z
        .string()
        .regex(/^\d+$/, 'each port must be a whole number')
        .transform(Number)
        .pipe(z.number().int().min(1, 'ports are 1-65535').max(65535, 'ports are 1-65535')),
    ),
  )
  .transform((ports) => [...new Set(ports)].sort((a, b) => a - b));
const strategySchema = z
  .string()
  .transform((text) => text.toLowerCase())
  .pipe(z.enum(['narrow', 'revoke'], 'expected narrow or revoke'));
const modeSchema = z.string().transform((text, context) => {
  const mode = parseMode(text);
  if (mode === undefined) {
    context.addIssue({ code: 'custom', message: `expected one of ${MODES.join(', ')}` });
    return z.NEVER;
  }
  return mode;
});
const booleanSchema = z
  .string()
  .transform((text) => text.toLowerCase())
  .pipe(z.enum(['true', 'false'], 'expected true or false'))
  .transform((text) => text === 'true');

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
 * Reads and validates the remediator's environment.
 *
 * @throws InvalidSettingsError whose message starts with the variable's name.
 * @example
 * const settings = readSettings(process.env); // at cold start, in handler.ts only
 */
export function readSettings(
  env: Readonly<Record<string, string | undefined>>,
): RemediatorSettings {
  const topicArn = read(env, 'SG_GUARD_TOPIC_ARN', topicArnSchema);
  const orgReaderRoleArn = env.SG_GUARD_ORG_READER_ROLE_ARN?.trim()
    ? read(env, 'SG_GUARD_ORG_READER_ROLE_ARN', roleArnSchema)
    : undefined;
  return {
    region: read(env, 'AWS_REGION', regionSchema),
    topicArn,
    topicRegion: topicArn.split(':')[3] as string,
    ports: read(env, 'SG_GUARD_PORTS', portsSchema, '22'),
    strategy: read(env, 'SG_GUARD_STRATEGY', strategySchema, 'narrow'),
    defaultMode: read(env, 'SG_GUARD_DEFAULT_MODE', modeSchema, 'enforce'),
    ...(orgReaderRoleArn ? { orgReaderRoleArn } : {}),
    allowGroupExemptions: read(env, 'SG_GUARD_ALLOW_GROUP_EXEMPTIONS', booleanSchema, 'false'),
  };
}
