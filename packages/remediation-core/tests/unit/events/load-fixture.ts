import { readFileSync } from 'node:fs';

/** A fresh copy of an event fixture from `tests/fixtures/events/`, so tests may change it. */
export function loadEventFixture(name: string): Record<string, unknown> {
  const url = new URL(`../../fixtures/events/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
}

/** The shared SNS fixture with its first record's `Message` replaced by `message`. */
export function snsEventWithMessage(message: string, messageId = 'msg-1'): Record<string, unknown> {
  const event = loadEventFixture('config-sns-compliance-change.json') as {
    Records: { Sns: { Message: string; MessageId: string } }[];
  };
  const [record] = event.Records;
  if (record === undefined) throw new Error('fixture has no record');
  record.Sns.Message = message;
  record.Sns.MessageId = messageId;
  return event;
}

/** The error `act` throws; fails the test when it throws nothing. */
export function errorOf(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
