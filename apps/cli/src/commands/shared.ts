/**
 * Options and wiring that several commands share: AWS access, which accounts and regions to
 * scan, guarded ports and strategy, and the one way an action reports failure.
 */
import { MODES, type Mode, type RemediationStrategy } from '@sg-guard/remediation-core';
import { type Command, Option } from 'commander';
import { z } from 'zod';
import type { AwsAuditOptions } from '../audit/aws-audit.js';
import {
  type DeployedSettings,
  type DeploymentScope,
  type LoadedConfig,
  loadDeployedConfig,
} from '../config/deployed.js';
import { handleError } from '../handle-error.js';
import type { CliIo } from '../io.js';
import {
  accountsOption,
  awsOptions,
  concurrencyOption,
  portListOption,
  portsOption,
  regionsOption,
  roleNameOption,
  strategyChoice,
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

/**
 * `--ports`, `--strategy`. With `fromConfig` (audit, fix) they have no default here: an absent
 * flag means "as the deployed config says" (see {@link resolveDeployedSettings}).
 */
export function addPlanOptions(command: Command, fromConfig = false): Command {
  const strategy = new Option('--strategy <strategy>', 'how to close an exposure').choices([
    'narrow',
    'revoke',
  ]);
  return fromConfig
    ? command
        .option(
          '--ports <list>',
          "ports that must not be open to the internet, comma-separated (default: the config's)",
        )
        .addOption(strategy)
    : command
        .option(
          '--ports <list>',
          'ports that must not be open to the internet, comma-separated',
          '22',
        )
        .addOption(strategy.default('narrow'));
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
      "honour sg-guard:exempt tags on groups (default: the config's allowGroupExemptions)",
    )
    .option('--no-allow-group-exemptions', 'ignore sg-guard:exempt tags whatever the config says')
    .option(
      '--no-org-tags',
      'do not read modes from Organizations tags: every account gets the default mode',
    )
    .addOption(
      new Option(
        '--default-mode <mode>',
        "mode of accounts whose organization tags say nothing (default: the config's defaultMode)",
      ).choices([...MODES]),
    )
    .option(
      '--config <file>',
      'the deployed sg-guard.config.json (default: the repository root one; else built-in defaults)',
    )
    .option(
      '--management-account <id>',
      "the organization's management account, shown as not protected by the StackSet (default: from the config)",
    );
}

/** zod shape of {@link addAwsOptions}. */
export const awsShape = { ...awsOptions, roleName: roleNameOption };

/** zod shape of {@link addPlanOptions}. */
export const planShape = { ports: portsOption, strategy: strategyOption };

/** zod shape of {@link addPlanOptions} with `fromConfig`: absent means "from the config". */
export const configuredPlanShape = {
  ports: portListOption.optional(),
  strategy: strategyChoice.optional(),
};

/** zod shape of {@link addScopeOptions}. */
export const scopeShape = {
  org: z.boolean().default(false),
  accounts: accountsOption.optional(),
  regions: regionsOption.optional(),
  concurrency: concurrencyOption,
  allowGroupExemptions: z.boolean().optional(),
  orgTags: z.boolean().default(true),
  defaultMode: z.enum(MODES as [Mode, ...Mode[]]).optional(),
  config: z.string().min(1, 'name a file').optional(),
  managementAccount: z
    .string()
    .regex(/^\d{12}$/, 'an account id is 12 digits')
    .optional(),
};

/** What `audit`/`fix` were told on the command line about the deployed settings. */
export interface SettingsFlags {
  readonly ports?: readonly number[] | undefined;
  readonly strategy?: RemediationStrategy | undefined;
  readonly defaultMode?: Mode | undefined;
  readonly allowGroupExemptions?: boolean | undefined;
  readonly config?: string | undefined;
  readonly managementAccount?: string | undefined;
}

/** The effective settings of a run: the deployed config's, each flag given overriding it. */
export interface ResolvedSettings extends DeployedSettings {
  /** The config file read; absent when the built-in defaults apply. */
  readonly configFile?: string;
  /** The flags that overrode the config (`--ports`, `--default-mode`…). */
  readonly overrides: readonly string[];
  readonly scope: DeploymentScope;
}

/**
 * Reads the deployed config (`--config`, else the repository's, else built-in defaults) and
 * lets each flag given override its field, so the CLI decides as the Lambdas do unless told
 * otherwise.
 *
 * @throws InputError when `--config` (or the repository's file) cannot be read or is invalid.
 */
export function resolveDeployedSettings(
  flags: SettingsFlags,
  load: (explicit?: string) => LoadedConfig = loadDeployedConfig,
): ResolvedSettings {
  const loaded = load(flags.config);
  const overrides: string[] = [];
  const pick = <K extends keyof DeployedSettings>(key: K, flag: string): DeployedSettings[K] => {
    const given = flags[key] as DeployedSettings[K] | undefined;
    if (given === undefined) return loaded.settings[key];
    overrides.push(flag);
    return given;
  };
  return {
    ports: pick('ports', '--ports'),
    strategy: pick('strategy', '--strategy'),
    defaultMode: pick('defaultMode', '--default-mode'),
    allowGroupExemptions: pick('allowGroupExemptions', '--allow-group-exemptions'),
    ...(loaded.path ? { configFile: loaded.path } : {}),
    overrides,
    scope: {
      ...loaded.scope,
      ...(flags.managementAccount ? { managementAccountId: flags.managementAccount } : {}),
    },
  };
}

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

/** Parsed scope, plan and AWS options of `audit` and `fix`, before the config is applied. */
export interface ScopeAndPlanOptions extends SettingsFlags {
  readonly org: boolean;
  readonly accounts?: readonly string[] | undefined;
  readonly regions?: readonly string[] | undefined;
  readonly concurrency: number;
  readonly orgTags: boolean;
  readonly roleName: string;
  readonly region?: string | undefined;
  readonly endpointUrl?: string | undefined;
}

/**
 * The audit options of a run: the deployed config's settings with the flags on top, the
 * accounts it says are not protected, and where it all came from (recorded in the report).
 */
export function deployedAuditOptions(
  options: ScopeAndPlanOptions,
  load?: (explicit?: string) => LoadedConfig,
): { readonly audit: AwsAuditOptions; readonly settings: ResolvedSettings } {
  const settings = resolveDeployedSettings(options, load);
  return {
    settings,
    audit: {
      org: options.org,
      ...(options.accounts ? { accounts: options.accounts } : {}),
      ...(options.regions ? { regions: options.regions } : {}),
      concurrency: options.concurrency,
      ports: settings.ports,
      strategy: settings.strategy,
      allowGroupExemptions: settings.allowGroupExemptions,
      defaultMode: settings.defaultMode,
      orgTags: options.orgTags,
      roleName: options.roleName,
      ...(options.region ? { region: options.region } : {}),
      ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}),
      scope: settings.scope,
      runSettings: {
        defaultMode: settings.defaultMode,
        allowGroupExemptions: settings.allowGroupExemptions,
        configFile: settings.configFile ?? null,
        overrides: settings.overrides,
      },
    },
  };
}
