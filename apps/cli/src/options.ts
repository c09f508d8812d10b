/**
 * Option schemas shared by the commands. Commander hands over strings; zod turns them into
 * typed settings once, and a failure names the option it came from.
 */
import { z } from 'zod';
import { UsageError } from './errors.js';

const list = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/** `--ports 22,3389` → `[22, 3389]` (unique, ascending); no default. */
export const portListOption = z
  .string()
  .transform(list)
  .pipe(
    z
      .array(
        z
          .string()
          .regex(/^\d{1,5}$/, 'a port is a whole number 0-65535')
          .transform(Number)
          .pipe(z.number().max(65535, 'a port is a whole number 0-65535')),
      )
      .min(1, 'name at least one port'),
  )
  .transform((ports) => [...new Set(ports)].sort((a, b) => a - b));

/** `--ports`, `22` when absent. */
export const portsOption = z.string().default('22').pipe(portListOption);

/** `--strategy narrow|revoke`; no default. */
export const strategyChoice = z.enum(['narrow', 'revoke']);

/** `--strategy`, `narrow` when absent. */
export const strategyOption = strategyChoice.default('narrow');

/** `--accounts 111122223333,444455556666`. */
export const accountsOption = z
  .string()
  .transform(list)
  .pipe(
    z
      .array(z.string().regex(/^\d{12}$/, 'an account id is 12 digits'))
      .min(1, 'name at least one account'),
  )
  .transform((accounts) => [...new Set(accounts)]);

/** `--regions eu-west-1,us-east-1`. */
export const regionsOption = z
  .string()
  .transform(list)
  .pipe(
    z
      .array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'not a region name (like eu-west-1)'))
      .min(1, 'name at least one region'),
  )
  .transform((regions) => [...new Set(regions)]);

/** `--concurrency 8`: account-regions scanned at once. */
export const concurrencyOption = z.coerce
  .number()
  .int('a whole number')
  .min(1, 'at least 1')
  .max(64, 'at most 64')
  .default(8);

/** `--role-name`: the IAM role assumed in each account (name, optionally with a path). */
export const roleNameOption = z
  .string()
  .regex(/^[\w+=,.@/-]{1,512}$/, 'not an IAM role name')
  .default('OrganizationAccountAccessRole');

/** Options every AWS-facing command takes. */
export const awsOptions = {
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'not a region name (like eu-west-1)')
    .optional(),
  endpointUrl: z.url('not a URL').optional(),
};

const flagName = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/**
 * Validates commander's raw options against `schema`.
 *
 * @throws UsageError naming the first bad option, e.g. `--ports: a port is 0-65535`.
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
