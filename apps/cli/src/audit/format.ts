/** The audit report as a table, JSON, CSV or Markdown: grouped by account, then region. */
import { describeRule } from '@sg-guard/remediation-core';
import {
  describeExposureBrief,
  describeMode,
  describePlan,
  describePlanBrief,
} from '../output/describe.js';
import { renderCsv, renderMarkdownTable, renderTable } from '../output/table.js';
import { renderHtmlReport } from './html.js';
import type { AccountAudit, AuditReport, ExposedGroup } from './report.js';

/** Output formats of `audit --format`. */
export const AUDIT_FORMATS = ['table', 'json', 'csv', 'markdown', 'html'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

/** `account (name)`: exported for the HTML report. */
export const accountLabel = (a: AccountAudit) =>
  a.accountName ? `${a.accountId} (${a.accountName})` : a.accountId;
const group = (g: ExposedGroup) => (g.groupName ? `${g.groupId}\n${g.groupName}` : g.groupId);
const planCell = (g: ExposedGroup) =>
  [...(g.exemption ? [`exempt: ${g.exemption.reason}`] : []), ...describePlanBrief(g.plan)].join(
    '\n',
  );

/** One line: what was scanned and found. */
export function summaryLine(report: AuditReport): string {
  const s = report.summary;
  const failed = s.failedAccounts + s.failedAccountRegions;
  return (
    `Scanned ${s.accountRegions} account-region(s) in ${s.accounts} account(s): ` +
    `${s.groupsScanned} group(s), ${s.exposedGroups} exposed (${s.exposures} exposure(s)) ` +
    `on port(s) ${report.ports.join(', ')}` +
    (s.unknownGroups > 0 ? `; ${s.unknownGroups} unknown (unreadable prefix lists)` : '') +
    (failed > 0 ? `; ${failed} failure(s)` : '')
  );
}

/**
 * Where the settings came from: `Settings: sg-guard.config.json (…): default mode notify, …`,
 * or that no config was found and the built-in defaults apply.
 */
export function settingsLine(report: AuditReport): string {
  const s = report.settings;
  const values =
    `port(s) ${report.ports.join(', ')}, strategy ${report.strategy}` +
    (s
      ? `, default mode ${s.defaultMode}, group exemptions ${s.allowGroupExemptions ? 'allowed' : 'not allowed'}`
      : '');
  if (!s) return `Settings: ${values}`;
  const from = s.configFile
    ? `from ${s.configFile}`
    : 'no sg-guard.config.json found (use --config <file>), built-in defaults';
  const overridden = s.overrides.length > 0 ? `; overridden by ${s.overrides.join(', ')}` : '';
  return `Settings ${from}: ${values}${overridden}`;
}

/** Why `--fail-on-findings` failed the run (exit 2): exposed groups, unknown ones, or both. */
export function failOnFindingsLine(report: AuditReport): string {
  const { exposedGroups, unknownGroups } = report.summary;
  const parts = [
    ...(exposedGroups > 0 ? [`${exposedGroups} exposed group(s)`] : []),
    ...(unknownGroups > 0
      ? [
          `${unknownGroups} group(s) whose exposure is unknown (prefix lists that could not be read; unknown is not clean)`,
        ]
      : []),
  ];
  return `sg-guard: --fail-on-findings: ${parts.join(' and ')}`;
}

/** The mode cell: `enforce (default)`, and `NOT PROTECTED` when no member stack runs there. */
export function modeCell(a: AccountAudit): string {
  const mode = describeMode(a.policy);
  if (!a.unprotected) return mode;
  const why = a.unprotected.reason === 'management-account' ? 'management account' : 'excluded';
  return `${mode}\nNOT PROTECTED (${why})`;
}

function statusRows(report: AuditReport): string[][] {
  return report.accounts.flatMap((a) => {
    const mode = modeCell(a);
    const account = accountLabel;
    if (a.regions.length === 0) return [[account(a), mode, '-', 'failed', '-', '-']];
    return a.regions.map((r) => [
      account(a),
      mode,
      r.region,
      r.status,
      r.status === 'ok' ? String(r.groupsScanned) : '-',
      r.status === 'ok'
        ? String(r.exposedGroups.length) +
          (r.unknownGroups.length > 0 ? ` (+${r.unknownGroups.length} unknown)` : '')
        : '-',
    ]);
  });
}

function findingRows(report: AuditReport): string[][] {
  return report.accounts.flatMap((a) =>
    a.regions.flatMap((r) =>
      r.exposedGroups.map((g) => [
        a.accountId,
        r.region,
        group(g),
        g.exposures.map(describeExposureBrief).join('\n'),
        planCell(g),
      ]),
    ),
  );
}

/** Only the first line: SDK messages go on about how to debug them. */
const brief = (message: string) => message.split('\n')[0] ?? message;

/** Everything that is not a clean finding: for the table, Markdown and HTML outputs. */
export function problems(report: AuditReport): string[] {
  return report.accounts.flatMap((a) => [
    ...(a.unprotected ? [`${a.accountId}: ${a.unprotected.message}`] : []),
    ...(a.error ? [`${a.accountId}: cannot enter the account: ${brief(a.error.message)}`] : []),
    ...(a.policyError ? [`${a.accountId}: mode unknown: ${brief(a.policyError.message)}`] : []),
    ...a.regions.flatMap((r) =>
      r.status === 'failed' && r.error && r.error !== a.error
        ? [`${a.accountId} ${r.region}: scan failed: ${brief(r.error.message)}`]
        : [],
    ),
    ...a.regions.flatMap((r) =>
      r.exposedGroups.flatMap((g) =>
        g.unresolvedPrefixLists.length > 0
          ? [
              `${a.accountId} ${r.region} ${g.groupId}: unreadable prefix list(s) ${g.unresolvedPrefixLists.join(', ')}`,
            ]
          : [],
      ),
    ),
    ...a.regions.flatMap((r) =>
      r.unknownGroups.map(
        (g) =>
          `${a.accountId} ${r.region} ${g.groupId}: exposure unknown: prefix list(s) ${g.unresolvedPrefixLists.join(', ')} could not be read`,
      ),
    ),
  ]);
}

const STATUS_HEADER = ['ACCOUNT', 'MODE', 'REGION', 'STATUS', 'GROUPS', 'EXPOSED'];
const FINDING_HEADER = ['ACCOUNT', 'REGION', 'GROUP', 'EXPOSURE', 'PLAN'];

function table(report: AuditReport): string {
  const findings = findingRows(report);
  const issues = problems(report);
  return [
    `${summaryLine(report)}\n${settingsLine(report)}\n`,
    renderTable(STATUS_HEADER, statusRows(report)),
    findings.length > 0
      ? renderTable(FINDING_HEADER, findings, { gap: true })
      : 'No exposed groups.\n',
    ...(issues.length > 0 ? [`Problems:\n${issues.map((line) => `  ${line}\n`).join('')}`] : []),
  ].join('\n');
}

function markdown(report: AuditReport): string {
  const findings = findingRows(report);
  const issues = problems(report);
  return [
    `# sg-guard audit\n\n${summaryLine(report)}. Generated ${report.generatedAt}.\n\n${settingsLine(report)}.\n`,
    `## Accounts and regions\n\n${renderMarkdownTable(STATUS_HEADER, statusRows(report))}`,
    `## Exposed groups\n\n${findings.length > 0 ? renderMarkdownTable(FINDING_HEADER, findings) : 'None.\n'}`,
    ...(issues.length > 0
      ? [`## Problems\n\n${issues.map((line) => `- ${line}\n`).join('')}`]
      : []),
  ].join('\n');
}

const CSV_HEADER = [
  'account_id',
  'account_name',
  'mode',
  'region',
  'status',
  'group_id',
  'group_name',
  'vpc_id',
  'rule_id',
  'rule',
  'exposed_ports',
  'reason',
  'plan',
  'exemption',
  'error',
  'exposure_seconds',
];

/**
 * One row per exposure (`status` = `exposed`), one per clean account-region (`clean`) and one
 * per account-region that failed (`failed`), so a spreadsheet sees every account-region.
 */
function csv(report: AuditReport): string {
  const rows = report.accounts.flatMap((a) => {
    const base = [a.accountId, a.accountName, a.policy?.mode ?? 'unknown'];
    if (a.regions.length === 0)
      return [[...base, '', 'failed', ...Array(9).fill(''), a.error && brief(a.error.message), '']];
    return a.regions.flatMap((r) => {
      if (r.status === 'failed')
        return [
          [
            ...base,
            r.region,
            'failed',
            ...Array(9).fill(''),
            r.error && brief(r.error.message),
            '',
          ],
        ];
      const unknown = r.unknownGroups.map((g) => [
        ...base,
        r.region,
        'unknown',
        g.groupId,
        g.groupName,
        g.vpcId,
        '',
        g.unresolvedPrefixLists.join(' '),
        '',
        'unresolved-prefix-list',
        '',
        '',
        '',
        '',
      ]);
      // Fixes of the last days from the ledger: how long each group was open.
      const fixed = (r.recentFixes ?? []).map((f) => [
        ...base,
        r.region,
        'fixed',
        f.groupId,
        ...Array(8).fill(''),
        `record ${f.recordId} at ${f.time}`,
        String(f.exposureSeconds),
      ]);
      if (r.exposedGroups.length === 0 && unknown.length === 0)
        return [[...base, r.region, 'clean', ...Array(11).fill('')], ...fixed];
      const exposed = r.exposedGroups.flatMap((g) =>
        g.exposures.map((e) => [
          ...base,
          r.region,
          'exposed',
          g.groupId,
          g.groupName,
          g.vpcId,
          e.rule.ruleId,
          describeRule({ ...e.rule, ruleId: undefined }),
          e.ports.join(' '),
          e.reason,
          describePlan(g.plan).join('; '),
          g.exemption?.reason,
          '',
          '',
        ]),
      );
      return [...exposed, ...unknown, ...fixed];
    });
  });
  return renderCsv(CSV_HEADER, rows);
}

/** The report in the chosen format. */
export function formatAuditReport(report: AuditReport, format: AuditFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'csv':
      return csv(report);
    case 'markdown':
      return markdown(report);
    case 'html':
      return renderHtmlReport(report);
    default:
      return table(report);
  }
}
