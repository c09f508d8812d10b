/**
 * The deployed settings the Lambdas run with, read from `sg-guard.config.json`, so `audit` and
 * `fix` show and do what the remediators do. Only the fields the CLI needs are parsed here (the
 * infra package validates the whole file with `aws-cdk-lib` nearby, which the CLI must not load);
 * every other field is left alone, so a config the infra accepts is accepted here too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, parse as parsePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ACCOUNT_ID_PATTERN,
  DEFAULT_GUARDED_PORTS,
  DEFAULT_MODE,
  DEFAULT_STRATEGY,
  GUARDED_PORT_RANGE,
  MODES,
  type Mode,
  type RemediationStrategy,
  STRATEGIES,
} from '@sg-guard/remediation-core';
import { z } from 'zod';
import { InputError } from '../errors.js';

/** The file's name at the repository root. */
export const CONFIG_FILE_NAME = 'sg-guard.config.json';

/** The remediation settings the CLI takes from the deployed config. */
export interface DeployedSettings {
  readonly ports: readonly number[];
  readonly strategy: RemediationStrategy;
  readonly defaultMode: Mode;
  readonly allowGroupExemptions: boolean;
}

/** What the Lambdas use when the config says nothing (the infra schema's defaults). */
export const BUILT_IN_SETTINGS: DeployedSettings = {
  ports: DEFAULT_GUARDED_PORTS,
  strategy: DEFAULT_STRATEGY,
  defaultMode: DEFAULT_MODE,
  allowGroupExemptions: false,
};

/** Accounts the StackSet never protects, as the config tells (see {@link unprotectedAccounts}). */
export interface DeploymentScope {
  /** The management account, when the config identifies it. */
  readonly managementAccountId?: string;
  /** `targets.excludedAccounts`: accounts of the target OUs that get no member stack. */
  readonly excludedAccounts: readonly string[];
}

/** The settings and where they came from. */
export interface LoadedConfig {
  /** The file read; absent when none was found and the built-in defaults apply. */
  readonly path?: string;
  readonly settings: DeployedSettings;
  readonly scope: DeploymentScope;
}

const accountId = z.string().regex(ACCOUNT_ID_PATTERN, 'must be a 12-digit AWS account id');

// The same rules as infra/lib/config.ts for these fields; loose objects for everything else.
const ConfigFields = z.looseObject({
  remediation: z
    .looseObject({
      ports: z
        .array(z.int().min(GUARDED_PORT_RANGE.min).max(GUARDED_PORT_RANGE.max))
        .min(1)
        .refine((ports) => new Set(ports).size === ports.length, 'must not repeat a port')
        .default([...BUILT_IN_SETTINGS.ports]),
      strategy: z.enum(STRATEGIES).default(BUILT_IN_SETTINGS.strategy),
      defaultMode: z.enum(MODES).default(BUILT_IN_SETTINGS.defaultMode),
      allowGroupExemptions: z.boolean().default(BUILT_IN_SETTINGS.allowGroupExemptions),
    })
    .prefault({}),
  stackSetsAdmin: z.looseObject({ accountId, delegatedAdmin: z.boolean() }).optional(),
  orgReaderRole: z.looseObject({ location: z.string(), accountId }).optional(),
  targets: z.looseObject({ excludedAccounts: z.array(accountId).default([]) }).prefault({}),
});

/**
 * The repository's `sg-guard.config.json`: the nearest directory above `from` (the CLI's own
 * location) that holds both that file and `pnpm-workspace.yaml`. Absent for an installed CLI.
 */
export function findRepositoryConfig(
  from: string = dirname(fileURLToPath(import.meta.url)),
): string | undefined {
  let dir = from;
  const { root } = parsePath(dir);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate) && existsSync(join(dir, 'pnpm-workspace.yaml'))) return candidate;
    if (dir === root) return undefined;
    dir = dirname(dir);
  }
}

/**
 * Parses the fields the CLI needs from a config document.
 *
 * @throws InputError naming the file and each bad field by its JSON path.
 */
export function parseDeployedConfig(document: unknown, path: string): LoadedConfig {
  const result = ConfigFields.safeParse(document);
  if (!result.success) {
    const issues = result.error.issues.map(
      (issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`,
    );
    throw new InputError(path, `not a valid sg-guard config: ${issues.join('; ')}`);
  }
  const { remediation, stackSetsAdmin, orgReaderRole, targets } = result.data;
  // The StackSets admin is the management account unless it is a delegated administrator; the
  // org reader role may sit in the management account too.
  const managementAccountId =
    stackSetsAdmin && !stackSetsAdmin.delegatedAdmin
      ? stackSetsAdmin.accountId
      : orgReaderRole?.location === 'management'
        ? orgReaderRole.accountId
        : undefined;
  return {
    path,
    settings: {
      ports: [...remediation.ports].sort((a, b) => a - b),
      strategy: remediation.strategy,
      defaultMode: remediation.defaultMode,
      allowGroupExemptions: remediation.allowGroupExemptions,
    },
    scope: {
      ...(managementAccountId ? { managementAccountId } : {}),
      excludedAccounts: targets.excludedAccounts,
    },
  };
}

/**
 * Reads the deployed config: `explicit` (`--config`) must exist; otherwise the repository's is
 * used when found, else the built-in defaults (no `path`).
 *
 * @throws InputError when the file cannot be read, is not JSON or its fields are invalid.
 */
export function loadDeployedConfig(
  explicit?: string,
  find: () => string | undefined = findRepositoryConfig,
): LoadedConfig {
  const path = explicit ?? find();
  if (path === undefined) return { settings: BUILT_IN_SETTINGS, scope: { excludedAccounts: [] } };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(path, `cannot read: ${(error as Error).message}`, {
      cause: error,
      hint: 'name the deployed sg-guard.config.json with --config <path>',
    });
  }
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new InputError(path, `not JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseDeployedConfig(document, path);
}
