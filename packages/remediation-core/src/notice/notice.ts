import type { Notice, NoticeInput, RemediationRecord } from '../model.js';
import { buildRecord } from './build-record.js';
import { buildSubject } from './subject.js';
import { buildText } from './text.js';
import { SEVERITY_BY_ACTION } from './words.js';

export { buildRecord } from './build-record.js';
export { buildSubject, MAX_SUBJECT_LENGTH } from './subject.js';
export { buildText, type TextOptions } from './text.js';
export { SEVERITY_BY_ACTION } from './words.js';

/**
 * SNS takes at most 256 KiB per publish (message, subject and attributes together). The message
 * is kept under this many UTF-8 bytes, which leaves room for the rest.
 */
export const MAX_MESSAGE_BYTES = 250_000;

/** How the mail is shortened, step by step, until the message fits. */
const SHORTER: readonly { rulesPerSection?: number; withRecordLine?: boolean }[] = [
  {},
  { rulesPerSection: 20 },
  { rulesPerSection: 20, withRecordLine: false },
  { rulesPerSection: 5, withRecordLine: false },
];

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

function messageOf(recordJson: string, text: string): string {
  // `default` reaches SQS, Lambda, HTTP and email-json subscribers; `email` gets the text.
  return JSON.stringify({ default: recordJson, email: text });
}

/**
 * The notice of one decision: subject (< 100 printable ASCII characters), mail text, record,
 * SNS message attributes, and the `Message` for `Publish` with `MessageStructure: 'json'`.
 *
 * @throws InvalidRecordError when the input cannot make a valid record (see {@link buildRecord}).
 *
 * @example
 * const notice = buildNotice(input);
 * await sns.send(new PublishCommand({
 *   TopicArn, Subject: notice.subject, Message: notice.message, MessageStructure: 'json',
 *   MessageAttributes: Object.fromEntries(Object.entries(notice.attributes)
 *     .map(([k, v]) => [k, { DataType: 'String', StringValue: v }])),
 * }));
 */
export function buildNotice(input: NoticeInput): Notice {
  return renderNotice(buildRecord(input));
}

/**
 * The notice of a record: everything in it is rendered from the record alone (so a pending
 * ledger entry is mailed exactly as it would have been). The message never passes
 * {@link MAX_MESSAGE_BYTES}: the mail is shortened first (and says how much it left out); the
 * record is never cut — when even the record alone is too large, `default` carries a pointer to
 * the ledger entry instead (`truncated: true`), which holds the whole record.
 */
export function renderNotice(record: RemediationRecord): Notice {
  const recordJson = JSON.stringify(record);
  let text = '';
  let message = '';
  for (const options of SHORTER) {
    text = buildText(record, options);
    message = messageOf(recordJson, text);
    if (bytes(message) <= MAX_MESSAGE_BYTES) break;
  }
  if (bytes(message) > MAX_MESSAGE_BYTES) {
    const pointer = JSON.stringify({
      schemaVersion: record.schemaVersion,
      truncated: true,
      recordId: record.recordId,
      action: record.action,
      accountId: record.accountId,
      region: record.region,
      groupId: record.groupId,
      ledger:
        'the whole record is the ledger entry of this group and record id (sg-guard undo --from-ledger)',
    });
    message = messageOf(pointer, text);
  }
  return {
    subject: buildSubject(record),
    text,
    record,
    attributes: {
      action: record.action,
      accountId: record.accountId,
      region: record.region,
      severity: SEVERITY_BY_ACTION[record.action],
    },
    message,
  };
}
