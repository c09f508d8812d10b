/**
 * The remediator's settings, read once from the environment at cold start and validated, so a
 * bad deployment fails at once with a message that names the variable.
 */
import {
  bucketNameSchema,
  DEFAULT_MODE,
  DEFAULT_STRATEGY,
  GUARDED_PORT_RANGE,
  GUARDED_PORT_RANGE_TEXT,
  LEDGER_TABLE,
  modeTextSchema,
  REGION_PATTERN,
  readSetting,
  type SettingsEnvironment,
  STRATEGIES,
} from '@sg-guard/remediation-core';
// zod/mini, not classic zod: the same parser, but it tree-shakes (a namespace import lets
// esbuild drop what is unused; zod's locales alone are ~260 KiB) and builds schemas cheaply,
// which is cold start. English messages come with the core's `readSetting`.
import * as z from 'zod/mini';
import { REMEDIATOR_ENV, type RemediatorDeployment } from './contract.js';

/**
 * What the handler runs with: the deployment the stack wrote into the environment (see
 * {@link REMEDIATOR_ENV} for each setting's variable), and what the function knows of itself.
 */
export interface RemediatorSettings extends RemediatorDeployment {
  /** The function's own region (`AWS_REGION`); it only acts on groups there. */
  readonly region: string;
  /** The topic's region, from its ARN: the central topic may live in another region. */
  readonly topicRegion: string;
}

const PARTITION = 'aws(?:-cn|-us-gov|-iso|-iso-[a-z])?';
// The core's region pattern without its anchors, to sit inside the topic ARN's pattern.
const REGION = REGION_PATTERN.source.replace(/^\^|\$$/g, '');
const TOPIC_ARN = new RegExp(`^arn:${PARTITION}:sns:(${REGION}):\\d{12}:[A-Za-z0-9_-]{1,256}$`);

const regionSchema = z.string().check(z.regex(REGION_PATTERN, 'expected a region like eu-west-1'));
const topicArnSchema = z
  .string()
  .check(
    z.regex(
      TOPIC_ARN,
      'expected a standard SNS topic ARN like arn:aws:sns:eu-west-1:111122223333:sg-guard-findings',
    ),
  );
const tableNameSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_.-]{3,255}$/, 'expected a DynamoDB table name like sg-guard-ledger'));
const portSchema = z.pipe(
  z.pipe(
    z.string().check(z.regex(/^\d+$/, 'each port must be a whole number')),
    z.transform((text: string) => Number(text)),
  ),
  z
    .int()
    .check(
      z.gte(GUARDED_PORT_RANGE.min, `ports are ${GUARDED_PORT_RANGE_TEXT}`),
      z.lte(GUARDED_PORT_RANGE.max, `ports are ${GUARDED_PORT_RANGE_TEXT}`),
    ),
);
const portsSchema = z.pipe(
  z.pipe(
    z.pipe(
      z.string(),
      z.transform((text: string) => text.split(',').map((part) => part.trim())),
    ),
    z.array(portSchema),
  ),
  z.transform((ports: number[]) => [...new Set(ports)].sort((a, b) => a - b)),
);
const lowerCase = z.pipe(
  z.string(),
  z.transform((text: string) => text.toLowerCase()),
);
const strategySchema = z.pipe(lowerCase, z.enum(STRATEGIES, `expected ${STRATEGIES.join(' or ')}`));
const modeSchema = modeTextSchema;
const booleanSchema = z.pipe(
  z.pipe(lowerCase, z.enum(['true', 'false'], 'expected true or false')),
  z.transform((text: 'true' | 'false') => text === 'true'),
);

/**
 * Reads and validates the remediator's environment.
 *
 * @throws InvalidSettingsError whose message starts with the variable's name.
 * @example
 * const settings = readSettings(process.env); // at cold start, in handler.ts only
 */
export function readSettings(env: SettingsEnvironment): RemediatorSettings {
  const topicArn = readSetting(env, REMEDIATOR_ENV.topicArn, topicArnSchema);
  const bucket = env[REMEDIATOR_ENV.modeBucket]?.trim()
    ? readSetting(env, REMEDIATOR_ENV.modeBucket, bucketNameSchema)
    : undefined;
  const region = readSetting(env, 'AWS_REGION', regionSchema);
  return {
    region,
    topicArn,
    topicRegion: topicArn.split(':')[3] as string,
    ports: readSetting(env, REMEDIATOR_ENV.ports, portsSchema, '22'),
    strategy: readSetting(env, REMEDIATOR_ENV.strategy, strategySchema, DEFAULT_STRATEGY),
    defaultMode: readSetting(env, REMEDIATOR_ENV.defaultMode, modeSchema, DEFAULT_MODE),
    allowGroupExemptions: readSetting(
      env,
      REMEDIATOR_ENV.allowGroupExemptions,
      booleanSchema,
      'false',
    ),
    ledgerTable: readSetting(env, REMEDIATOR_ENV.ledgerTable, tableNameSchema, LEDGER_TABLE.name),
    ...(bucket && {
      modeMap: {
        bucket,
        region: readSetting(env, REMEDIATOR_ENV.modeBucketRegion, regionSchema, region),
      },
    }),
    securityHub: readSetting(env, REMEDIATOR_ENV.securityHub, booleanSchema, 'false'),
  };
}
