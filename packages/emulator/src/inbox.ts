import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { DEFAULT_REGION, type EmulatorCredentials, emulatorSns, emulatorSqs } from './clients.js';
import { EstateError, required } from './errors.js';
import { memberCredentials } from './estate.js';

/** Where the central inbox lives. */
export interface CentralInboxOptions {
  /** The account that owns the topic and the queue (the security account). */
  readonly accountId: string;
  /** @default DEFAULT_REGION */
  readonly region?: string;
  /** @default 'sg-guard-findings' */
  readonly topicName?: string;
  /** @default 'sg-guard-inbox' */
  readonly queueName?: string;
  /** Credentials of `accountId`; assumed through Organizations when absent. */
  readonly credentials?: EmulatorCredentials;
}

/** One notice as the central team's queue received it. */
export interface InboxNotice<R = Record<string, unknown>> {
  readonly messageId: string;
  readonly topicArn: string;
  readonly subject?: string;
  /** SNS message attributes (`action`, `accountId`, `region`, `severity`), by name. */
  readonly attributes: Readonly<Record<string, string>>;
  /** The message parsed as JSON, when it is a JSON object (the `sqs` key of the publish). */
  readonly record?: R;
  /** The message as delivered, when it is not a JSON object. */
  readonly text?: string;
}

/** The central topic with a queue subscribed to it. */
export interface CentralInbox {
  readonly topicArn: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  /**
   * Drains the queue: every notice delivered so far (in the order the queue hands them out,
   * which in moto is the order of publishing), each deleted so the next call returns only newer
   * ones. Delivery in moto is synchronous, so call it right after the publisher returns.
   */
  readNotices<R = Record<string, unknown>>(): Promise<InboxNotice<R>[]>;
}

/**
 * Creates the central SNS topic in `accountId` and subscribes an SQS queue of the same account
 * to it, so tests can read what members publish.
 *
 * The queue must live in the topic's account: moto cannot deliver SNS to another account's
 * queue (every publish then fails with `NonExistentQueue`). Members publishing to this topic
 * from their own accounts works. The subscription keeps the SNS envelope
 * (`RawMessageDelivery: false`) because only the envelope carries the subject; message
 * attributes come in it as `{ Type, Value }`.
 *
 * @example
 * const inbox = await createCentralInbox(moto.endpoint, { accountId: org.accounts.security.accountId });
 * // …publish to inbox.topicArn…
 * const [notice] = await inbox.readNotices();
 */
export async function createCentralInbox(
  endpoint: string,
  options: CentralInboxOptions,
): Promise<CentralInbox> {
  const region = options.region ?? DEFAULT_REGION;
  const credentials =
    options.credentials ?? (await memberCredentials(endpoint, options.accountId, { region }));
  const sns = emulatorSns(endpoint, { region, credentials });
  const sqs = emulatorSqs(endpoint, { region, credentials });

  const topic = await sns.send(
    new CreateTopicCommand({ Name: options.topicName ?? 'sg-guard-findings' }),
  );
  const topicArn = required(topic.TopicArn, 'topic ARN');
  const queue = await sqs.send(
    new CreateQueueCommand({ QueueName: options.queueName ?? 'sg-guard-inbox' }),
  );
  const queueUrl = required(queue.QueueUrl, 'queue URL');
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queueArn = required(attributes.Attributes?.QueueArn, 'queue ARN');
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queueArn,
      Attributes: { RawMessageDelivery: 'false' },
    }),
  );

  return {
    topicArn,
    queueUrl,
    queueArn,
    readNotices: <R>() => drain<R>(sqs, queueUrl),
  };
}

async function drain<R>(sqs: SQSClient, queueUrl: string): Promise<InboxNotice<R>[]> {
  const notices: InboxNotice<R>[] = [];
  for (;;) {
    const response = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = response.Messages ?? [];
    if (messages.length === 0) return notices;
    for (const message of messages) notices.push(parseEnvelope<R>(message.Body ?? ''));
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: required(message.ReceiptHandle, 'receipt handle'),
        })),
      }),
    );
  }
}

interface SnsEnvelope {
  readonly Type?: string;
  readonly MessageId?: string;
  readonly TopicArn?: string;
  readonly Subject?: string;
  readonly Message?: string;
  readonly MessageAttributes?: Record<string, { readonly Type?: string; readonly Value?: string }>;
}

/** Reads one SQS body holding an SNS envelope (`RawMessageDelivery: false`). */
export function parseEnvelope<R = Record<string, unknown>>(body: string): InboxNotice<R> {
  let envelope: SnsEnvelope;
  try {
    envelope = JSON.parse(body) as SnsEnvelope;
  } catch (error) {
    throw new EstateError('UNEXPECTED_MESSAGE', `inbox message is not JSON: ${body}`, {
      cause: error,
    });
  }
  if (envelope.Type !== 'Notification' || typeof envelope.Message !== 'string') {
    throw new EstateError('UNEXPECTED_MESSAGE', `inbox message is not an SNS envelope: ${body}`);
  }
  const attributes = Object.fromEntries(
    Object.entries(envelope.MessageAttributes ?? {}).map(([name, value]) => [
      name,
      value.Value ?? '',
    ]),
  );
  return {
    messageId: required(envelope.MessageId, 'message id'),
    topicArn: required(envelope.TopicArn, 'topic ARN'),
    ...(envelope.Subject !== undefined ? { subject: envelope.Subject } : {}),
    attributes,
    ...readMessage<R>(envelope.Message),
  };
}

function readMessage<R>(message: string): { record: R } | { text: string } {
  try {
    const parsed: unknown = JSON.parse(message);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return { record: parsed as R };
    }
  } catch {
    // Not JSON: a plain-text publish, returned as text.
  }
  return { text: message };
}
