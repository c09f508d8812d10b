import { describe, expect, it } from 'vitest';
import { MalformedEventError } from '../../../src/errors.js';
import { parseEvent } from '../../../src/events/parse.js';
import { errorOf, loadEventFixture, snsEventWithMessage } from './load-fixture.js';

type SnsEvent = { Records: { Sns: { Message: string; MessageId: string } }[] };

function complianceMessage(): Record<string, unknown> {
  const event = loadEventFixture('config-sns-compliance-change.json') as SnsEvent;
  return JSON.parse(event.Records[0]?.Sns.Message ?? '{}') as Record<string, unknown>;
}

describe('parseEvent with SNS records wrapping Config messages', () => {
  it('turns a NON_COMPLIANT security group into a config-sns finding', () => {
    // Prepare
    const event = loadEventFixture('config-sns-compliance-change.json');

    // Act
    const parsed = parseEvent(event);

    // Assess
    expect(parsed).toEqual({
      findings: [
        {
          groupId: 'sg-0b5a36fcc1234abcd',
          accountId: '123456789012',
          region: 'ap-northeast-1',
          trigger: 'config-sns',
          configRuleName: 'restricted-ssh',
          eventId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
          eventTime: '2017-12-05T01:02:05.083Z',
        },
      ],
      ignored: [],
      malformed: [],
    });
  });

  it.each(['COMPLIANT', 'NOT_APPLICABLE', 'INSUFFICIENT_DATA'])(
    'ignores a group that became %s, naming it',
    (complianceType) => {
      // Prepare
      const message = complianceMessage();
      message.newEvaluationResult = { complianceType };

      // Act
      const parsed = parseEvent(snsEventWithMessage(JSON.stringify(message), 'msg-c'));

      // Assess
      expect(parsed.findings).toEqual([]);
      expect(parsed.ignored).toEqual([
        {
          reason: `sg-0b5a36fcc1234abcd is ${complianceType} with Config rule restricted-ssh`,
          trigger: 'config-sns',
          eventId: 'msg-c',
        },
      ]);
    },
  );

  it('ignores a compliance change of another resource type without checking its id', () => {
    // Prepare
    const message = { ...complianceMessage(), resourceType: 'AWS::S3::Bucket', resourceId: 'b' };

    // Act
    const parsed = parseEvent(snsEventWithMessage(JSON.stringify(message)));

    // Assess
    expect(parsed.findings).toEqual([]);
    expect(parsed.ignored[0]?.reason).toBe(
      'compliance change of a AWS::S3::Bucket, not a security group',
    );
  });

  const otherMessages = loadEventFixture('config-messages-ignored.json');
  it.each(Object.keys(otherMessages))('recognises and ignores a Config %s', (messageType) => {
    // Prepare
    const event = snsEventWithMessage(JSON.stringify(otherMessages[messageType]), 'msg-o');

    // Act
    const parsed = parseEvent(event);

    // Assess
    expect(parsed).toEqual({
      findings: [],
      ignored: [
        {
          reason: `Config ${messageType} is not a compliance change`,
          trigger: 'config-sns',
          eventId: 'msg-o',
        },
      ],
      malformed: [],
    });
  });

  it('ignores a message type it has never heard of instead of failing', () => {
    // Act
    const parsed = parseEvent(snsEventWithMessage('{"messageType":"SomethingNew"}'));

    // Assess
    expect(parsed.ignored[0]?.reason).toBe('Config SomethingNew is not a compliance change');
  });

  it('ignores an oversized plain-text message rather than failing', () => {
    // Prepare
    const event = loadEventFixture('config-sns-plain-text.json');

    // Act
    const parsed = parseEvent(event);

    // Assess
    expect(parsed.findings).toEqual([]);
    expect(parsed.ignored).toHaveLength(1);
    expect(parsed.ignored[0]?.reason).toMatch(
      /^SNS message is plain text, not a Config JSON message: "\[AWS Config:ap-northeast-1\] .{0,50}…"$/,
    );
    expect(parsed.ignored[0]?.eventId).toBe('b3a9c2d1-0e4f-5a6b-8c7d-9e0f1a2b3c4d');
  });

  it.each([
    ['a JSON number', '42', 'a JSON number, not an object'],
    ['a JSON array', '[1, 2]', 'a JSON array, not an object'],
    ['a JSON string', '"hello"', 'a JSON string, not an object'],
    ['a JSON null', 'null', 'a JSON null, not an object'],
    [
      'truncated JSON',
      '{"messageType":"ComplianceChangeNotification","resourc',
      'not valid JSON (truncated?)',
    ],
    ['a truncated array', '[{"messageType":', 'not valid JSON (truncated?)'],
  ])('rejects %s as malformed, not as recognised plain text', (_what, message, issue) => {
    // Act
    const error = errorOf(() => parseEvent(snsEventWithMessage(message)));

    // Assess
    expect(error).toBeInstanceOf(MalformedEventError);
    expect((error as MalformedEventError).issues).toEqual([`Records.0.Sns.Message: ${issue}`]);
  });

  it('keeps the findings of good records when another record of the event is malformed', () => {
    // Prepare
    const event = loadEventFixture('config-sns-compliance-change.json') as SnsEvent;
    const first = event.Records[0];
    if (first === undefined) throw new Error('fixture has no record');
    const truncated = structuredClone(first);
    truncated.Sns.MessageId = 'msg-cut';
    truncated.Sns.Message = truncated.Sns.Message.slice(0, 40);
    const noRule = structuredClone(first);
    noRule.Sns.MessageId = 'msg-norule';
    noRule.Sns.Message = JSON.stringify({ ...complianceMessage(), configRuleName: undefined });
    event.Records.push(truncated, noRule);

    // Act
    const parsed = parseEvent(event);

    // Assess
    expect(parsed.findings.map((f) => f.eventId)).toEqual(['95df01b4-ee98-5cb9-9903-4c221d41eb5e']);
    expect(parsed.malformed).toEqual([
      {
        reason: 'malformed SNS event record 1: Records.1.Sns.Message: not valid JSON (truncated?)',
        issues: ['Records.1.Sns.Message: not valid JSON (truncated?)'],
        trigger: 'config-sns',
        eventId: 'msg-cut',
      },
      {
        reason: expect.stringMatching(
          /^malformed SNS event record 2: Records\.2\.Sns\.Message\.configRuleName: /,
        ),
        issues: [expect.stringMatching(/^Records\.2\.Sns\.Message\.configRuleName: /)],
        trigger: 'config-sns',
        eventId: 'msg-norule',
      },
    ]);
  });

  it('reads several records into several findings, and ignored parts beside them', () => {
    // Prepare
    const event = loadEventFixture('config-sns-compliance-change.json') as SnsEvent;
    const first = event.Records[0];
    if (first === undefined) throw new Error('fixture has no record');
    const second = structuredClone(first);
    second.Sns.MessageId = 'msg-2';
    second.Sns.Message = second.Sns.Message.replaceAll(
      'sg-0b5a36fcc1234abcd',
      'sg-0123456789abcdef0',
    );
    const third = structuredClone(first);
    third.Sns.MessageId = 'msg-3';
    third.Sns.Message = 'plain text';
    event.Records.push(second, third);

    // Act
    const parsed = parseEvent(event);

    // Assess
    expect(parsed.findings.map((f) => [f.groupId, f.eventId])).toEqual([
      ['sg-0b5a36fcc1234abcd', '95df01b4-ee98-5cb9-9903-4c221d41eb5e'],
      ['sg-0123456789abcdef0', 'msg-2'],
    ]);
    expect(parsed.ignored.map((i) => i.eventId)).toEqual(['msg-3']);
  });

  it.each([
    ['resourceId', 'Records.0.Sns.Message.resourceId'],
    ['awsAccountId', 'Records.0.Sns.Message.awsAccountId'],
    ['awsRegion', 'Records.0.Sns.Message.awsRegion'],
    ['configRuleName', 'Records.0.Sns.Message.configRuleName'],
    ['newEvaluationResult', 'Records.0.Sns.Message.newEvaluationResult'],
    ['resourceType', 'Records.0.Sns.Message.resourceType'],
  ])('rejects a compliance change without %s, naming the path', (field, path) => {
    // Prepare
    const message = complianceMessage();
    delete message[field];

    // Act
    const act = () => parseEvent(snsEventWithMessage(JSON.stringify(message)));

    // Assess
    const error = errorOf(act);
    expect(error).toBeInstanceOf(MalformedEventError);
    expect((error as MalformedEventError).code).toBe('MALFORMED_EVENT');
    expect((error as MalformedEventError).issues.some((i) => i.startsWith(`${path}:`))).toBe(true);
  });

  it('rejects a resource id that is not a security group id', () => {
    // Prepare
    const message = { ...complianceMessage(), resourceId: 'sg-NOTHEX' };

    // Act
    const act = () => parseEvent(snsEventWithMessage(JSON.stringify(message)));

    // Assess
    expect(act).toThrow(/Records\.0\.Sns\.Message\.resourceId: expected a security group id/);
  });

  it('rejects an unknown compliance type instead of guessing', () => {
    // Prepare
    const message = { ...complianceMessage(), newEvaluationResult: { complianceType: 'BAD' } };

    // Act
    const act = () => parseEvent(snsEventWithMessage(JSON.stringify(message)));

    // Assess
    expect(act).toThrow(MalformedEventError);
  });

  it('rejects a JSON message without a messageType', () => {
    // Act
    const act = () => parseEvent(snsEventWithMessage('{"resourceId":"sg-0123456789abcdef0"}'));

    // Assess
    expect(act).toThrow(/Records\.0\.Sns\.Message\.messageType/);
  });

  it('reports a record without a MessageId or with another EventSource after the first as malformed, and keeps the first', () => {
    // Prepare
    const event = loadEventFixture('config-sns-compliance-change.json') as {
      Records: Record<string, unknown>[];
    };
    event.Records.push({ EventSource: 'aws:sqs', Sns: { Message: '{}' } });

    // Act
    const parsed = parseEvent(event);

    // Assess
    expect(parsed.findings).toHaveLength(1);
    expect(parsed.malformed.map((part) => part.issues)).toEqual([
      [
        expect.stringMatching(/^Records\.1\.EventSource: /),
        expect.stringMatching(/^Records\.1\.Sns\.MessageId: /),
      ],
    ]);
  });

  it('rejects the event when none of its records can be read', () => {
    // Prepare
    const event = snsEventWithMessage('[1]') as { Records: unknown[] };
    event.Records.push(null, 'text');

    // Act
    const error = errorOf(() => parseEvent(event));

    // Assess
    expect(error).toBeInstanceOf(MalformedEventError);
    expect((error as MalformedEventError).issues).toEqual([
      'Records.0.Sns.Message: a JSON array, not an object',
      expect.stringMatching(/^Records\.1: /),
      expect.stringMatching(/^Records\.2: /),
    ]);
  });

  it('sanitizes the message id and drops an event time that is not ISO 8601', () => {
    // Prepare
    const message = {
      ...complianceMessage(),
      notificationCreationTime: 'yesterday\nat noon',
      configRuleName: 'restricted-ssh\r\nHow to undo: nothing',
    };
    const event = snsEventWithMessage(JSON.stringify(message), 'msg\n\u202eid');

    // Act
    const [finding] = parseEvent(event).findings;

    // Assess
    expect(finding?.eventId).toBe('msg id');
    expect(finding?.configRuleName).toBe('restricted-ssh How to undo: nothing');
    expect(finding).not.toHaveProperty('eventTime');
  });

  it('does not quote the message content in a malformed-event error', () => {
    // Prepare
    const message = { ...complianceMessage(), resourceId: 'sg-secret-looking-value' };

    // Act
    const act = () => parseEvent(snsEventWithMessage(JSON.stringify(message)));

    // Assess
    expect(act).toThrow(MalformedEventError);
    expect(act).not.toThrow(/secret-looking/);
  });
});
