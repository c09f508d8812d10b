import { UnsupportedEventError } from '../errors.js';
import type { ParsedEvent } from '../model.js';
import { CLOUDTRAIL_DETAIL_TYPE, parseCloudTrailEvent } from './cloudtrail.js';
import { clip } from './config-message.js';
import { isDirectInvocation, parseDirectInvocation } from './direct.js';
import { CONFIG_COMPLIANCE_DETAIL_TYPE, parseConfigComplianceEvent } from './eventbridge-config.js';
import { isSnsEvent, parseSnsEvent } from './sns.js';

/** Names the event's shape for an error message without quoting any of its values. */
function describeShape(event: unknown): string {
  if (event === null) return 'null';
  if (Array.isArray(event)) return 'an array';
  if (typeof event !== 'object') return `a ${typeof event}`;
  const record = event as Record<string, unknown>;
  const detailType = record['detail-type'];
  const source = record.source;
  if (typeof detailType === 'string' || typeof source === 'string') {
    const parts = [
      typeof detailType === 'string' ? `detail-type ${JSON.stringify(clip(detailType, 60))}` : '',
      typeof source === 'string' ? `source ${JSON.stringify(clip(source, 40))}` : '',
    ];
    return `an EventBridge event with ${parts.filter(Boolean).join(' and ')}`;
  }
  const keys = Object.keys(record);
  const shown = keys.slice(0, 8).map((key) => clip(key, 30));
  const more = keys.length > shown.length ? `, … (${keys.length} keys)` : '';
  return keys.length === 0 ? 'an empty object' : `an object with keys ${shown.join(', ')}${more}`;
}

/**
 * Turns one Lambda event into findings to act on and parts ignored on purpose.
 *
 * Accepted kinds: a Lambda SNS event wrapping AWS Config delivery-channel messages; EventBridge
 * `Config Rules Compliance Change` (`aws.config`); EventBridge `AWS API Call via CloudTrail`
 * (`aws.ec2`) for `AuthorizeSecurityGroupIngress` and `ModifySecurityGroupRules`; and a direct
 * invocation `{ "groupId": "sg-…" }`. Config messages other than a NON_COMPLIANT security group,
 * plain-text SNS messages, failed calls and other EC2 calls come back in `ignored`.
 *
 * @throws UnsupportedEventError when the event is none of the accepted kinds.
 * @throws MalformedEventError when it is an accepted kind with a bad shape (`issues` lists why).
 *
 * @example
 * const { findings, ignored } = parseEvent({ groupId: 'sg-0123456789abcdef0' });
 * // findings → [{ groupId: 'sg-0123456789abcdef0', trigger: 'direct' }]
 */
export function parseEvent(event: unknown): ParsedEvent {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new UnsupportedEventError(`unsupported event: ${describeShape(event)}`);
  }
  if (isSnsEvent(event)) return parseSnsEvent(event);
  const record = event as Record<string, unknown>;
  if (record['detail-type'] === CONFIG_COMPLIANCE_DETAIL_TYPE && record.source === 'aws.config') {
    return parseConfigComplianceEvent(event);
  }
  if (record['detail-type'] === CLOUDTRAIL_DETAIL_TYPE && record.source === 'aws.ec2') {
    return parseCloudTrailEvent(event);
  }
  if (!('detail-type' in record) && isDirectInvocation(event)) return parseDirectInvocation(event);
  throw new UnsupportedEventError(`unsupported event: ${describeShape(event)}`);
}
