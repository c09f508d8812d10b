import type { GroupSnapshot } from '@sg-guard/remediation-core';
import { describe, expect, it } from 'vitest';
import { unprotectedAccounts } from '../../../src/audit/aws-audit.js';
import { escapeHtml, HEAT_SCALE, heatStep, renderHtmlReport } from '../../../src/audit/html.js';
import type { AuditReport } from '../../../src/audit/report.js';
import { runAudit } from '../../../src/audit/run.js';

const HOSTILE = '<img src=x onerror="alert(1)">&\'';

const world22 = (groupId: string, groupName?: string): GroupSnapshot => ({
  groupId,
  ...(groupName ? { groupName } : {}),
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
const viaPrefixList = (groupId: string): GroupSnapshot => ({
  groupId,
  rules: [
    {
      ruleId: `sgr-${groupId}`,
      protocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      source: { kind: 'prefix-list', prefixListId: 'pl-0unreadable' },
    },
  ],
});

/** Two accounts: a hostile account name, three exposed groups, one unknown, one failed region. */
async function report(): Promise<AuditReport> {
  return runAudit(
    [{ accountId: '111111111111', name: HOSTILE }, { accountId: '222222222222' }],
    {
      enter: async (accountId) => accountId,
      enabledRegions: async () => [],
      policyFor: async (accountId) => ({
        accountId,
        mode: accountId === '111111111111' ? 'enforce' : 'notify',
        source: { kind: 'default' },
        warnings: [],
      }),
      scan: async (accountId, region) => {
        if (accountId === '222222222222' && region === 'us-east-1') throw new Error('denied <b>');
        const groups =
          accountId === '111111111111' && region === 'eu-west-1'
            ? [world22('sg-1', HOSTILE), world22('sg-2'), viaPrefixList('sg-3')]
            : accountId === '222222222222'
              ? [world22('sg-4')]
              : [];
        return { groups, prefixLists: new Map() };
      },
    },
    {
      ports: [22],
      strategy: 'narrow',
      allowGroupExemptions: false,
      concurrency: 2,
      regions: ['eu-west-1', 'us-east-1'],
      unprotected: unprotectedAccounts({
        managementAccountId: '111111111111',
        excludedAccounts: [],
      }),
      now: () => new Date('2026-11-27T10:00:00Z'),
    },
  );
}

describe('renderHtmlReport', () => {
  it('escapes every string that came from AWS', async () => {
    // Act
    const html = renderHtmlReport(await report());

    // Assess
    expect(html).not.toContain('<img');
    expect(html).not.toContain('denied <b>');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;');
    expect(html).toContain('denied &lt;b&gt;');
  });

  it('is one self-contained document: no script, no external reference, a CSP that forbids them', async () => {
    // Act
    const html = renderHtmlReport(await report());

    // Assess
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
    expect(html).not.toMatch(/<[^>]+\s(src|href)=/i);
    expect(html).toContain(
      `content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`,
    );
  });

  it('draws one heatmap cell per account-region with its exposed and unknown counts', async () => {
    // Act
    const html = renderHtmlReport(await report());

    // Assess
    const cells = [
      ...html.matchAll(
        /<g class="cell" data-account="(\d+)" data-region="([\w-]+)" data-status="(\w+)"(?: data-exposed="(\d+)" data-unknown="(\d+)")?/g,
      ),
    ].map(
      ([, account, region, status, exposed, unknown]) =>
        `${account} ${region} ${status} ${exposed ?? '-'} ${unknown ?? '-'}`,
    );
    expect(cells).toEqual([
      '111111111111 eu-west-1 ok 2 1',
      '111111111111 us-east-1 ok 0 0',
      '222222222222 eu-west-1 ok 1 0',
      '222222222222 us-east-1 failed - -',
    ]);
    expect(html).toContain('>2 +1?</text>');
  });

  it('marks the unknown prefix list and the unprotected management account', async () => {
    // Act
    const html = renderHtmlReport(await report());

    // Assess
    expect(html).toContain('unknown: pl-0unreadable');
    expect(html).toContain('· NOT PROTECTED');
    expect(html).toContain('the management account never gets a StackSet stack instance');
    expect(html).toContain('notify: the plan is mailed, nothing changes');
  });
});

describe('the heatmap colour scale', () => {
  it('starts clean at 0 and darkens as counts grow', () => {
    expect(heatStep(0).label).toBe('0');
    expect(heatStep(1).label).toBe('1');
    expect(heatStep(3).label).toBe('2–3');
    expect(heatStep(1000).label).toBe('16+');
    expect(new Set(HEAT_SCALE.map((step) => step.fill)).size).toBe(HEAT_SCALE.length);
  });

  it('escapes the five HTML specials', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
  });
});
