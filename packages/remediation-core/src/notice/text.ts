import type { RecordedRule, RemediationRecord } from '../model.js';
import { planUndo, undoSteps } from '../record/undo.js';
import {
  exposureWhy,
  policySourceInWords,
  portsInWords,
  ruleInFull,
  triggerInWords,
} from './words.js';

const UNDO_COMMAND = 'sg-guard undo --records <file>';
const LEDGER_UNDO_COMMAND = 'sg-guard undo --from-ledger';

/** One line per rule; past `limit`, one line that says how many were left out. */
function bullets(
  rules: readonly RecordedRule[],
  indent = '  ',
  limit = Number.POSITIVE_INFINITY,
): string[] {
  const shown = rules.slice(0, limit).map((rule) => `${indent}- ${ruleInFull(rule)}`);
  const left = rules.length - shown.length;
  return left > 0
    ? [...shown, `${indent}- … and ${left} more (all of them are in the record)`]
    : shown;
}

/** `2 h 5 min 3 s`. */
function durationInWords(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return [h ? `${h} h` : '', m ? `${m} min` : '', `${s} s`].filter(Boolean).join(' ');
}

function section(title: string, lines: readonly string[]): string[] {
  return lines.length === 0 ? [] : ['', title, ...lines];
}

/** Guarded ports the record's exposures open, ascending and distinct. */
function exposedPorts(record: RemediationRecord): number[] {
  return [...new Set(record.exposures.flatMap((e) => e.ports))].sort((a, b) => a - b);
}

function headline(record: RemediationRecord): string {
  const ports = exposedPorts(record);
  const access = ports.length > 0 ? `${portsInWords(ports)} to the internet` : 'internet access';
  const open = ports.length > 0 ? `${portsInWords(ports)} open to the internet` : 'internet access';
  const account = record.accountName
    ? `${record.accountId} (${record.accountName})`
    : record.accountId;
  const where = `security group ${record.groupId} in account ${account}, ${record.region}`;
  switch (record.action) {
    case 'remediated':
      return `sg-guard closed ${access} on ${where}.`;
    case 'would-remediate':
      return `sg-guard found ${open} on ${where}. The account is in notify mode, so sg-guard changed nothing; below is what it would do in enforce mode.`;
    case 'exempted':
      return `sg-guard found ${open} on ${where}. The group is exempt, so sg-guard changed nothing.`;
    case 'failed':
      return `sg-guard FAILED to close ${access} on ${where}. The exposure may still be open.`;
  }
}

function facts(record: RemediationRecord): string[] {
  const account = record.accountName
    ? `${record.accountId} (${record.accountName})`
    : record.accountId;
  const group = [
    record.groupId,
    record.groupName ? ` (${record.groupName})` : '',
    record.vpcId ? `, VPC ${record.vpcId}` : '',
  ].join('');
  const actor = record.actor ? `, by ${record.actor}` : '';
  const eventTime = record.eventTime ? ` at ${record.eventTime}` : '';
  return [
    `Action:         ${record.action}`,
    `Account:        ${account}`,
    `Region:         ${record.region}`,
    `Security group: ${group}`,
    `Mode:           ${record.mode} (${policySourceInWords(record.policySource)})`,
    `Trigger:        ${triggerInWords(record.trigger, record.configRuleName)}${actor}`,
    ...(record.eventId ? [`Event:          ${record.eventId}${eventTime}`] : []),
    ...(record.exposureSeconds !== undefined
      ? [
          `Open for:       ${durationInWords(record.exposureSeconds)} (from the API call to the fix)`,
        ]
      : []),
    ...(record.managedBy
      ? [
          `Managed by:     ${record.managedBy.tool}${record.managedBy.stack ? ` (${record.managedBy.stack})` : ''}: fix the template or the next deployment re-opens it`,
        ]
      : []),
    ...(record.repeat
      ? [
          `REPEAT:         this group was fixed at ${record.repeat.previousTime} (record ${record.repeat.previousRecordId}) and is open again`,
        ]
      : []),
    `Decided at:     ${record.time}`,
    `Record:         ${record.recordId}`,
  ];
}

function exposures(record: RemediationRecord, limit: number): string[] {
  const shown = record.exposures.slice(0, limit);
  const left = record.exposures.length - shown.length;
  const lines = shown.map(
    (e) =>
      `  - ${ruleInFull(e.rule)}: exposes ${portsInWords(e.ports)}; ${exposureWhy(e.rule, e.family, e.reason)}`,
  );
  if (left > 0) lines.push(`  - … and ${left} more (all of them are in the record)`);
  return section('Exposures', lines.length > 0 ? lines : ['  (none found)']);
}

interface ChangeList {
  readonly authorized: readonly RecordedRule[];
  readonly revoked: readonly RecordedRule[];
  readonly dropped: readonly string[];
}

/** Labels in the past tense (changes made) or the conditional (changes planned). */
const MADE = {
  authorized: 'Authorized first, so other ports stay open:',
  revoked: 'Revoked:',
  dropped: 'Access dropped:',
};
const PLANNED = {
  authorized: 'Would authorize first, so other ports stay open:',
  revoked: 'Would revoke:',
  dropped: 'Access that would be dropped:',
};

function changeLines(changes: ChangeList, labels: typeof MADE, limit: number): string[] {
  return [
    ...(changes.authorized.length > 0
      ? [`  ${labels.authorized}`, ...bullets(changes.authorized, '    ', limit)]
      : []),
    ...(changes.revoked.length > 0
      ? [`  ${labels.revoked}`, ...bullets(changes.revoked, '    ', limit)]
      : []),
    ...(changes.dropped.length > 0
      ? [`  ${labels.dropped}`, ...changes.dropped.map((d) => `    - ${d}`)]
      : []),
  ];
}

function strategyLine(record: RemediationRecord): string {
  return record.fallbackReason !== undefined
    ? `  Strategy: ${record.strategy}, fell back to ${record.appliedStrategy}: ${record.fallbackReason}`
    : `  Strategy: ${record.appliedStrategy}`;
}

function changes(record: RemediationRecord, limit: number): string[] {
  switch (record.action) {
    case 'remediated':
      return section('Changes made', [strategyLine(record), ...changeLines(record, MADE, limit)]);
    case 'would-remediate':
      return section('Changes sg-guard would make in enforce mode (nothing was changed)', [
        strategyLine(record),
        ...changeLines(record, PLANNED, limit),
      ]);
    case 'exempted':
      return section('Changes sg-guard would have made without the exemption', [
        strategyLine(record),
        ...changeLines(record, PLANNED, limit),
      ]);
    case 'failed': {
      const planned = changeLines(
        {
          authorized: record.planned?.authorize ?? [],
          revoked: record.planned?.revoke ?? [],
          dropped: [],
        },
        PLANNED,
        limit,
      );
      const made = changeLines(record, MADE, limit);
      return [
        ...section('Changes planned', [strategyLine(record), ...planned]),
        ...section('Changes made before the failure', made.length > 0 ? made : ['  none']),
      ];
    }
  }
}

function exemption(record: RemediationRecord): string[] {
  if (record.exemption === undefined) return [];
  return section('Exemption', [
    `  Reason: ${record.exemption.reason}`,
    `  Until:  ${record.exemption.until ?? 'open-ended (no sg-guard:exempt-until tag)'}`,
  ]);
}

function failure(record: RemediationRecord): string[] {
  if (record.error === undefined) return [];
  const { code, message, missingPermission } = record.error;
  return section('Failure', [
    `  Error: ${code}: ${message}`,
    ...(missingPermission
      ? [
          `  Missing permission: ${missingPermission}`,
          '  Grant it to the sg-guard remediator role. If the role already allows it, a service',
          '  control policy (SCP) of the organization is the likely cause: it denies the action',
          '  whatever the role says.',
        ]
      : []),
  ]);
}

/** The manual undo, as the one undo planner decides it (the same as `sg-guard undo`). */
function undo(record: RemediationRecord, limit: number): string[] {
  const steps = undoSteps(record);
  // A re-added rule gets a new id, so the old one is not shown.
  const reAdd = steps
    .filter((step) => step.action === 'authorize')
    .map(({ rule: { ruleId: _id, ...rule } }) => rule);
  const remove = steps.filter((step) => step.action === 'revoke').map((step) => step.rule);
  const keep = planUndo(record).leftAlone;
  if (reAdd.length + remove.length === 0) {
    return section('How to undo', ['  Nothing to undo: sg-guard changed nothing.']);
  }
  return section('How to undo', [
    `  Run: ${LEDGER_UNDO_COMMAND} --account ${record.accountId} --region ${record.region} --group ${record.groupId} --record ${record.recordId}`,
    `  (or save the record below as one line of a file and run ${UNDO_COMMAND});`,
    '  either way sg-guard checks the record against its ledger before it re-opens anything.',
    `  By hand, in account ${record.accountId}, ${record.region}, group ${record.groupId}:`,
    ...(reAdd.length > 0 ? ['    re-add:', ...bullets(reAdd, '      ', limit)] : []),
    ...(remove.length > 0
      ? ['    remove (sg-guard added these):', ...bullets(remove, '      ', limit)]
      : []),
    ...(keep.length > 0
      ? [
          '    keep (sg-guard did not add these, or their owner changed them since):',
          ...bullets(
            keep.map((left) => left.rule),
            '      ',
            limit,
          ),
        ]
      : []),
  ]);
}

/** How much of a record the mail spells out; the record itself is never shortened. */
export interface TextOptions {
  /** Rules listed per section before "… and N more". @default no limit */
  readonly rulesPerSection?: number;
  /** Whether the record is repeated as one JSON line at the end. @default true */
  readonly withRecordLine?: boolean;
}

/**
 * The readable mail body, rendered from the record alone: headline, facts (account, region,
 * group, mode and where it came from, trigger, actor, event, exposure window, IaC owner,
 * repeat), exposures and why, changes (made, planned or skipped), exemption or failure, policy
 * warnings, how to undo, and the record as one JSON line.
 */
export function buildText(record: RemediationRecord, options: TextOptions = {}): string {
  const limit = options.rulesPerSection ?? Number.POSITIVE_INFINITY;
  const recordLine =
    options.withRecordLine === false
      ? [
          `The record was too large to repeat here: it is the notice's machine-readable message and the ledger entry ${record.recordId}.`,
        ]
      : ['Record (JSON, one line):', JSON.stringify(record)];
  return [
    headline(record),
    '',
    ...facts(record),
    ...exposures(record, limit),
    ...changes(record, limit),
    ...exemption(record),
    ...failure(record),
    ...section(
      'Policy warnings',
      record.warnings.map((w) => `  - ${w}`),
    ),
    ...undo(record, limit),
    '',
    ...recordLine,
    '',
  ].join('\n');
}
