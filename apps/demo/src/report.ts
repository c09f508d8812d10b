/** The demo as text for people, or as one JSON summary for machines. */
import {
  type AuditReport,
  type AuditSummary,
  formatAuditReport,
  type OutputStream,
  renderPreview,
  renderTable,
  renderUndoResults,
  type UndoResult,
} from '@sg-guard/cli';
import { DEMO_REGIONS } from './estate.js';
import type { DemoInvocation, DemoMail, DemoReporter, DemoUndo } from './run.js';

const OUTCOMES: Readonly<Record<string, string>> = {
  remediated: 'remediated (mail sent)',
  'would-remediate': 'notify mode: plan mailed, nothing changed',
  'skipped-off': 'mode off: left alone, no mail',
  'not-exposed': 'nothing exposed any more: no change, no mail',
  'already-fixed': 'already fixed: no change, no mail',
  suppressed: 'already mailed: no mail',
};

/**
 * The mail ends with the record as one JSON line for machines; on a terminal that line is
 * hundreds of characters of noise, so the narrative shows its size instead.
 */
function elideRecord(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) =>
      line.startsWith('{"schemaVersion"')
        ? `{…the record, ${line.length} characters of JSON…}`
        : line,
    )
    .join('\n');
}

/** Prints each phase as it happens. */
export function textReporter(out: OutputStream): DemoReporter & { finished(ms: number): void } {
  const heading = (text: string) => out.write(`\n## ${text}\n\n`);
  return {
    emulatorStarted(endpoint) {
      out.write(
        'sg-guard demo: the whole loop against a local AWS emulator, no AWS account needed\n',
      );
      heading(`Emulator: moto_server at ${endpoint}`);
    },
    estateBuilt({ accounts, groups, exposed }) {
      out.write(
        `Organization: management account and ${accounts.length} members, regions ${DEMO_REGIONS.join(', ')}\n`,
      );
      out.write(
        renderTable(
          ['ACCOUNT', 'ID', 'MODE'],
          accounts.map((a) => [a.name, a.accountId, a.note]),
        ),
      );
      out.write(
        `${groups} security groups opened in varied shapes; ${exposed} expose SSH to the internet.\n`,
      );
    },
    audited(when, report) {
      heading(
        when === 'before'
          ? `Audit before (sg-guard audit --org --regions ${DEMO_REGIONS.join(',')})`
          : 'Audit after: only what notify and off accounts keep on purpose',
      );
      out.write(formatAuditReport(report, 'table'));
    },
    invoked: (() => {
      let first = true;
      return (invocation: DemoInvocation) => {
        if (first) {
          heading(
            'Remediator Lambda: the real handler, one container per account and region, real event shapes',
          );
          first = false;
        }
        const trigger = invocation.repeat ? `${invocation.trigger} (again)` : invocation.trigger;
        out.write(
          `${trigger.padEnd(26)} ${invocation.account.padEnd(10)} ${invocation.region.padEnd(10)} ` +
            `${invocation.groupName.padEnd(26)} -> ${OUTCOMES[invocation.outcome] ?? invocation.outcome}\n`,
        );
      };
    })(),
    inbox(mails) {
      heading(`Central inbox: ${mails.length} mail(s) to the security team`);
      mails.forEach((mail, index) => {
        const lost = mail.delivered ? '' : ' [NOT DELIVERED TO THE TOPIC QUEUE]';
        out.write(
          `--- mail ${index + 1} of ${mails.length}${lost} ---\nSubject: ${mail.subject}\n\n${elideRecord(mail.text)}\n\n`,
        );
      });
    },
    recordsWritten(file, records) {
      heading(`Records: ${records.length} remediation record(s) from the central queue`);
      out.write(
        `Written to ${file} (JSON Lines, as \`sg-guard undo --records <file>\` reads them; ` +
          'the emulator holding their groups stops with the demo)\n',
      );
    },
    undone(undo) {
      heading(`Undo: one record of that file, verified against the ledger, then reversed`);
      out.write(`$ ${undo.command}  (only record ${undo.recordId})\n`);
      out.write(renderPreview(undo.preview));
      out.write(renderUndoResults(undo.results, false));
      out.write(`\nInbound rules of ${undo.groupId}, re-described:\n`);
      out.write(`  before the undo: ${undo.rulesBefore.join('; ') || '(none)'}\n`);
      out.write(`  after the undo:  ${undo.rulesAfter.join('; ') || '(none)'}\n`);
    },
    finished(ms) {
      out.write(`\nDone in ${(ms / 1000).toFixed(1)} s; emulator stopped.\n`);
    },
  };
}

/** What `demo --json` prints. */
export interface DemoSummary {
  readonly durationMs: number;
  readonly accounts: { name: string; accountId: string; note: string }[];
  readonly groups: { readonly total: number; readonly exposed: number };
  readonly before?: AuditSummary;
  readonly after?: AuditSummary;
  readonly invocations: DemoInvocation[];
  readonly inbox: { subject: string; delivered: boolean }[];
  /** The JSON Lines file the records were written to. */
  readonly recordsFile?: string;
  /** The records the central queue received, in order. */
  readonly records: readonly Record<string, unknown>[];
  /** The closing undo of one of those records. */
  readonly undo?: {
    readonly recordId: string;
    readonly groupId: string;
    readonly results: readonly UndoResult[];
    readonly rulesBefore: readonly string[];
    readonly rulesAfter: readonly string[];
  };
}

/** Collects the summary; prints nothing until asked. */
export function jsonReporter(): DemoReporter & { summary(durationMs: number): DemoSummary } {
  let accounts: DemoSummary['accounts'] = [];
  let groups = { total: 0, exposed: 0 };
  const audits: { before?: AuditReport; after?: AuditReport } = {};
  const invocations: DemoInvocation[] = [];
  let mails: readonly DemoMail[] = [];
  let written: { file?: string; records: readonly Record<string, unknown>[] } = { records: [] };
  let undone: DemoUndo | undefined;
  return {
    emulatorStarted() {},
    estateBuilt(estate) {
      accounts = estate.accounts;
      groups = { total: estate.groups, exposed: estate.exposed };
    },
    audited(when, report) {
      audits[when] = report;
    },
    invoked(invocation) {
      invocations.push(invocation);
    },
    inbox(received) {
      mails = received;
    },
    recordsWritten(file, records) {
      written = { file, records };
    },
    undone(undo) {
      undone = undo;
    },
    summary: (durationMs) => ({
      durationMs,
      accounts,
      groups,
      ...(audits.before ? { before: audits.before.summary } : {}),
      ...(audits.after ? { after: audits.after.summary } : {}),
      invocations,
      inbox: mails.map((mail) => ({ subject: mail.subject, delivered: mail.delivered })),
      ...(written.file ? { recordsFile: written.file } : {}),
      records: written.records,
      ...(undone
        ? {
            undo: {
              recordId: undone.recordId,
              groupId: undone.groupId,
              results: undone.results,
              rulesBefore: undone.rulesBefore,
              rulesAfter: undone.rulesAfter,
            },
          }
        : {}),
    }),
  };
}
