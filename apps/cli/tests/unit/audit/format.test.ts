import type { GroupSnapshot } from '@sg-guard/remediation-core';
import { describe, expect, it } from 'vitest';
import { formatAuditReport } from '../../../src/audit/format.js';
import type { AuditReport } from '../../../src/audit/report.js';
import { runAudit } from '../../../src/audit/run.js';

const rule = (
  ruleId: string,
  fromPort: number,
  toPort: number,
  cidr: string,
  protocol = 'tcp',
) => ({
  ruleId,
  protocol,
  fromPort,
  toPort,
  source: {
    kind: 'cidr' as const,
    family: cidr.includes(':') ? ('ipv6' as const) : ('ipv4' as const),
    cidr,
  },
});

const INVENTORY: Record<string, GroupSnapshot[]> = {
  '111111111111/eu-west-1': [
    {
      groupId: 'sg-1',
      groupName: 'bastion',
      vpcId: 'vpc-1',
      rules: [rule('sgr-1', 22, 22, '0.0.0.0/0'), rule('sgr-2', 22, 22, '10.0.0.0/8')],
    },
    {
      groupId: 'sg-2',
      groupName: 'batch, "workers"',
      vpcId: 'vpc-1',
      rules: [rule('sgr-3', 0, 65535, '0.0.0.0/0')],
    },
  ],
  '111111111111/us-east-1': [{ groupId: 'sg-3', rules: [rule('sgr-4', 443, 443, '0.0.0.0/0')] }],
};

/** A small report made by the real audit over fixed inventories (one region fails). */
async function sampleReport(): Promise<AuditReport> {
  return runAudit(
    [{ accountId: '111111111111', name: 'prod' }, { accountId: '222222222222' }],
    {
      enter: async (accountId) => accountId,
      enabledRegions: async () => [],
      policyFor: async (accountId) => ({
        accountId,
        mode: accountId === '111111111111' ? 'notify' : 'enforce',
        source:
          accountId === '111111111111' ? { kind: 'account', id: accountId } : { kind: 'default' },
        warnings: [],
      }),
      scan: async (accountId, region) => {
        if (accountId === '222222222222' && region === 'us-east-1') {
          throw Object.assign(
            new Error('You are not authorized to perform this operation.\nmore detail'),
            {
              code: 'ACCESS_DENIED',
            },
          );
        }
        return { groups: INVENTORY[`${accountId}/${region}`] ?? [], prefixLists: new Map() };
      },
    },
    {
      ports: [22],
      strategy: 'narrow',
      allowGroupExemptions: false,
      concurrency: 4,
      regions: ['eu-west-1', 'us-east-1'],
      now: () => new Date('2026-11-27T10:00:00Z'),
    },
  );
}

describe('formatAuditReport', () => {
  it('prints the summary, the accounts table, the findings and the problems as a table', async () => {
    expect(formatAuditReport(await sampleReport(), 'table')).toMatchInlineSnapshot(`
      "Scanned 4 account-region(s) in 2 account(s): 3 group(s), 2 exposed (2 exposure(s)) on port(s) 22; 1 failure(s)
      Settings: port(s) 22, strategy narrow

      ACCOUNT              MODE                  REGION     STATUS  GROUPS  EXPOSED
      111111111111 (prod)  notify (account tag)  eu-west-1  ok      2       2
      111111111111 (prod)  notify (account tag)  us-east-1  ok      1       0
      222222222222         enforce (default)     eu-west-1  ok      0       0
      222222222222         enforce (default)     us-east-1  failed  -       -

      ACCOUNT       REGION     GROUP             EXPOSURE                              PLAN
      111111111111  eu-west-1  sg-1              tcp 22 from 0.0.0.0/0                 - sgr-1
                               bastion

      111111111111  eu-west-1  sg-2              tcp 0-65535 from 0.0.0.0/0 (port 22)  + tcp 0-21 from 0.0.0.0/0
                               batch, "workers"                                        + tcp 23-65535 from 0.0.0.0/0
                                                                                       - sgr-3

      Problems:
        222222222222 us-east-1: scan failed: You are not authorized to perform this operation.
      "
    `);
  });

  it('prints CSV rows for each exposure, clean and failed account-region, quoting where needed', async () => {
    expect(formatAuditReport(await sampleReport(), 'csv')).toMatchInlineSnapshot(`
      "account_id,account_name,mode,region,status,group_id,group_name,vpc_id,rule_id,rule,exposed_ports,reason,plan,exemption,error,exposure_seconds
      111111111111,prod,notify,eu-west-1,exposed,sg-1,bastion,vpc-1,sgr-1,tcp 22 from 0.0.0.0/0,22,world-cidr,- revoke tcp 22 from 0.0.0.0/0 (sgr-1),,,
      111111111111,prod,notify,eu-west-1,exposed,sg-2,"batch, ""workers""",vpc-1,sgr-3,tcp 0-65535 from 0.0.0.0/0,22,world-cidr,+ authorize tcp 0-21 from 0.0.0.0/0; + authorize tcp 23-65535 from 0.0.0.0/0; - revoke tcp 0-65535 from 0.0.0.0/0 (sgr-3),,,
      111111111111,prod,notify,us-east-1,clean,,,,,,,,,,,
      222222222222,,enforce,eu-west-1,clean,,,,,,,,,,,
      222222222222,,enforce,us-east-1,failed,,,,,,,,,,You are not authorized to perform this operation.,
      "
    `);
  });

  it('prints Markdown tables with line breaks as <br>', async () => {
    expect(formatAuditReport(await sampleReport(), 'markdown')).toMatchInlineSnapshot(`
      "# sg-guard audit

      Scanned 4 account-region(s) in 2 account(s): 3 group(s), 2 exposed (2 exposure(s)) on port(s) 22; 1 failure(s). Generated 2026-11-27T10:00:00.000Z.

      Settings: port(s) 22, strategy narrow.

      ## Accounts and regions

      | ACCOUNT | MODE | REGION | STATUS | GROUPS | EXPOSED |
      | --- | --- | --- | --- | --- | --- |
      | 111111111111 (prod) | notify (account tag) | eu-west-1 | ok | 2 | 2 |
      | 111111111111 (prod) | notify (account tag) | us-east-1 | ok | 1 | 0 |
      | 222222222222 | enforce (default) | eu-west-1 | ok | 0 | 0 |
      | 222222222222 | enforce (default) | us-east-1 | failed | - | - |

      ## Exposed groups

      | ACCOUNT | REGION | GROUP | EXPOSURE | PLAN |
      | --- | --- | --- | --- | --- |
      | 111111111111 | eu-west-1 | sg-1<br>bastion | tcp 22 from 0.0.0.0/0 | - sgr-1 |
      | 111111111111 | eu-west-1 | sg-2<br>batch, "workers" | tcp 0-65535 from 0.0.0.0/0 (port 22) | + tcp 0-21 from 0.0.0.0/0<br>+ tcp 23-65535 from 0.0.0.0/0<br>- sgr-3 |

      ## Problems

      - 222222222222 us-east-1: scan failed: You are not authorized to perform this operation.
      "
    `);
  });

  it('prints the whole report as JSON', async () => {
    // Prepare
    const report = await sampleReport();

    // Act
    const json = JSON.parse(formatAuditReport(report, 'json'));

    // Assess
    expect(json).toEqual(JSON.parse(JSON.stringify(report)));
    expect(json.summary).toEqual({
      accounts: 2,
      failedAccounts: 0,
      accountRegions: 4,
      failedAccountRegions: 1,
      groupsScanned: 3,
      exposedGroups: 2,
      exposures: 2,
      unknownGroups: 0,
      unprotectedAccounts: 0,
    });
  });
});

describe('exposure windows of recent fixes', () => {
  async function reportWithFixes(): Promise<AuditReport> {
    const since: number[] = [];
    const report = await runAudit(
      [{ accountId: '111111111111', name: 'prod' }],
      {
        enter: async (accountId) => accountId,
        enabledRegions: async () => [],
        policyFor: async (accountId) => ({
          accountId,
          mode: 'enforce',
          source: { kind: 'default' },
          warnings: [],
        }),
        scan: async () => ({ groups: [], prefixLists: new Map() }),
        recentFixes: async (_account, region, from) => {
          since.push(from);
          if (region === 'us-east-1') throw new Error('the ledger cannot be read');
          return [10, 30, 20, 600].map((exposureSeconds, index) => ({
            groupId: `sg-${index}`,
            recordId: `record-${index}`,
            time: '2026-11-26T10:00:00.000Z',
            exposureSeconds,
          }));
        },
      },
      {
        ports: [22],
        strategy: 'narrow',
        allowGroupExemptions: false,
        concurrency: 2,
        regions: ['eu-west-1', 'us-east-1'],
        now: () => new Date('2026-11-27T10:00:00Z'),
      },
    );
    // Seven days back from the audit's clock.
    expect(since).toEqual([Date.parse('2026-11-20T10:00:00Z'), Date.parse('2026-11-20T10:00:00Z')]);
    return report;
  }

  it('lists each fix with its window in the CSV, and an unreadable ledger costs only the windows', async () => {
    const report = await reportWithFixes();
    const csv = formatAuditReport(report, 'csv');

    expect(csv).toContain(
      '111111111111,prod,enforce,eu-west-1,fixed,sg-3,,,,,,,,,record record-3 at 2026-11-26T10:00:00.000Z,600',
    );
    expect(
      report.accounts[0]?.regions.map((r) => [r.region, r.status, r.recentFixes?.length]),
    ).toEqual([
      ['eu-west-1', 'ok', 4],
      ['us-east-1', 'ok', undefined],
    ]);
  });

  it('shows p50, p99 and the longest window per account-region in the HTML report', async () => {
    const html = formatAuditReport(await reportWithFixes(), 'html');

    expect(html).toContain('<h2>Exposure windows of recent fixes</h2>');
    expect(html).toContain('<td>4</td><td>20 s</td><td>600 s</td><td>600 s</td>');
  });
});
