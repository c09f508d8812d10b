import { PublishCommand, SNSClient, SNSServiceException } from '@aws-sdk/client-sns';
import type { Notice } from '@sg-guard/remediation-core';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SnsNoticePublisher } from '../../src/sns-publisher.js';

const sns = new SNSClient({ region: 'eu-central-1' });
const snsMock = mockClient(sns);
const topicArn = 'arn:aws:sns:eu-central-1:999988887777:sg-guard-findings';

const notice = {
  subject: 'sg-guard remediated sg-1 in 111122223333 eu-west-1',
  text: 'mail text',
  record: {},
  attributes: {
    action: 'remediated',
    accountId: '111122223333',
    region: 'eu-west-1',
    severity: 'high',
  },
  message: JSON.stringify({ default: '{}', email: 'mail text', sqs: '{}' }),
} as unknown as Notice;

beforeEach(() => {
  snsMock.reset();
});

describe('SnsNoticePublisher', () => {
  it('publishes the JSON message with the subject and string message attributes', async () => {
    // Prepare
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });

    // Act
    await new SnsNoticePublisher({ sns, topicArn }).publish(notice);

    // Assess
    expect(snsMock.commandCalls(PublishCommand)[0]?.args[0].input).toEqual({
      TopicArn: topicArn,
      Message: notice.message,
      MessageStructure: 'json',
      Subject: notice.subject,
      MessageAttributes: {
        action: { DataType: 'String', StringValue: 'remediated' },
        accountId: { DataType: 'String', StringValue: '111122223333' },
        region: { DataType: 'String', StringValue: 'eu-west-1' },
        severity: { DataType: 'String', StringValue: 'high' },
      },
    });
  });

  it('throws when the topic refuses the message, so no notice is lost silently', async () => {
    // Prepare
    snsMock.on(PublishCommand).rejects(
      new SNSServiceException({
        name: 'AuthorizationError',
        message: 'not authorized to publish',
        $fault: 'client',
        $metadata: {},
      }),
    );

    // Act
    const publish = new SnsNoticePublisher({ sns, topicArn }).publish(notice);

    // Assess
    await expect(publish).rejects.toMatchObject({ code: 'ACCESS_DENIED', action: 'sns:Publish' });
  });
});
