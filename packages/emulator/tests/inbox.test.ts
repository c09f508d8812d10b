import { PublishCommand } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import {
  createCentralInbox,
  EstateError,
  emulatorSns,
  memberCredentials,
  parseEnvelope,
} from '../src/index.js';
import { useMoto } from './support/moto.js';

const moto = useMoto();
const SECURITY = '111111111111';
const MEMBER = '222222222222';

async function publishFromMember(topicArn: string, message: string, structure?: 'json') {
  const credentials = await memberCredentials(moto.endpoint, MEMBER);
  await emulatorSns(moto.endpoint, { credentials }).send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: 'remediated sg-1 in 222222222222 eu-west-1',
      Message: message,
      ...(structure ? { MessageStructure: structure } : {}),
      MessageAttributes: {
        action: { DataType: 'String', StringValue: 'remediated' },
        accountId: { DataType: 'String', StringValue: MEMBER },
      },
    }),
  );
}

describe('createCentralInbox', () => {
  it('puts the topic and its queue in the security account', async () => {
    const inbox = await createCentralInbox(moto.endpoint, { accountId: SECURITY });

    expect(inbox.topicArn).toBe(`arn:aws:sns:eu-west-1:${SECURITY}:sg-guard-findings`);
    expect(inbox.queueArn).toBe(`arn:aws:sqs:eu-west-1:${SECURITY}:sg-guard-inbox`);
  });

  it("receives a member's publish with subject, attributes and the sqs key as the record", async () => {
    const inbox = await createCentralInbox(moto.endpoint, { accountId: SECURITY });
    const message = JSON.stringify({
      default: JSON.stringify({ recordId: 'r-1' }),
      email: 'mail text',
      sqs: JSON.stringify({ recordId: 'r-1', action: 'remediated' }),
    });

    await publishFromMember(inbox.topicArn, message, 'json');
    const notices = await inbox.readNotices();

    expect(notices).toEqual([
      {
        messageId: expect.any(String),
        topicArn: inbox.topicArn,
        subject: 'remediated sg-1 in 222222222222 eu-west-1',
        attributes: { action: 'remediated', accountId: MEMBER },
        record: { recordId: 'r-1', action: 'remediated' },
      },
    ]);
  });

  it('drains: a second read returns only what arrived since', async () => {
    const inbox = await createCentralInbox(moto.endpoint, { accountId: SECURITY });
    await publishFromMember(inbox.topicArn, 'first');
    await publishFromMember(inbox.topicArn, 'second');

    const first = await inbox.readNotices();
    const empty = await inbox.readNotices();
    await publishFromMember(inbox.topicArn, 'third');
    const later = await inbox.readNotices();

    expect(first.map((notice) => notice.text)).toEqual(['first', 'second']);
    expect(empty).toEqual([]);
    expect(later.map((notice) => notice.text)).toEqual(['third']);
  });

  it('reads more than one receive batch (10 messages) in one drain', async () => {
    const inbox = await createCentralInbox(moto.endpoint, { accountId: SECURITY });
    for (let index = 0; index < 13; index += 1) {
      await publishFromMember(inbox.topicArn, JSON.stringify({ index }));
    }

    const notices = await inbox.readNotices<{ index: number }>();

    expect(notices.map((notice) => notice.record?.index).sort((a = 0, b = 0) => a - b)).toEqual(
      Array.from({ length: 13 }, (_, index) => index),
    );
  });
});

describe('parseEnvelope', () => {
  it('refuses a body that is not an SNS envelope', () => {
    expect(() => parseEnvelope('{"hello":1}')).toThrow(EstateError);
    expect(() => parseEnvelope('not json')).toThrow(/not JSON/);
  });
});
