/**
 * The deployed settings as `audit` and `fix` apply them: the deployed config's (the one the
 * Lambdas run with), each flag given on the command line overriding its field.
 */
import type { Mode, RemediationStrategy } from '@sg-guard/remediation-core';
import type { AwsAuditOptions } from '../audit/aws-audit.js';
import {
  type DeployedSettings,
  type DeploymentScope,
  type LoadedConfig,
  loadDeployedConfig,
} from '../config/deployed.js';

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
