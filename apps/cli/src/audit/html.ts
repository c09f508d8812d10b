/**
 * The audit as one self-contained HTML page (`audit --format html`): inline CSS and SVG, no
 * script, no external request (a Content-Security-Policy forbids them), readable offline or
 * attached to a ticket. Every string that came from AWS (names, ids, tags, messages) is
 * escaped.
 */
import { describeRule } from '@sg-guard/remediation-core';
import { describeExposureBrief, describeMode } from '../output/describe.js';
import { accountLabel, problems, settingsLine, summaryLine } from './format.js';
import type { AccountAudit, AuditReport, ExposedGroup, RegionAudit } from './report.js';

/** `&`, `<`, `>`, `"` and `'` as entities: safe in text and in quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

const e = (text: string | number | undefined) => escapeHtml(String(text ?? ''));

/** One step of the heatmap's colour scale: counts from `min` up to the next step's. */
export interface HeatStep {
  readonly min: number;
  readonly label: string;
  readonly fill: string;
  readonly text: string;
}

/** Exposed groups per account-region → colour: green when clean, then yellow to dark red. */
export const HEAT_SCALE: readonly HeatStep[] = [
  { min: 0, label: '0', fill: '#d9f0d3', text: '#1b4d1b' },
  { min: 1, label: '1', fill: '#fee391', text: '#4d3600' },
  { min: 2, label: '2–3', fill: '#fdae61', text: '#4d2300' },
  { min: 4, label: '4–7', fill: '#f46d43', text: '#ffffff' },
  { min: 8, label: '8–15', fill: '#d73027', text: '#ffffff' },
  { min: 16, label: '16+', fill: '#8c1010', text: '#ffffff' },
];

const FAILED = { fill: '#bdbdbd', text: '#212121' };
const NOT_SCANNED = { fill: '#f5f5f5', text: '#9e9e9e' };

/** The scale step for a count. */
export function heatStep(count: number): HeatStep {
  let step = HEAT_SCALE[0] as HeatStep;
  for (const candidate of HEAT_SCALE) if (count >= candidate.min) step = candidate;
  return step;
}

const CELL_W = 96;
const CELL_H = 34;
const LABEL_W = 300;
const HEADER_H = 56;

function heatmap(report: AuditReport): string {
  const regions = [
    ...new Set(report.accounts.flatMap((a) => a.regions.map((r) => r.region))),
  ].sort();
  const width = LABEL_W + Math.max(regions.length, 1) * CELL_W + 2;
  const height = HEADER_H + Math.max(report.accounts.length, 1) * CELL_H + 2;
  const columns = regions
    .map(
      (region, i) =>
        `<text class="col" x="${LABEL_W + i * CELL_W + CELL_W / 2}" y="${HEADER_H - 12}" text-anchor="middle">${e(region)}</text>`,
    )
    .join('');
  const rows = report.accounts
    .map((account, row) => {
      const y = HEADER_H + row * CELL_H;
      const mode = account.policy ? account.policy.mode : 'mode unknown';
      const flag = account.unprotected ? ' · NOT PROTECTED' : '';
      const label =
        `<text class="row" x="8" y="${y + 14}">${e(accountLabel(account))}</text>` +
        `<text class="row-sub${account.unprotected ? ' warn' : ''}" x="8" y="${y + 28}">${e(mode + flag)}</text>`;
      const byRegion = new Map(account.regions.map((r) => [r.region, r]));
      const cells = regions
        .map((region, col) =>
          cell(account, byRegion.get(region), region, LABEL_W + col * CELL_W, y),
        )
        .join('');
      return `<g class="account-row" data-account="${e(account.accountId)}">${label}${cells}</g>`;
    })
    .join('');
  return (
    `<svg class="heatmap" role="img" aria-label="exposed groups per account and region" ` +
    `xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<text class="corner" x="8" y="${HEADER_H - 12}">account (mode)</text>${columns}${rows}</svg>`
  );
}

function cell(
  account: AccountAudit,
  audit: RegionAudit | undefined,
  region: string,
  x: number,
  y: number,
): string {
  const data = `data-account="${e(account.accountId)}" data-region="${e(region)}"`;
  const box = (fill: string) =>
    `<rect x="${x + 2}" y="${y + 2}" width="${CELL_W - 4}" height="${CELL_H - 4}" rx="4" fill="${fill}"/>`;
  const label = (text: string, colour: string) =>
    `<text x="${x + CELL_W / 2}" y="${y + CELL_H / 2 + 5}" text-anchor="middle" fill="${colour}">${e(text)}</text>`;
  if (!audit) {
    return `<g class="cell" ${data} data-status="not-scanned"><title>${e(`${account.accountId} ${region}: not scanned`)}</title>${box(NOT_SCANNED.fill)}${label('–', NOT_SCANNED.text)}</g>`;
  }
  if (audit.status === 'failed') {
    const why = audit.error ? `: ${audit.error.message.split('\n')[0]}` : '';
    return `<g class="cell" ${data} data-status="failed"><title>${e(`${account.accountId} ${region}: scan failed${why}`)}</title>${box(FAILED.fill)}${label('failed', FAILED.text)}</g>`;
  }
  const exposed = audit.exposedGroups.length;
  const unknown = audit.unknownGroups.length;
  const step = heatStep(exposed);
  const text = unknown > 0 ? `${exposed} +${unknown}?` : String(exposed);
  const title =
    `${account.accountId} ${region}: ${exposed} exposed of ${audit.groupsScanned} group(s)` +
    (unknown > 0 ? `, ${unknown} unknown (unreadable prefix lists)` : '');
  const outline =
    unknown > 0
      ? `<rect x="${x + 3}" y="${y + 3}" width="${CELL_W - 6}" height="${CELL_H - 6}" rx="3" fill="none" stroke="#5e35b1" stroke-width="2" stroke-dasharray="4 2"/>`
      : '';
  return (
    `<g class="cell" ${data} data-status="ok" data-exposed="${exposed}" data-unknown="${unknown}">` +
    `<title>${e(title)}</title>${box(step.fill)}${outline}${label(text, step.text)}</g>`
  );
}

function legend(): string {
  const steps = HEAT_SCALE.map(
    (s) => `<span class="swatch" style="background:${s.fill};color:${s.text}">${e(s.label)}</span>`,
  ).join('');
  return (
    `<p class="legend">Exposed groups per account-region: ${steps}` +
    `<span class="swatch" style="background:${FAILED.fill};color:${FAILED.text}">failed</span>` +
    `<span class="swatch" style="background:${NOT_SCANNED.fill};color:${NOT_SCANNED.text}">– not scanned</span>` +
    `<span class="swatch unknown">n +k? k unknown</span></p>`
  );
}

/** What the account's mode does with an exposed group. */
function outcome(account: AccountAudit, group: ExposedGroup): string {
  if (group.exemption) return `exempt: ${group.exemption.reason}; mailed, not changed`;
  const lambda = account.unprotected ? ' (no remediator here: only `sg-guard fix` applies it)' : '';
  switch (account.policy?.mode) {
    case 'enforce':
      return `enforce: the plan is applied${lambda}`;
    case 'notify':
      return 'notify: the plan is mailed, nothing changes';
    case 'off':
      return 'off: left alone';
    default:
      return 'mode unknown';
  }
}

function planList(group: ExposedGroup): string {
  const plan = group.plan;
  const items = [
    ...plan.authorize.map((rule) => ['authorize', `+ authorize ${describeRule(rule)}`]),
    ...plan.revoke.map((rule) => ['revoke', `− revoke ${describeRule(rule)}`]),
    ...plan.dropped.map((dropped) => ['note', `! ${dropped.description}`]),
    ...(plan.fallbackReason ? [['note', `! ${plan.fallbackReason}`]] : []),
  ];
  const strategy =
    plan.appliedStrategy === plan.strategy
      ? plan.strategy
      : `${plan.strategy}, fell back to ${plan.appliedStrategy}`;
  return (
    `<p class="plan-head">plan (${e(strategy)})</p><ul class="plan">` +
    items.map(([kind, text]) => `<li class="${kind}">${e(text)}</li>`).join('') +
    '</ul>'
  );
}

function groupCards(report: AuditReport): string {
  const cards = report.accounts.flatMap((account) =>
    account.regions.flatMap((region) =>
      region.exposedGroups.map((group) => {
        const unknown =
          group.unresolvedPrefixLists.length > 0
            ? `<p class="unknown">unknown: prefix list(s) ${e(group.unresolvedPrefixLists.join(', '))} could not be read; their entries were not checked</p>`
            : '';
        return (
          `<article class="group" data-account="${e(account.accountId)}" data-region="${e(region.region)}" data-group="${e(group.groupId)}">` +
          `<h3>${e(group.groupId)}${group.groupName ? ` <span class="name">${e(group.groupName)}</span>` : ''}</h3>` +
          `<p class="where">${e(accountLabel(account))} · ${e(region.region)}${group.vpcId ? ` · ${e(group.vpcId)}` : ''}</p>` +
          `<p class="outcome">${e(outcome(account, group))}</p>` +
          `<p class="plan-head">exposures</p><ul class="exposures">${group.exposures
            .map((x) => `<li>${e(describeExposureBrief(x))}</li>`)
            .join('')}</ul>${planList(group)}${unknown}</article>`
        );
      }),
    ),
  );
  return cards.length > 0 ? cards.join('') : '<p class="clean">No exposed groups.</p>';
}

function unknownRows(report: AuditReport): string {
  const rows = report.accounts.flatMap((account) =>
    account.regions.flatMap((region) =>
      region.unknownGroups.map(
        (group) =>
          `<tr class="unknown-group" data-account="${e(account.accountId)}" data-region="${e(region.region)}"><td>${e(account.accountId)}</td><td>${e(region.region)}</td><td>${e(group.groupId)}${group.groupName ? ` (${e(group.groupName)})` : ''}</td><td>unknown: ${e(group.unresolvedPrefixLists.join(', '))}</td></tr>`,
      ),
    ),
  );
  if (rows.length === 0) return '';
  return (
    '<section><h2>Exposure unknown</h2><p>These groups reference prefix lists on guarded ports whose entries could not be read. Unknown is not clean: <code>--fail-on-findings</code> fails on them.</p>' +
    `<table><thead><tr><th>account</th><th>region</th><th>group</th><th>prefix lists</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`
  );
}

/** The value at quantile `q` of sorted `values` (nearest rank). */
function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

/** Exposure windows of recent CloudTrail-triggered fixes, per account-region, from the ledgers. */
function exposureWindows(report: AuditReport): string {
  const rows = report.accounts.flatMap((account) =>
    account.regions.flatMap((region) => {
      const seconds = (region.recentFixes ?? [])
        .map((f) => f.exposureSeconds)
        .sort((a, b) => a - b);
      if (seconds.length === 0) return [];
      return [
        `<tr class="exposure-window" data-account="${e(account.accountId)}" data-region="${e(region.region)}"><td>${e(account.accountId)}</td><td>${e(region.region)}</td><td>${seconds.length}</td><td>${quantile(seconds, 0.5)} s</td><td>${quantile(seconds, 0.99)} s</td><td>${seconds.at(-1)} s</td></tr>`,
      ];
    }),
  );
  if (rows.length === 0) return '';
  return (
    '<section><h2>Exposure windows of recent fixes</h2><p>How long groups were open to the internet, from the API call that opened them to sg-guard’s fix (fixes triggered by CloudTrail, from each account-region’s ledger).</p>' +
    `<table><thead><tr><th>account</th><th>region</th><th>fixes</th><th>p50</th><th>p99</th><th>longest</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`
  );
}

function accountRows(report: AuditReport): string {
  return report.accounts
    .map((a) => {
      const ok = a.regions.filter((r) => r.status === 'ok').length;
      const exposed = a.regions.reduce((sum, r) => sum + r.exposedGroups.length, 0);
      const protection = a.unprotected
        ? `<td class="warn">${e(a.unprotected.message)}</td>`
        : '<td>member stack (StackSet)</td>';
      return (
        `<tr class="account" data-account="${e(a.accountId)}"><td>${e(a.accountId)}</td><td>${e(a.accountName)}</td>` +
        `<td class="mode" data-mode="${e(a.policy?.mode ?? 'unknown')}">${e(describeMode(a.policy))}</td>${protection}` +
        `<td>${ok}/${a.regions.length}</td><td>${exposed}</td></tr>`
      );
    })
    .join('');
}

const STYLE = `
:root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#212121}
body{margin:0 auto;padding:24px 32px;max-width:1400px;background:#fafafa}
h1{margin:0 0 4px;font-size:26px}h2{margin:32px 0 8px;font-size:20px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{margin:0 0 4px;font-size:15px;font-family:ui-monospace,"DejaVu Sans Mono",monospace}
header p{margin:2px 0;color:#424242}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.card{background:#fff;border:1px solid #e0e0e0;border-radius:8px;padding:10px 16px;min-width:120px}
.card b{display:block;font-size:24px}.card.bad b{color:#c62828}.card.warn b{color:#5e35b1}
.map{overflow:auto;background:#fff;border:1px solid #e0e0e0;border-radius:8px;padding:8px}
.heatmap text{font-size:13px}.heatmap .col{font-weight:600}.heatmap .row{font-weight:600}
.heatmap .row-sub{fill:#616161;font-size:11px}.heatmap .row-sub.warn{fill:#c62828;font-weight:700}
.heatmap .corner{fill:#757575;font-size:12px}
.legend{font-size:13px}.swatch{display:inline-block;padding:2px 8px;margin:0 3px;border-radius:3px;border:1px solid #ccc}
.swatch.unknown{border:2px dashed #5e35b1}
table{border-collapse:collapse;background:#fff;width:100%;font-size:13px}
th,td{border:1px solid #e0e0e0;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f0f0f0}
td.warn,.warn{color:#c62828}
.groups{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:12px}
.group{background:#fff;border:1px solid #e0e0e0;border-left:4px solid #d73027;border-radius:6px;padding:10px 14px}
.group .name{font-family:system-ui,sans-serif;font-weight:400;color:#424242}
.group p{margin:2px 0;font-size:13px}.where{color:#616161}.outcome{font-weight:600}
.plan-head{margin-top:6px!important;font-size:12px!important;text-transform:uppercase;color:#757575}
ul{margin:2px 0;padding-left:18px;font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px}
li.authorize{color:#1b5e20}li.revoke{color:#b71c1c}li.note{color:#6d4c41}
.unknown{color:#5e35b1;font-weight:600}.clean{color:#1b5e20;font-weight:600}
footer{margin-top:32px;color:#757575;font-size:12px}
`;

/**
 * The report as a self-contained HTML document: header (when, what, settings), summary cards,
 * the accounts × regions heatmap of exposed groups, accounts with their modes and protection,
 * every exposed group with its plan, groups whose exposure is unknown, and the problems.
 */
export function renderHtmlReport(report: AuditReport): string {
  const s = report.summary;
  const failures = s.failedAccounts + s.failedAccountRegions;
  const card = (value: number, label: string, kind = '') =>
    `<div class="card ${kind}" data-metric="${e(label)}"><b>${value}</b>${e(label)}</div>`;
  const issues = problems(report);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sg-guard posture report ${e(report.generatedAt)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>sg-guard posture report</h1>
<p class="generated">Generated <time datetime="${e(report.generatedAt)}">${e(report.generatedAt)}</time></p>
<p class="scanned">${e(summaryLine(report))}</p>
<p class="settings">${e(settingsLine(report))}</p>
</header>
<div class="cards">${card(s.accounts, 'accounts')}${card(s.accountRegions, 'account-regions')}${card(s.groupsScanned, 'groups scanned')}${card(s.exposedGroups, 'exposed groups', s.exposedGroups > 0 ? 'bad' : '')}${card(s.unknownGroups, 'unknown', s.unknownGroups > 0 ? 'warn' : '')}${card(failures, 'failures', failures > 0 ? 'bad' : '')}${card(s.unprotectedAccounts, 'not protected', s.unprotectedAccounts > 0 ? 'bad' : '')}</div>
<section><h2>Exposed groups by account and region</h2>
<div class="map">${heatmap(report)}</div>${legend()}</section>
<section><h2>Accounts</h2>
<table><thead><tr><th>account</th><th>name</th><th>mode (source)</th><th>protection</th><th>regions scanned</th><th>exposed</th></tr></thead><tbody>${accountRows(report)}</tbody></table></section>
<section><h2>Exposed groups and their plans</h2><div class="groups">${groupCards(report)}</div></section>
${unknownRows(report)}
${exposureWindows(report)}
${issues.length > 0 ? `<section><h2>Problems</h2><ul class="problems">${issues.map((line) => `<li>${e(line)}</li>`).join('')}</ul></section>` : ''}
<footer>sg-guard audit --format html · ports ${e(report.ports.join(', '))} · strategy ${e(report.strategy)} · self-contained: no scripts, no external requests</footer>
</body>
</html>
`;
}
