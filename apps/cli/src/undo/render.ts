/**
 * The undo as the terminal shows it: the confirmation's preview and the results. Every part
 * taken from a record is sanitized (a record file can be forged).
 */
import {
  describeRule,
  sanitizeText,
  TEXT_LIMITS,
  type UndoLeftAloneReason,
} from '@sg-guard/remediation-core';
import type { UndoPreview, UndoResult, UndoStatus, UndoStepResult } from './undo.js';

/**
 * Text from a record as the terminal may show it: a record file can be forged, and its names,
 * ids, descriptions or the reasons quoting them must not move the cursor, colour the screen,
 * reorder text or add lines (`sanitizeText`: one line, bounded).
 */
const shown = (text: string): string => sanitizeText(text, TEXT_LIMITS.reason);

/**
 * The output, checked once more line by line: every part from a record is already one clean
 * line (see `shown`); this keeps a part that slipped through from carrying control characters.
 */
export function terminalSafe(text: string): string {
  return text
    .split('\n')
    .map((line) => sanitizeLine(line))
    .join('\n');
}

/** A line without control characters, keeping its indentation. */
function sanitizeLine(line: string): string {
  const indent = /^ */.exec(line)?.[0] ?? '';
  const rest = line.slice(indent.length);
  return rest === '' ? indent : `${indent}${sanitizeText(rest, rest.length + 1)}`;
}

/** The confirmation text: per group, what will be re-opened to the world (or that nothing is). */
export function renderPreview(preview: UndoPreview): string {
  const lines = preview.groups.flatMap((group) => {
    const name = group.groupName ? `${group.groupId} (${shown(group.groupName)})` : group.groupId;
    const head = `${name} in ${group.accountId} ${group.region}: ${group.changes} change(s)`;
    const reopened =
      group.reopened.length === 0
        ? ['  re-opens nothing to the world']
        : [
            '  RE-OPENS TO THE WORLD:',
            ...group.reopened.map((rule) => `    + ${shown(describeRule(rule))}`),
          ];
    const unverified = group.unverified.map(
      (u) => `  NOT VERIFIED (--force): record ${shown(u.recordId)}: ${shown(u.reason)}`,
    );
    return [head, ...reopened, ...unverified];
  });
  return terminalSafe(`${lines.join('\n')}\n`);
}

const RESULT_WORDS: Readonly<Record<UndoStepResult['result'], string>> = {
  done: '',
  would: 'would ',
  'already-in-place': 'already in place, skipped: ',
  'already-gone': 'already gone, skipped: ',
  'left-alone': 'left alone: ',
};

const WHY_WORDS: Readonly<Record<UndoLeftAloneReason, string>> = {
  'existed-before': 'it existed before sg-guard authorized it',
  'unknown-origin':
    'an older record without the created flag or a rule id; it may have existed before',
  'changed-since': 'its owner has changed it since',
};

const STATUS_WORDS: Readonly<Record<UndoStatus, string>> = {
  undone: 'undone',
  'would-undo': 'would undo',
  'already-undone': 'already undone',
  'nothing-to-undo': 'nothing to undo',
  refused: 'REFUSED',
  declined: 'not confirmed, nothing changed',
  failed: 'failed',
};

function verificationLine(result: UndoResult): string[] {
  const v = result.verification;
  if (v === undefined) return [];
  if (v.status === 'verified') return [`  verified: matches its ledger entry (${v.entryStatus})`];
  if (v.forced) return [`  NOT VERIFIED, acted on with --force: ${shown(v.reason)}`];
  return [`  refused: ${shown(v.reason)}`];
}

/** The results as text: one block per record, one line per step, and a summary. */
export function renderUndoResults(results: readonly UndoResult[], dryRun: boolean): string {
  if (results.length === 0) return 'No records.\n';
  const blocks = results.map((r) => {
    const group = r.groupName ? `${r.groupId} (${shown(r.groupName)})` : r.groupId;
    const head = `${r.time} ${r.accountId} ${r.region} ${group} [${r.action} ${shown(r.recordId)}]: ${STATUS_WORDS[r.status]}`;
    const steps = r.steps.map((s) => {
      const verb = s.action === 'authorize' ? 're-authorize' : 'revoke';
      const sign = s.action === 'authorize' ? '+' : '-';
      const world = s.reopensToWorld ? ' (re-opens to the world)' : '';
      const why = s.why ? ` (${WHY_WORDS[s.why]})` : '';
      return `  ${sign} ${RESULT_WORDS[s.result]}${verb} ${shown(describeRule(s.rule))}${world}${why}`;
    });
    return [
      head,
      ...verificationLine(r),
      ...steps,
      ...(r.error ? [`  error: ${shown(r.error.message)}`] : []),
    ].join('\n');
  });
  const count = (status: UndoStatus) => results.filter((r) => r.status === status).length;
  const acted = dryRun ? `${count('would-undo')} would undo` : `${count('undone')} undone`;
  const summary = `${results.length} record(s): ${acted}, ${count('refused')} refused, ${count('failed')} failed`;
  const forced = results.filter(
    (r) => r.verification?.status === 'unverified' && r.verification.forced,
  );
  const warning =
    forced.length > 0
      ? [
          `WARNING: ${forced.length} record(s) ${dryRun ? 'would be' : 'were'} acted on without ledger verification (--force).`,
        ]
      : [];
  return terminalSafe(`${[...blocks, summary, ...warning].join('\n')}\n`);
}
