/** EventBridge events as the publisher's rules deliver them (trimmed to what matters). */

export const scheduleEvent = () => ({
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '100000000000',
  time: '2026-12-01T12:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:100000000000:rule/sg-guard-mode-publisher-schedule'],
  detail: {},
});

export const cloudTrailEvent = (
  eventName: string,
  fields: {
    requestParameters?: unknown;
    responseElements?: unknown;
    serviceEventDetails?: unknown;
    errorCode?: string;
  } = {},
) => ({
  version: '0',
  id: 'a1b2c3d4-0000-0000-0000-000000000000',
  'detail-type':
    fields.serviceEventDetails !== undefined
      ? 'AWS Service Event via CloudTrail'
      : 'AWS API Call via CloudTrail',
  source: 'aws.organizations',
  account: '100000000000',
  time: '2026-12-01T12:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: {
    eventVersion: '1.08',
    eventTime: '2026-12-01T12:00:00Z',
    eventSource: 'organizations.amazonaws.com',
    eventName,
    awsRegion: 'us-east-1',
    eventID: 'e1',
    recipientAccountId: '100000000000',
    requestParameters: fields.requestParameters ?? null,
    responseElements: fields.responseElements ?? null,
    ...(fields.serviceEventDetails !== undefined && {
      serviceEventDetails: fields.serviceEventDetails,
      eventType: 'AwsServiceEvent',
    }),
    ...(fields.errorCode && { errorCode: fields.errorCode, errorMessage: 'failed' }),
  },
});

export const tagEvent = (resourceId: string, key = 'sg-guard:mode', value = 'off') =>
  cloudTrailEvent('TagResource', {
    requestParameters: { resourceId, tags: [{ key, value }] },
  });

export const untagEvent = (resourceId: string, key = 'sg-guard:mode') =>
  cloudTrailEvent('UntagResource', { requestParameters: { resourceId, tagKeys: [key] } });
