/** Sends notices to the central SNS topic. */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notice, NoticePublisher } from '@sg-guard/remediation-core';
import { callAws } from './errors.js';

/** Options of {@link SnsNoticePublisher}. */
export interface SnsNoticePublisherOptions {
  /** A client in the topic's region (the central topic may live in another region). */
  readonly sns: SNSClient;
  readonly topicArn: string;
}

/**
 * {@link NoticePublisher} over SNS Publish with `MessageStructure: 'json'`: mail subscribers get
 * the readable text, queues and functions the JSON record; the message attributes (`action`,
 * `accountId`, `region`, `severity`) let subscribers filter. Failures are thrown, typed.
 *
 * @example
 * await new SnsNoticePublisher({ sns, topicArn }).publish(buildNotice(input));
 */
export class SnsNoticePublisher implements NoticePublisher {
  constructor(private readonly options: SnsNoticePublisherOptions) {}

  async publish(notice: Notice): Promise<void> {
    const attributes = Object.entries(notice.attributes).map(([name, value]) => [
      name,
      { DataType: 'String', StringValue: value },
    ]);
    await callAws('sns:Publish', () =>
      this.options.sns.send(
        new PublishCommand({
          TopicArn: this.options.topicArn,
          Message: notice.message,
          MessageStructure: 'json',
          Subject: notice.subject,
          MessageAttributes: Object.fromEntries(attributes),
        }),
      ),
    );
  }
}
