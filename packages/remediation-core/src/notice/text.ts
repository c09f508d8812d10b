import type { NoticeInput, RecordedRule, RemediationRecord } from '../model.js';
import { undoPlan } from '../record/undo.js';
import { droppedInWords, toRecordedRule } from './build-record.js';
import {
  exposureWhy,
  policySourceInWords,
  portsInWords,
  ruleInFull,
  triggerInWords,
} from './words.js';

const UNDO_COMMAND = 'pnpm sg-guard undo --records <file>';

function bullets(rules: readonly RecordedRule[], indent = '  '): string[] {
  return rules.map((rule) => `${indent}- ${ruleInFull(rule)}`);
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

function facts(record: RemediationRecord, input: NoticeInput): string[] {
  const account = record.accountName
    ? `${record.accountId} (${record.accountName})`
    : record.accountId;
  const group = [
    record.groupId,
    record.groupName ? ` (${record.groupName})` : '',
    record.vpcId ? `, VPC ${record.vpcId}` : '',
  ].join('');
  const actor = record.actor ? `, by ${record.actor}` : '';
  const eventTime = input.finding.eventTime ? ` at ${input.finding.eventTime}` : '';
  return [
    `Action:         ${record.action}`,
    `Account:        ${account}`,
    `Region:         ${record.region}`,
    `Security group: ${group}`,
    `Mode:           ${record.mode} (${policySourceInWords(record.policySource)})`,
    `Trigger:        ${triggerInWords(record.trigger, input.finding.configRuleName)}${actor}`,
    ...(record.eventId ? [`Event:          ${record.eventId}${eventTime}`] : []),
    `Decided at:     ${record.time}`,
    `Record:         ${record.recordId}`,
  ];
}

function exposures(record: RemediationRecord): string[] {
  const lines = record.exposures.map(
    (e) =>
      `  - ${ruleInFull(e.rule)}: exposes ${portsInWords(e.ports)}; ${exposureWhy(e.rule, e.family, e.reason)}`,
  );
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

function changeLines(changes: ChangeList, labels: typeof MADE): string[] {
  return [
    ...(changes.authorized.length > 0
      ? [`  ${labels.authorized}`, ...bullets(changes.authorized, '    ')]
      : []),
    ...(changes.revoked.length > 0
      ? [`  ${labels.revoked}`, ...bullets(changes.revoked, '    ')]
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

function changes(record: RemediationRecord, input: NoticeInput): string[] {
  switch (record.action) {
    case 'remediated':
      return section('Changes made', [strategyLine(record), ...changeLines(record, MADE)]);
    case 'would-remediate':
      return section('Changes sg-guard would make in enforce mode (nothing was changed)', [
        strategyLine(record),
        ...changeLines(record, PLANNED),
      ]);
    case 'exempted':
      return section('Changes sg-guard would have made without the exemption', [
        strategyLine(record),
        ...changeLines(record, PLANNED),
      ]);
    case 'failed': {
      const planned = changeLines(
        {
          authorized: input.plan.authorize.map(toRecordedRule),
          revoked: input.plan.revoke.map(toRecordedRule),
          dropped: input.plan.dropped.map(droppedInWords),
        },
        PLANNED,
      );
      const made = changeLines(record, MADE);
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

function undo(record: RemediationRecord): string[] {
  const plan = undoPlan(record);
  if (plan.authorize.length + plan.revoke.length === 0) {
    return section('How to undo', ['  Nothing to undo: sg-guard changed nothing.']);
  }
  return section('How to undo', [
    '  Save the record below as one line of a file and run:',
    `    ${UNDO_COMMAND}`,
    `  Or by hand, in account ${record.accountId}, ${record.region}, group ${record.groupId}:`,
    ...(plan.authorize.length > 0 ? ['    re-add:', ...bullets(plan.authorize, '      ')] : []),
    ...(plan.revoke.length > 0 ? ['    remove:', ...bullets(plan.revoke, '      ')] : []),
  ]);
}

/**
 * The readable mail body: headline, facts (account, region, group, mode and where it came from,
 * trigger, actor, event), exposures and why, changes (made, planned or skipped), exemption or
 * failure, policy warnings, how to undo, and the record as one JSON line.
 */
export function buildText(record: RemediationRecord, input: NoticeInput): string {
  return [
    headline(record),
    '',
    ...facts(record, input),
    ...exposures(record),
    ...changes(record, input),
    ...exemption(record),
    ...failure(record),
    ...section(
      'Policy warnings',
      record.warnings.map((w) => `  - ${w}`),
    ),
    ...undo(record),
    '',
    'Record (JSON, one line):',
    JSON.stringify(record),
    '',
  ].join('\n');
}
