import { describe, expect, it } from 'vitest';
import { SgGuardError, UnsupportedEventError } from '../../../src/errors.js';
import { parseEvent } from '../../../src/events/parse.js';
import { errorOf } from './load-fixture.js';

describe('parseEvent with events of no accepted kind', () => {
  it.each([
    ['null', null, 'unsupported event: null'],
    ['a string', 'sg-0123456789abcdef0', 'unsupported event: a string'],
    ['an array', [{ groupId: 'sg-01234567' }], 'unsupported event: an array'],
    ['an empty object', {}, 'unsupported event: an empty object'],
    [
      'an S3 notification',
      { Records: [{ eventSource: 'aws:s3', s3: {} }] },
      'unsupported event: an object with keys Records',
    ],
    [
      'an SNS event with no records',
      { Records: [] },
      'unsupported event: an object with keys Records',
    ],
    [
      'an EventBridge event of another detail-type',
      { 'detail-type': 'EC2 Instance State-change Notification', source: 'aws.ec2', detail: {} },
      'unsupported event: an EventBridge event with detail-type "EC2 Instance State-change Notification" and source "aws.ec2"',
    ],
    [
      'a CloudTrail event from another service',
      { 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', detail: {} },
      'unsupported event: an EventBridge event with detail-type "AWS API Call via CloudTrail" and source "aws.s3"',
    ],
    [
      'an EventBridge event with a groupId beside its detail-type',
      { 'detail-type': 'Scheduled Event', groupId: 'sg-01234567' },
      'unsupported event: an EventBridge event with detail-type "Scheduled Event"',
    ],
    [
      'an event with a source only',
      { source: 'custom.app' },
      'unsupported event: an EventBridge event with source "custom.app"',
    ],
  ])('rejects %s with an UnsupportedEventError', (_what, event, message) => {
    // Act
    const error = errorOf(() => parseEvent(event));

    // Assess
    expect(error).toBeInstanceOf(UnsupportedEventError);
    expect(error).toBeInstanceOf(SgGuardError);
    expect((error as UnsupportedEventError).code).toBe('UNSUPPORTED_EVENT');
    expect((error as Error).message).toBe(message);
  });

  it('names at most eight keys of an unknown object, never its values', () => {
    // Prepare
    const event = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`key${i}`, `value-${i}`]),
    );

    // Act
    const error = errorOf(() => parseEvent(event));

    // Assess
    expect((error as Error).message).toBe(
      'unsupported event: an object with keys key0, key1, key2, key3, key4, key5, key6, key7, … (10 keys)',
    );
    expect((error as Error).message).not.toContain('value-');
  });
});
