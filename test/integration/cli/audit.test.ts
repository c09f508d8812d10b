import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuditReport, MemoryIo } from '@sg-guard/cli';
import { memoryIo } from '@sg-guard/cli';
import { formatRule, MANAGEMENT_ACCOUNT_ID } from '@sg-guard/emulator';
import type { InboundRule } from '@sg-guard/remediation-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildCliEstate, type CliEstate, callAsManagement, REGIONS, sgGuard } from './support.js';

let estate: CliEstate;
let work: string;
/** The deployed config of these tests: the emulator's management account, default `enforce`. */
let config: string;
const BOTH = REGIONS.join(',');
const REPOSITORY = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

// Audits change nothing, so one estate serves the whole file.
beforeAll(async () => {
  // The SDK's once-per-process notice that its 2027 releases need Node 22 is not a test result.
  vi.stubEnv('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');
  estate = await buildCliEstate();
  work = await mkdtemp(join(tmpdir(), 'sg-guard-audit-'));
  config = join(work, 'sg-guard.config.json');
  const deployed = JSON.parse(await readFile(join(REPOSITORY, 'sg-guard.config.json'), 'utf8'));
  deployed.stackSetsAdmin = { accountId: MANAGEMENT_ACCOUNT_ID, delegatedAdmin: false };
  deployed.orgReaderRole = { location: 'management', accountId: MANAGEMENT_ACCOUNT_ID };
  deployed.targets.excludedAccounts = [];
  deployed.remediation.defaultMode = 'enforce';
  await writeFile(config, JSON.stringify(deployed));
});
afterAll(() => rm(work, { recursive: true, force: true }));

/** `sg-guard audit … --config <the tests' config>`. */
const audit = (io: MemoryIo, ...args: string[]) =>
  sgGuard(io, 'audit', ...args, '--config', config);
beforeEach(() => callAsManagement(estate.organization.endpoint));

const idOf = (name: keyof CliEstate['credentials']) => estate.organization.accounts[name].accountId;

function comparable(rule: InboundRule): string {
  const source =
    rule.source.kind === 'cidr'
      ? rule.source.cidr
      : rule.source.kind === 'prefix-list'
        ? rule.source.prefixListId
        : rule.source.groupId;
  return formatRule({
    protocol: rule.protocol,
    fromPort: rule.fromPort,
    toPort: rule.toPort,
    source,
  });
}

async function auditJson(...args: string[]): Promise<{ code: number; report: AuditReport }> {
  const io = memoryIo();
  const { code, stdout } = await audit(io, ...args, '--json');
  return { code, report: JSON.parse(stdout) as AuditReport };
}

describe('audit --org', () => {
  it('finds exactly the exposed groups, each with exactly its exposing rules', async () => {
    // Act
    const { code, report } = await auditJson('--org', '--regions', BOTH);

    // Assess
    expect(code).toBe(0);
    const found = report.accounts.flatMap((a) =>
      a.regions.flatMap((r) =>
        r.exposedGroups.map((g) => [g.groupId, g.exposures.map((e) => comparable(e.rule)).sort()]),
      ),
    );
    const expected = estate.groups
      .filter((g) => g.shape.exposed)
      .map((g) => [g.groupId, [...g.exposing]]);
    expect(Object.fromEntries(found)).toEqual(Object.fromEntries(expected));
    expect(report.summary).toMatchObject({
      accounts: 4,
      accountRegions: 8,
      failedAccounts: 0,
      failedAccountRegions: 0,
      exposedGroups: 7,
    });
  });

  it('groups the report by account and region and shows each account mode from its tags', async () => {
    // Act
    const { report } = await auditJson('--org', '--regions', BOTH);

    // Assess
    const layout = report.accounts.map((a) => [
      a.accountId,
      a.policy?.mode,
      a.policy?.source.kind,
      a.regions.map((r) => `${r.region}:${r.status}`),
    ]);
    const ids = [MANAGEMENT_ACCOUNT_ID, idOf('enforced'), idOf('notified'), idOf('retired')].sort();
    expect(layout.map(([id]) => id)).toEqual(ids);
    const byId = Object.fromEntries(layout.map(([id, ...rest]) => [id, rest]));
    const regions = ['eu-west-1:ok', 'us-east-1:ok'];
    expect(byId[MANAGEMENT_ACCOUNT_ID]).toEqual(['enforce', 'default', regions]);
    expect(byId[idOf('enforced')]).toEqual(['enforce', 'default', regions]);
    expect(byId[idOf('notified')]).toEqual(['notify', 'account', regions]);
    expect(byId[idOf('retired')]).toEqual(['off', 'ou', regions]);
  });
});

describe('audit settings from the deployed config', () => {
  it("reads the repository's sg-guard.config.json without --config: the documented rollout deploys notify", async () => {
    // Act
    const { code, stdout } = await sgGuard(
      memoryIo(),
      'audit',
      '--accounts',
      idOf('enforced'),
      '--regions',
      'eu-west-1',
      '--json',
    );

    // Assess
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as AuditReport;
    expect(report.settings).toEqual({
      defaultMode: 'notify',
      allowGroupExemptions: false,
      configFile: join(REPOSITORY, 'sg-guard.config.json'),
      overrides: [],
    });
    expect(report.accounts[0]?.policy).toMatchObject({
      mode: 'notify',
      source: { kind: 'default' },
    });
  });

  it('lets --default-mode and --ports override the config, and says so', async () => {
    // Act
    const { report } = await auditJson(
      '--accounts',
      idOf('enforced'),
      '--regions',
      'eu-west-1',
      '--default-mode',
      'off',
      '--ports',
      '22,3389',
    );

    // Assess
    expect(report.ports).toEqual([22, 3389]);
    expect(report.settings?.overrides).toEqual(['--ports', '--default-mode']);
    expect(report.accounts[0]?.policy?.mode).toBe('off');
  });

  it('shows the management account as not protected by the StackSet, and how to cover it', async () => {
    // Act
    const { stdout } = await audit(memoryIo(), '--org', '--regions', 'eu-west-1');
    const { report } = await auditJson('--org', '--regions', 'eu-west-1');

    // Assess
    const management = report.accounts.find((a) => a.accountId === MANAGEMENT_ACCOUNT_ID);
    expect(management?.unprotected?.reason).toBe('management-account');
    expect(report.accounts.filter((a) => a.unprotected)).toHaveLength(1);
    expect(report.summary.unprotectedAccounts).toBe(1);
    expect(stdout).toContain('NOT PROTECTED (management account)');
    expect(stdout).toContain(
      `${MANAGEMENT_ACCOUNT_ID}: not protected: the management account never gets a StackSet stack instance`,
    );
    expect(stdout).toContain(`sg-guard fix --accounts ${MANAGEMENT_ACCOUNT_ID}`);
  });
});

describe('audit scope', () => {
  it('scans only the accounts named with --accounts', async () => {
    // Act
    const { report } = await auditJson('--accounts', idOf('notified'), '--regions', BOTH);

    // Assess
    expect(report.accounts.map((a) => a.accountId)).toEqual([idOf('notified')]);
    expect(report.summary.exposedGroups).toBe(2);
  });

  it('scans every enabled region of the account when --regions is not given', async () => {
    // Act
    const { report } = await auditJson('--accounts', idOf('enforced'), '--concurrency', '16');

    // Assess
    const [account] = report.accounts;
    const scanned = account?.regions.map((r) => r.region) ?? [];
    expect(scanned).toEqual(expect.arrayContaining([...REGIONS]));
    expect(scanned).not.toContain('ap-east-1'); // not opted in
    expect(account?.regions.every((r) => r.status === 'ok')).toBe(true);
    expect(report.summary.exposedGroups).toBe(3);
  });

  it('sends every call to --endpoint-url when AWS_ENDPOINT_URL is not set', async () => {
    // Prepare
    vi.stubEnv('AWS_ENDPOINT_URL', undefined);

    // Act
    const { code, report } = await auditJson(
      '--accounts',
      idOf('enforced'),
      '--regions',
      'eu-west-1',
      '--endpoint-url',
      estate.organization.endpoint,
    );

    // Assess
    expect(code).toBe(0);
    expect(report.summary.exposedGroups).toBe(2);
  });
});

describe('audit failures and exit codes', () => {
  it('reports a region that fails and completes the others, exiting 1', async () => {
    // Act
    const { code, report } = await auditJson('--org', '--regions', 'eu-west-1,xx-nowhere-1');

    // Assess
    expect(code).toBe(1);
    for (const account of report.accounts) {
      const status = Object.fromEntries(account.regions.map((r) => [r.region, r.status]));
      expect(status).toEqual({ 'eu-west-1': 'ok', 'xx-nowhere-1': 'failed' });
    }
    expect(report.summary).toMatchObject({ failedAccountRegions: 4, exposedGroups: 4 });
  });

  it('reports an account whose mode cannot be read, and still scans it', async () => {
    // Prepare: an account outside the organization has no tags to read.
    const stranger = '999999999999';

    // Act
    const { code, report } = await auditJson('--accounts', stranger, '--regions', 'eu-west-1');

    // Assess
    expect(code).toBe(0);
    expect(report.accounts[0]).toMatchObject({
      accountId: stranger,
      policyError: { code: expect.any(String) },
      regions: [{ region: 'eu-west-1', status: 'ok', groupsScanned: 1 }],
    });
  });

  it('exits 2 with --fail-on-findings when anything is exposed, even if a region failed', async () => {
    // Act
    const exposed = await audit(
      memoryIo(),
      '--org',
      '--regions',
      'eu-west-1,xx-nowhere-1',
      '--fail-on-findings',
    );
    const clean = await audit(
      memoryIo(),
      '--accounts',
      MANAGEMENT_ACCOUNT_ID,
      '--regions',
      BOTH,
      '--fail-on-findings',
    );

    // Assess
    expect(exposed.code).toBe(2);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('No exposed groups.');
  });
});

describe('audit output', () => {
  it('prints CSV with one row per exposure and per clean or failed account-region', async () => {
    // Act
    const { code, stdout } = await audit(
      memoryIo(),
      '--org',
      '--regions',
      `${BOTH},xx-nowhere-1`,
      '--format',
      'csv',
    );

    // Assess
    expect(code).toBe(1);
    const [header, ...rows] = stdout.trimEnd().split('\r\n');
    expect(header).toBe(
      'account_id,account_name,mode,region,status,group_id,group_name,vpc_id,rule_id,rule,exposed_ports,reason,plan,exemption,error,exposure_seconds',
    );
    const statuses = rows.map((row) => row.split(',')[4]);
    // 8 exposures (the split halves are two), the management account's 2 clean regions, 4 failed.
    expect(statuses.filter((s) => s === 'exposed')).toHaveLength(8);
    expect(statuses.filter((s) => s === 'clean')).toHaveLength(2);
    expect(statuses.filter((s) => s === 'failed')).toHaveLength(4);
    const v6 = rows.find((row) => row.includes('ssh-tcp-22-world-v6'));
    expect(v6).toMatch(
      new RegExp(
        `^${idOf('notified')},notified,notify,eu-west-1,exposed,sg-\\w+,ssh-tcp-22-world-v6,vpc-\\w+,sgr-\\w+,tcp 22 from ::/0,22,world-cidr,- revoke tcp 22 from ::/0 \\(sgr-\\w+\\),,,$`,
      ),
    );
  });

  it('prints Markdown with the accounts table, the findings and the problems', async () => {
    // Act
    const { stdout } = await audit(
      memoryIo(),
      '--org',
      '--regions',
      'eu-west-1,xx-nowhere-1',
      '--format',
      'markdown',
    );

    // Assess
    expect(stdout).toMatch(/^# sg-guard audit\n\nScanned 8 account-region\(s\) in 4 account\(s\)/);
    expect(stdout).toContain(
      '| ACCOUNT | MODE | REGION | STATUS | GROUPS | EXPOSED |\n| --- | --- | --- | --- | --- | --- |',
    );
    expect(stdout).toContain(
      `| ${idOf('retired')} (retired) | off (OU ${estate.organization.organizationalUnits.Retired}) | eu-west-1 | ok |`,
    );
    expect(stdout).toContain('## Exposed groups');
    expect(stdout).toMatch(
      /<br>ssh-all-traffic-world \| all traffic from 0\.0\.0\.0\/0 \(port 22\) \| \+ tcp 0-21 from 0\.0\.0\.0\/0<br>/,
    );
    expect(stdout).toContain('## Problems\n\n- ');
    expect(stdout).toContain(
      `\n- ${MANAGEMENT_ACCOUNT_ID} xx-nowhere-1: scan failed: ec2:Describe`,
    );
  });

  it('writes the report to --output and says so on stdout', async () => {
    // Prepare
    const file = join(tmpdir(), `sg-guard-audit-${process.pid}-${Date.now()}.md`);

    // Act
    const { code, stdout } = await audit(
      memoryIo(),
      '--org',
      '--regions',
      BOTH,
      '--format',
      'markdown',
      '--output',
      file,
    );

    // Assess
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^Scanned 8 account-region\(s\) in 4 account\(s\): \d+ group\(s\), 7 exposed \(8 exposure\(s\)\) on port\(s\) 22\n/,
    );
    expect(stdout.split('\n')[1]).toBe(
      `Settings from ${config}: port(s) 22, strategy narrow, default mode enforce, group exemptions not allowed`,
    );
    expect(stdout.split('\n')[2]).toBe(`Report written to ${file}`);
    expect(await readFile(file, 'utf8')).toMatch(/^# sg-guard audit/);
    await rm(file);
  });

  it('shows progress on a terminal and none when stderr is piped', async () => {
    // Act
    const piped = memoryIo();
    await audit(piped, '--org', '--regions', BOTH);
    const terminal = memoryIo({ tty: true });
    await audit(terminal, '--org', '--regions', BOTH);
    const json = memoryIo({ tty: true });
    await audit(json, '--org', '--regions', BOTH, '--json');

    // Assess
    expect(piped.stderrText()).toBe('');
    expect(terminal.stderrText()).toContain('8/8 account-regions scanned, 7 exposed group(s)');
    expect(json.stderrText()).toBe('');
  });
});
