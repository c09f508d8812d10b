import type { Notice, NoticeInput } from '../model.js';
import { buildRecord } from './build-record.js';
import { buildSubject } from './subject.js';
import { buildText } from './text.js';
import { SEVERITY_BY_ACTION } from './words.js';

export { buildRecord } from './build-record.js';
export { buildSubject, MAX_SUBJECT_LENGTH } from './subject.js';
export { SEVERITY_BY_ACTION } from './words.js';

/**
 * The notice of one decision: subject (< 100 printable ASCII characters), mail text, record,
 * SNS message attributes, and the `Message` for `Publish` with `MessageStructure: 'json'`
 * (`email` gets the text; `default`, `sqs`, `lambda` and `email-json` get the record as JSON).
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
  const record = buildRecord(input);
  const text = buildText(record, input);
  const recordJson = JSON.stringify(record);
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
    message: JSON.stringify({
      default: recordJson,
      sqs: recordJson,
      lambda: recordJson,
      email: text,
      'email-json': recordJson,
    }),
  };
}
