import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveDeployedSettings } from '../../../src/commands/shared.js';
import {
  BUILT_IN_SETTINGS,
  findRepositoryConfig,
  loadDeployedConfig,
} from '../../../src/config/deployed.js';
import { InputError } from '../../../src/errors.js';

const REPOSITORY = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', '..');
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sg-guard-config-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

async function configFile(name: string, content: string): Promise<string> {
  const file = join(work, name);
  await writeFile(file, content);
  return file;
}

describe('the deployed config', () => {
  it("finds the repository's sg-guard.config.json from the CLI's own location", () => {
    // Act
    const found = findRepositoryConfig();

    // Assess
    expect(found).toBe(join(REPOSITORY, 'sg-guard.config.json'));
  });

  it('finds none outside a repository', () => {
    expect(findRepositoryConfig(tmpdir())).toBeUndefined();
  });

  it("reads the repository's config: the documented rollout deploys notify", () => {
    // Act
    const loaded = loadDeployedConfig();

    // Assess
    expect(loaded.path).toBe(join(REPOSITORY, 'sg-guard.config.json'));
    expect(loaded.settings).toEqual({
      ports: [22],
      strategy: 'narrow',
      defaultMode: 'notify',
      allowGroupExemptions: false,
    });
  });

  it('uses the built-in defaults when no config is found', () => {
    // Act
    const loaded = loadDeployedConfig(undefined, () => undefined);

    // Assess
    expect(loaded).toEqual({ settings: BUILT_IN_SETTINGS, scope: { excludedAccounts: [] } });
    expect(BUILT_IN_SETTINGS.defaultMode).toBe('enforce');
  });

  it('fails, naming the file, when --config names a file that is not there', () => {
    // Prepare
    const missing = join(work, 'nowhere.json');

    // Act
    const load = () => loadDeployedConfig(missing);

    // Assess
    expect(load).toThrow(InputError);
    expect(load).toThrow(`${missing}: cannot read`);
  });

  it('rejects a bad field by its path, with the same rules as the infra config', async () => {
    // Prepare
    const file = await configFile(
      'bad.json',
      JSON.stringify({ remediation: { ports: [22, 22], defaultMode: 'loud' } }),
    );

    // Act
    const load = () => loadDeployedConfig(file);

    // Assess
    expect(load).toThrow(/remediation\.ports: must not repeat a port/);
    expect(load).toThrow(/remediation\.defaultMode: /);
  });

  it('reads a config saved with a byte order mark, and fills what it leaves out', async () => {
    // Prepare
    const file = await configFile(
      'bom.json',
      `\uFEFF${JSON.stringify({ remediation: { ports: [3389, 22], strategy: 'revoke' } })}`,
    );

    // Act
    const loaded = loadDeployedConfig(file);

    // Assess
    expect(loaded.settings).toEqual({
      ports: [22, 3389],
      strategy: 'revoke',
      defaultMode: 'enforce',
      allowGroupExemptions: false,
    });
  });

  it('knows the management account from a StackSets admin that is not delegated, and the excluded accounts', async () => {
    // Prepare
    const file = await configFile(
      'scope.json',
      JSON.stringify({
        stackSetsAdmin: { accountId: '123456789012', delegatedAdmin: false },
        targets: { organizationalUnitIds: ['r-ab12'], excludedAccounts: ['444444444444'] },
      }),
    );

    // Act
    const { scope } = loadDeployedConfig(file);

    // Assess
    expect(scope).toEqual({
      managementAccountId: '123456789012',
      excludedAccounts: ['444444444444'],
    });
  });
});

describe('resolveDeployedSettings', () => {
  const deployed = () => ({
    path: '/deploy/sg-guard.config.json',
    settings: {
      ports: [22, 3389],
      strategy: 'revoke' as const,
      defaultMode: 'notify' as const,
      allowGroupExemptions: true,
    },
    scope: { managementAccountId: '111111111111', excludedAccounts: [] },
  });

  it('takes every setting from the config when no flag is given', () => {
    // Act
    const settings = resolveDeployedSettings({}, deployed);

    // Assess
    expect(settings).toEqual({
      ...deployed().settings,
      configFile: '/deploy/sg-guard.config.json',
      overrides: [],
      scope: deployed().scope,
    });
  });

  it('lets each flag given override its field, and says which did', () => {
    // Act
    const settings = resolveDeployedSettings(
      { defaultMode: 'enforce', allowGroupExemptions: false, managementAccount: '222222222222' },
      deployed,
    );

    // Assess
    expect(settings).toMatchObject({
      ports: [22, 3389],
      strategy: 'revoke',
      defaultMode: 'enforce',
      allowGroupExemptions: false,
      overrides: ['--default-mode', '--allow-group-exemptions'],
      scope: { managementAccountId: '222222222222' },
    });
  });
});
