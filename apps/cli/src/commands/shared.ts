/**
 * Options and wiring that several commands share: AWS access, which accounts and regions to
 * scan, guarded ports and strategy, and the one way an action reports failure.
 */
import { type Command, Option } from 'commander';
import { z } from 'zod';
import { handleError } from '../handle-error.js';
import type { CliIo } from '../io.js';
import {
  accountsOption,
  awsOptions,
  concurrencyOption,
  portsOption,
  regionsOption,
  roleNameOption,
  strategyOption,
} from '../options.js';

/** `--region`, `--endpoint-url`, `--role-name`. */
export function addAwsOptions(command: Command): Command {
  return command
    .option(
      '--region <region>',
      "region for STS, Organizations and DescribeRegions (default: the SDK's)",
    )
    .option(
      '--endpoint-url <url>',
      'send every AWS call to this endpoint (as AWS_ENDPOINT_URL does)',
    )
    .option(
      '--role-name <name>',
      "role assumed in each account other than the caller's",
      'OrganizationAccountAccessRole',
    );
}

/** `--ports`, `--strategy`. */
export function addPlanOptions(command: Command): Command {
  return command
    .option('--ports <list>', 'ports that must not be open to the internet, comma-separated', '22')
    .addOption(
      new Option('--strategy <strategy>', 'how to close an exposure')
        .choices(['narrow', 'revoke'])
        .default('narrow'),
    );
}

/**
 * `--org`, `--accounts`, `--regions`, `--concurrency`, `--allow-group-exemptions`,
 * `--no-org-tags`, `--default-mode`.
 */
export function addScopeOptions(command: Command): Command {
  return command
    .option(
      '--org',
      'every active account of the organization (needs management or delegated-admin credentials)',
    )
    .option('--accounts <ids>', "these accounts, comma-separated (default: the caller's account)")
    .option(
      '--regions <list>',
      'these regions, comma-separated (default: every enabled region of each account)',
    )
    .option('--concurrency <n>', 'account-regions scanned at once', '8')
    .option(
      '--allow-group-exemptions',
      'honour sg-guard:exempt tags on groups (off by default, as in the Lambda)',
    )
    .option(
      '--no-org-tags',
      'do not read modes from Organizations tags: every account gets --default-mode',
    )
    .addOption(
      new Option('--default-mode <mode>', 'mode of accounts whose organization tags say nothing')
        .choices(['enforce', 'notify', 'off'])
        .default('enforce'),
    );
}

/** zod shape of {@link addAwsOptions}. */
export const awsShape = { ...awsOptions, roleName: roleNameOption };

/** zod shape of {@link addPlanOptions}. */
export const planShape = { ports: portsOption, strategy: strategyOption };

/** zod shape of {@link addScopeOptions}. */
export const scopeShape = {
  org: z.boolean().default(false),
  accounts: accountsOption.optional(),
  regions: regionsOption.optional(),
  concurrency: concurrencyOption,
  allowGroupExemptions: z.boolean().default(false),
  orgTags: z.boolean().default(true),
  defaultMode: z.enum(['enforce', 'notify', 'off']).default('enforce'),
};

/**
 * Runs a command's action; any error goes through the one `handleError` (exit code 1). The
 * action returns the exit code it earned.
 */
export function action<A extends unknown[]>(
  io: CliIo,
  run: (...args: A) => Promise<number>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const options = args.find(
      (arg): arg is { json?: unknown } => typeof arg === 'object' && arg !== null && 'json' in arg,
    );
    try {
      io.exitCode = await run(...args);
    } catch (error) {
      handleError(error, io, options?.json === true);
    }
  };
}
