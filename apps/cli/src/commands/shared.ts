/**
 * Options and wiring that several commands share: AWS access, which accounts and regions to
 * scan, guarded ports and strategy, and the one way an action reports failure.
 */
import {
  DEFAULT_GUARDED_PORTS,
  DEFAULT_STRATEGY,
  MODES,
  STRATEGIES,
} from '@sg-guard/remediation-core';
import { type Command, Option } from 'commander';
import { z } from 'zod';
import { handleError } from '../handle-error.js';
import type { CliIo } from '../io.js';
import {
  accountIdOption,
  accountsOption,
  concurrencyOption,
  endpointUrlOption,
  portListOption,
  regionOption,
  regionsOption,
  roleNameOption,
  strategyChoice,
} from '../options.js';

export {
  deployedAuditOptions,
  type ResolvedSettings,
  resolveDeployedSettings,
  type ScopeAndPlanOptions,
  type SettingsFlags,
} from './deployed-settings.js';

/**
 * One option, declared once: commander is given its flags, description, choices and default;
 * zod is given its schema with the same default (parsed like a typed flag). Flags without a
 * value (`--org`) carry their `false`/`true` in the schema and show no default in `--help`.
 */
export interface OptionSpec {
  /** Commander's flags, e.g. `--ports <list>`. */
  readonly flags: string;
  readonly description: string;
  /** The value's schema, without the default. */
  readonly schema: z.ZodType;
  /** The value when the flag is absent, as typed on the command line (shown in `--help`). */
  readonly default?: string;
  readonly choices?: readonly string[];
  /** The option must be given (commander says so before the action runs). */
  readonly required?: boolean;
}

/** A table of options by the key commander gives their value (`--role-name` → `roleName`). */
export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** The zod shape of a table: each schema, with its default when it has one. */
export type ShapeOf<T extends OptionTable> = { readonly [K in keyof T]: z.ZodType };

/** Adds every option of `table` to `command`. */
export function addOptions(command: Command, table: OptionTable): Command {
  for (const spec of Object.values(table)) {
    const option = new Option(spec.flags, spec.description);
    if (spec.choices) option.choices([...spec.choices]);
    if (spec.default !== undefined) option.default(spec.default);
    if (spec.required) option.makeOptionMandatory();
    command.addOption(option);
  }
  return command;
}

/** The zod shape of `table`, for `z.object({ ...shapeOf(table), … })`. */
export function shapeOf<T extends OptionTable>(
  table: T,
): { [K in keyof T]: T[K]['schema'] | z.ZodPrefault<T[K]['schema']> } {
  return Object.fromEntries(
    Object.entries(table).map(([key, spec]) => [
      key,
      spec.default === undefined ? spec.schema : spec.schema.prefault(spec.default),
    ]),
  ) as { [K in keyof T]: T[K]['schema'] | z.ZodPrefault<T[K]['schema']> };
}

/** `--json`, which every command takes. */
export const JSON_OPTION = {
  json: { flags: '--json', description: 'print JSON', schema: z.boolean().default(false) },
} as const satisfies OptionTable;

/** `--yes` of the commands that change groups (fix, undo). */
export const YES_OPTION = {
  yes: { flags: '--yes', description: 'apply without asking', schema: z.boolean().default(false) },
} as const satisfies OptionTable;

/** `--fail-on-findings` of explain and audit. */
export const FAIL_ON_FINDINGS_OPTION = {
  failOnFindings: {
    flags: '--fail-on-findings',
    description: 'exit 2 when any group is exposed',
    schema: z.boolean().default(false),
  },
} as const satisfies OptionTable;

/** `--region`, `--endpoint-url`, `--role-name`. */
export const AWS_OPTIONS = {
  region: {
    flags: '--region <region>',
    description: "region for STS, Organizations and DescribeRegions (default: the SDK's)",
    schema: regionOption.optional(),
  },
  endpointUrl: {
    flags: '--endpoint-url <url>',
    description: 'send every AWS call to this endpoint (as AWS_ENDPOINT_URL does)',
    schema: endpointUrlOption.optional(),
  },
  roleName: {
    flags: '--role-name <name>',
    description: "role assumed in each account other than the caller's",
    schema: roleNameOption,
    default: 'OrganizationAccountAccessRole',
  },
} as const satisfies OptionTable;

/** `--ports`, `--strategy` for commands that decide offline (explain). */
export const PLAN_OPTIONS = {
  ports: {
    flags: '--ports <list>',
    description: 'ports that must not be open to the internet, comma-separated',
    schema: portListOption,
    default: DEFAULT_GUARDED_PORTS.join(','),
  },
  strategy: {
    flags: '--strategy <strategy>',
    description: 'how to close an exposure',
    schema: strategyChoice,
    choices: STRATEGIES,
    default: DEFAULT_STRATEGY,
  },
} as const satisfies OptionTable;

/**
 * `--ports`, `--strategy` for audit and fix: no default here, an absent flag means "as the
 * deployed config says" (see {@link resolveDeployedSettings}).
 */
export const CONFIGURED_PLAN_OPTIONS = {
  ports: {
    flags: '--ports <list>',
    description:
      "ports that must not be open to the internet, comma-separated (default: the config's)",
    schema: portListOption.optional(),
  },
  strategy: {
    flags: '--strategy <strategy>',
    description: 'how to close an exposure',
    schema: strategyChoice.optional(),
    choices: STRATEGIES,
  },
} as const satisfies OptionTable;

/**
 * `--org`, `--accounts`, `--regions`, `--concurrency`, `--allow-group-exemptions`,
 * `--no-org-tags`, `--default-mode`, `--config`, `--management-account`.
 */
export const SCOPE_OPTIONS = {
  org: {
    flags: '--org',
    description:
      'every active account of the organization (needs management or delegated-admin credentials)',
    schema: z.boolean().default(false),
  },
  accounts: {
    flags: '--accounts <ids>',
    description: "these accounts, comma-separated (default: the caller's account)",
    schema: accountsOption.optional(),
  },
  regions: {
    flags: '--regions <list>',
    description: 'these regions, comma-separated (default: every enabled region of each account)',
    schema: regionsOption.optional(),
  },
  concurrency: {
    flags: '--concurrency <n>',
    description: 'account-regions scanned at once',
    schema: concurrencyOption,
    default: '8',
  },
  allowGroupExemptions: {
    flags: '--allow-group-exemptions',
    description:
      "honour sg-guard:exempt tags on groups (default: the config's allowGroupExemptions)",
    schema: z.boolean().optional(),
  },
  // Commander gives the same key to the negated flag; its schema is the one above.
  noAllowGroupExemptions: {
    flags: '--no-allow-group-exemptions',
    description: 'ignore sg-guard:exempt tags whatever the config says',
    schema: z.never().optional(),
  },
  orgTags: {
    flags: '--no-org-tags',
    description: 'do not read modes from Organizations tags: every account gets the default mode',
    schema: z.boolean().default(true),
  },
  defaultMode: {
    flags: '--default-mode <mode>',
    description:
      "mode of accounts whose organization tags say nothing (default: the config's defaultMode)",
    schema: z.enum(MODES).optional(),
    choices: MODES,
  },
  config: {
    flags: '--config <file>',
    description:
      'the deployed sg-guard.config.json (default: the repository root one; else built-in defaults)',
    schema: z.string().min(1, 'name a file').optional(),
  },
  managementAccount: {
    flags: '--management-account <id>',
    description:
      "the organization's management account, shown as not protected by the StackSet (default: from the config)",
    schema: accountIdOption.optional(),
  },
} as const satisfies OptionTable;

/** Adds {@link AWS_OPTIONS}. */
export function addAwsOptions(command: Command): Command {
  return addOptions(command, AWS_OPTIONS);
}

/** Adds {@link PLAN_OPTIONS}, or with `fromConfig` (audit, fix) {@link CONFIGURED_PLAN_OPTIONS}. */
export function addPlanOptions(command: Command, fromConfig = false): Command {
  return addOptions(command, fromConfig ? CONFIGURED_PLAN_OPTIONS : PLAN_OPTIONS);
}

/** Adds {@link SCOPE_OPTIONS}. */
export function addScopeOptions(command: Command): Command {
  return addOptions(command, SCOPE_OPTIONS);
}

/** zod shape of {@link addAwsOptions}. */
export const awsShape = shapeOf(AWS_OPTIONS);

/** zod shape of {@link addPlanOptions}. */
export const planShape = shapeOf(PLAN_OPTIONS);

/** zod shape of {@link addPlanOptions} with `fromConfig`: absent means "from the config". */
export const configuredPlanShape = shapeOf(CONFIGURED_PLAN_OPTIONS);

/** zod shape of {@link addScopeOptions} (the negated exemption flag shares its key). */
const { noAllowGroupExemptions: _negated, ...scopeSchemas } = shapeOf(SCOPE_OPTIONS);
export const scopeShape = scopeSchemas;

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
