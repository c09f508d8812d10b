import type { RemediationRecord } from '../model.js';
import { portName, SUBJECT_ACTION } from './words.js';

/** SNS accepts subjects of fewer than 100 printable ASCII characters. */
export const MAX_SUBJECT_LENGTH = 99;

/** Printable ASCII only, one line: SNS rejects anything else in a subject. */
function ascii(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[^\x20-\x7e]/g, '?');
}

/** `text` cut to `max` characters, ending in `...` when cut. */
function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/** Guarded ports the record's exposures open, ascending and distinct. */
function exposedPorts(record: RemediationRecord): number[] {
  return [...new Set(record.exposures.flatMap((e) => e.ports))].sort((a, b) => a - b);
}

/**
 * The mail subject: action, what was open, group, account and region, always under 100
 * printable ASCII characters. When it would be longer, the group name is shortened or left out
 * first, then the exposure is said more briefly; the ids are kept whole as long as possible.
 *
 * @example
 * buildSubject(record);
 * // → '[sg-guard] remediated: SSH open to the internet on sg-0123456789abcdef0 (web) in 111122223333 eu-west-1'
 */
export function buildSubject(record: RemediationRecord): string {
  const ports = exposedPorts(record);
  const names = ports.map(portName).join(', ');
  const what = [
    `${names} open to the internet`,
    `${names} open`,
    ...(ports.length > 1 ? [`${ports.length} ports open`] : []),
    '',
  ];
  const tail = ` in ${ascii(record.accountId)} ${ascii(record.region)}`;
  const name = record.groupName ? ascii(record.groupName) : '';
  for (const exposure of ports.length === 0 ? [''] : what) {
    const head = `[sg-guard] ${SUBJECT_ACTION[record.action]}: ${exposure ? `${exposure} on ` : ''}${ascii(record.groupId)}`;
    const base = `${head}${tail}`;
    if (base.length > MAX_SUBJECT_LENGTH) continue;
    // Room for ` (name)`; a name shorter than a few characters after cutting says nothing.
    const room = MAX_SUBJECT_LENGTH - base.length - 3;
    if (name === '' || room < 8) return base;
    return `${head} (${clip(name, room)})${tail}`;
  }
  return clip(
    `[sg-guard] ${SUBJECT_ACTION[record.action]}: ${ascii(record.groupId)}${tail}`,
    MAX_SUBJECT_LENGTH,
  );
}
