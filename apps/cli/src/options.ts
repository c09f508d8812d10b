/**
 * Option schemas shared by the commands. Commander hands over strings; zod turns them into
 * typed settings once, and a failure names the option it came from.
 */
import {
  ACCOUNT_ID_PATTERN,
  GUARDED_PORT_RANGE,
  GUARDED_PORT_RANGE_TEXT,
  REGION_PATTERN,
  STRATEGIES,
} from '@sg-guard/remediation-core';
import { z } from 'zod';
import { UsageError } from './errors.js';

const list = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

const PORT_MESSAGE = `a port is a whole number ${GUARDED_PORT_RANGE_TEXT}`;

/** `--ports 22,3389` → `[22, 3389]` (unique, ascending); no default. */
export const portListOption = z
  .string()
  .transform(list)
  .pipe(
    z
      .array(
        z
          .string()
          .regex(/^\d{1,5}$/, PORT_MESSAGE)
          .transform(Number)
          .pipe(
            z
              .number()
              .min(GUARDED_PORT_RANGE.min, PORT_MESSAGE)
              .max(GUARDED_PORT_RANGE.max, PORT_MESSAGE),
          ),
      )
      .min(1, 'name at least one port'),
  )
  .transform((ports) => [...new Set(ports)].sort((a, b) => a - b));

/** `--strategy narrow|revoke`; no default. */
export const strategyChoice = z.enum(STRATEGIES);

const ACCOUNT_ID_MESSAGE = 'an account id is 12 digits';

/** `--account 111122223333`. */
export const accountIdOption = z.string().regex(ACCOUNT_ID_PATTERN, ACCOUNT_ID_MESSAGE);

const REGION_MESSAGE = 'not a region name (like eu-west-1)';

/** `--region eu-west-1`. */
export const regionOption = z.string().regex(REGION_PATTERN, REGION_MESSAGE);

/** `--accounts 111122223333,444455556666`. */
export const accountsOption = z
  .string()
  .transform(list)
  .pipe(
    z
      .array(z.string().regex(ACCOUNT_ID_PATTERN, ACCOUNT_ID_MESSAGE))
      .min(1, 'name at least one account'),
  )
  .transform((accounts) => [...new Set(accounts)]);

/** `--regions eu-west-1,us-east-1`. */
export const regionsOption = z
  .string()
  .transform(list)
  .pipe(z.array(regionOption).min(1, 'name at least one region'))
  .transform((regions) => [...new Set(regions)]);

/** `--concurrency 8`: account-regions scanned at once; no default (see the option table). */
export const concurrencyOption = z.coerce
  .number()
  .int('a whole number')
  .min(1, 'at least 1')
  .max(64, 'at most 64');

/** `--role-name`: the IAM role assumed in each account (name, optionally with a path). */
export const roleNameOption = z.string().regex(/^[\w+=,.@/-]{1,512}$/, 'not an IAM role name');

/** `--endpoint-url`. */
export const endpointUrlOption = z.url('not a URL');

const flagName = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/**
 * Validates commander's raw options against `schema`.
 *
 * @throws UsageError naming the first bad option, e.g. `--ports: a port is 1-65535`.
 */
export function parseOptions<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const messages = result.error.issues.map((issue) => {
    const [key] = issue.path;
    return typeof key === 'string' ? `${flagName(key)}: ${issue.message}` : issue.message;
  });
  throw new UsageError([...new Set(messages)].join('; '));
}
