import type { AccountPolicy, GroupSnapshot } from '@sg-guard/remediation-core';
import { describe, expect, it } from 'vitest';
import { unprotectedAccounts } from '../../../src/audit/aws-audit.js';
import { failOnFindingsLine, formatAuditReport } from '../../../src/audit/format.js';
import { auditExitCode } from '../../../src/audit/report.js';
import { type AuditEnvironment, type AuditProgress, runAudit } from '../../../src/audit/run.js';

const world22 = (groupId: string, tags?: Record<string, string>): GroupSnapshot => ({
  groupId,
  groupName: `name-${groupId}`,
  vpcId: 'vpc-1',
  ...(tags ? { tags } : {}),
  rules: [
    {
      ruleId: `sgr-${groupId}`,
      protocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      source: { kind: 'cidr', family: 'ipv4', cidr: '0.0.0.0/0' },
    },
  ],
});
const closed = (groupId: string): GroupSnapshot => ({ groupId, rules: [] });

const policy = (accountId: string): AccountPolicy => ({
  accountId,
  mode: 'enforce',
  source: { kind: 'default' },
  warnings: [],
});

const SETTINGS = {
  ports: [22],
  strategy: 'narrow' as const,
  allowGroupExemptions: false,
  concurrency: 2,
  now: () => new Date('2026-11-27T10:00:00Z'),
};

/** An environment over fixed inventories; `failures` name what throws. */
function environment(
  inventories: Record<string, GroupSnapshot[]>,
  failures: { enter?: string[]; scan?: string[]; policy?: string[] } = {},
): AuditEnvironment<string> & { peak: number } {
  let running = 0;
  const env = {
    peak: 0,
    async enter(accountId: string) {
      if (failures.enter?.includes(accountId)) {
        throw Object.assign(new Error(`sts:AssumeRole was denied for ${accountId}`), {
          code: 'ACCESS_DENIED',
        });
      }
      return accountId;
    },
    async enabledRegions() {
      return ['us-east-1', 'eu-west-1'];
    },
    async policyFor(accountId: string) {
      if (failures.policy?.includes(accountId))
        throw new Error('AWSOrganizationsNotInUseException');
      return policy(accountId);
    },
    async scan(accountId: string, region: string) {
      running += 1;
      env.peak = Math.max(env.peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      const key = `${accountId}/${region}`;
      if (failures.scan?.includes(key)) throw new Error(`scan of ${key} failed`);
      return { groups: inventories[key] ?? [], prefixLists: new Map() };
    },
  };
  return env;
}

describe('runAudit', () => {
  it('assesses every group of every account-region and keeps the exposed ones, sorted', async () => {
    // Prepare
    const env = environment({
      'b/eu-west-1': [world22('sg-1'), closed('sg-2')],
      'a/us-east-1': [world22('sg-3')],
    });

    // Act
    const report = await runAudit([{ accountId: 'b' }, { accountId: 'a', name: 'alpha' }], env, {
      ...SETTINGS,
      regions: ['us-east-1', 'eu-west-1'],
    });

    // Assess
    expect(
      report.accounts.map((a) => [a.accountId, a.accountName, a.regions.map((r) => r.region)]),
    ).toEqual([
      ['a', 'alpha', ['eu-west-1', 'us-east-1']],
      ['b', undefined, ['eu-west-1', 'us-east-1']],
    ]);
    const exposed = report.accounts.flatMap((a) =>
      a.regions.flatMap((r) => r.exposedGroups.map((g) => g.groupId)),
    );
    expect(exposed).toEqual(['sg-3', 'sg-1']);
    expect(report.summary).toEqual({
      accounts: 2,
      failedAccounts: 0,
      accountRegions: 4,
      failedAccountRegions: 0,
      groupsScanned: 3,
      exposedGroups: 2,
      exposures: 2,
      unknownGroups: 0,
      unprotectedAccounts: 0,
    });
    expect(
      report.accounts[1]?.regions[0]?.exposedGroups[0]?.plan.revoke.map((r) => r.ruleId),
    ).toEqual(['sgr-sg-1']);
  });

  it('reports an account that cannot be entered and a region that fails, and completes the rest', async () => {
    // Prepare
    const env = environment(
      { 'ok/us-east-1': [world22('sg-9')] },
      { enter: ['locked'], scan: ['ok/eu-west-1'] },
    );

    // Act
    const report = await runAudit([{ accountId: 'locked' }, { accountId: 'ok' }], env, {
      ...SETTINGS,
      regions: ['eu-west-1', 'us-east-1'],
    });

    // Assess
    const [locked, ok] = report.accounts;
    expect(locked?.error).toEqual({
      code: 'ACCESS_DENIED',
      message: 'sts:AssumeRole was denied for locked',
    });
    expect(locked?.regions.map((r) => [r.region, r.status])).toEqual([
      ['eu-west-1', 'failed'],
      ['us-east-1', 'failed'],
    ]);
    expect(ok?.regions.map((r) => [r.region, r.status, r.exposedGroups.length])).toEqual([
      ['eu-west-1', 'failed', 0],
      ['us-east-1', 'ok', 1],
    ]);
    expect(report.summary).toMatchObject({
      failedAccounts: 1,
      failedAccountRegions: 3,
      exposedGroups: 1,
    });
  });

  it('uses each account’s enabled regions when none are given, and counts an unenterable account as a failure', async () => {
    // Prepare
    const env = environment({}, { enter: ['locked'] });
    const progress: AuditProgress[] = [];

    // Act
    const report = await runAudit(
      [{ accountId: 'locked' }, { accountId: 'ok' }],
      env,
      SETTINGS,
      (p) => progress.push(p),
    );

    // Assess
    expect(report.accounts[0]?.regions).toEqual([]);
    expect(report.accounts[1]?.regions.map((r) => r.region)).toEqual(['eu-west-1', 'us-east-1']);
    expect(progress.at(-1)).toEqual({ done: 2, total: 2, exposedGroups: 0, failed: 1 });
  });

  it('keeps the mode unknown when the organization cannot be read, without failing the scan', async () => {
    // Prepare
    const env = environment({}, { policy: ['a'] });

    // Act
    const report = await runAudit([{ accountId: 'a' }], env, {
      ...SETTINGS,
      regions: ['eu-west-1'],
    });

    // Assess
    expect(report.accounts[0]?.policy).toBeUndefined();
    expect(report.accounts[0]?.policyError?.message).toBe('AWSOrganizationsNotInUseException');
    expect(report.accounts[0]?.regions[0]?.status).toBe('ok');
  });

  it('scans at most --concurrency account-regions at once and reports progress after each', async () => {
    // Prepare
    const env = environment({ 'a/eu-west-1': [world22('sg-1')] });
    const progress: AuditProgress[] = [];
    const accounts = ['a', 'b', 'c', 'd'].map((accountId) => ({ accountId }));

    // Act
    await runAudit(
      accounts,
      env,
      { ...SETTINGS, concurrency: 3, regions: ['eu-west-1', 'us-east-1'] },
      (p) => progress.push(p),
    );

    // Assess
    expect(env.peak).toBe(3);
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(progress.every((p) => p.total === 8)).toBe(true);
    expect(progress.at(-1)?.exposedGroups).toBe(1);
  });

  it('shows an exempted group as exempt only when group exemptions are allowed', async () => {
    // Prepare
    const tags = { 'sg-guard:exempt': 'bastion, CHG-1' };
    const env = environment({ 'a/eu-west-1': [world22('sg-1', tags)] });

    // Act
    const allowed = await runAudit([{ accountId: 'a' }], env, {
      ...SETTINGS,
      allowGroupExemptions: true,
      regions: ['eu-west-1'],
    });
    const ignored = await runAudit([{ accountId: 'a' }], env, {
      ...SETTINGS,
      regions: ['eu-west-1'],
    });

    // Assess
    expect(allowed.accounts[0]?.regions[0]?.exposedGroups[0]?.exemption).toEqual({
      reason: 'bastion, CHG-1',
    });
    expect(ignored.accounts[0]?.regions[0]?.exposedGroups[0]?.exemption).toBeUndefined();
  });

  it('counts a group whose prefix list could not be read as unknown, and --fail-on-findings fails on it', async () => {
    // Prepare: the only rule on port 22 names a prefix list whose entries were not returned.
    const unreadable: GroupSnapshot = {
      groupId: 'sg-partner',
      groupName: 'partner',
      rules: [
        {
          ruleId: 'sgr-pl',
          protocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          source: { kind: 'prefix-list', prefixListId: 'pl-shared' },
        },
      ],
    };
    const env = environment({ 'a/eu-west-1': [unreadable] });

    // Act
    const report = await runAudit([{ accountId: 'a' }], env, {
      ...SETTINGS,
      regions: ['eu-west-1'],
    });

    // Assess
    const region = report.accounts[0]?.regions[0];
    expect(region?.exposedGroups).toEqual([]);
    expect(region?.unknownGroups).toEqual([
      { groupId: 'sg-partner', groupName: 'partner', unresolvedPrefixLists: ['pl-shared'] },
    ]);
    expect(report.summary).toMatchObject({ exposedGroups: 0, unknownGroups: 1 });
    expect(auditExitCode(report.summary, true)).toBe(2);
    expect(auditExitCode(report.summary, false)).toBe(0);
    expect(formatAuditReport(report, 'csv')).toContain(
      'a,,enforce,eu-west-1,unknown,sg-partner,partner,,,pl-shared,,unresolved-prefix-list,,,,\r\n',
    );
    expect(formatAuditReport(report, 'table')).toContain(
      'a eu-west-1 sg-partner: exposure unknown: prefix list(s) pl-shared could not be read',
    );
    expect(failOnFindingsLine(report)).toBe(
      'sg-guard: --fail-on-findings: 1 group(s) whose exposure is unknown (prefix lists that could not be read; unknown is not clean)',
    );
  });

  it('marks the management account and excluded accounts as not protected by the StackSet', async () => {
    // Prepare
    const env = environment({ 'm/eu-west-1': [world22('sg-1')] });

    // Act
    const report = await runAudit(
      [{ accountId: 'm' }, { accountId: 'x' }, { accountId: 'y' }],
      env,
      {
        ...SETTINGS,
        regions: ['eu-west-1'],
        unprotected: unprotectedAccounts({ managementAccountId: 'm', excludedAccounts: ['x'] }),
      },
    );

    // Assess
    const [management, excluded, member] = report.accounts;
    expect(management?.unprotected?.reason).toBe('management-account');
    expect(management?.unprotected?.message).toContain('never gets a StackSet stack instance');
    expect(management?.unprotected?.message).toContain('sg-guard fix --accounts m');
    expect(excluded?.unprotected?.reason).toBe('excluded');
    expect(member?.unprotected).toBeUndefined();
    expect(report.summary.unprotectedAccounts).toBe(2);
    const table = formatAuditReport(report, 'table');
    expect(table).toContain('NOT PROTECTED (management account)');
    expect(table).toContain('m: not protected: the management account never gets');
  });
});
