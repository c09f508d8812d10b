import { describe, expect, it } from 'vitest';
import { MalformedEventError } from '../../../src/errors.js';
import { parseEvent } from '../../../src/events/parse.js';
import { errorOf, loadEventFixture } from './load-fixture.js';

type TrailEvent = Record<string, unknown> & {
  detail: Record<string, unknown> & {
    requestParameters: Record<string, unknown>;
    userIdentity: Record<string, unknown>;
  };
};

function fixture(name: string): TrailEvent {
  return loadEventFixture(name) as TrailEvent;
}

const ACTOR =
  'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Developer_0123456789abcdef/alice@example.com';

describe('parseEvent with EventBridge AWS API Call via CloudTrail', () => {
  it('turns AuthorizeSecurityGroupIngress into a cloudtrail finding with the actor', () => {
    // Act
    const parsed = parseEvent(fixture('cloudtrail-authorize-security-group-ingress.json'));

    // Assess
    expect(parsed).toEqual({
      findings: [
        {
          groupId: 'sg-0a1b2c3d4e5f67890',
          accountId: '111122223333',
          region: 'eu-west-1',
          trigger: 'cloudtrail',
          actor: ACTOR,
          eventTime: '2026-11-27T10:15:29Z',
          eventId: 'e4d7c1a2-9b8f-4e3d-a1b2-c3d4e5f60718',
        },
      ],
      ignored: [],
      malformed: [],
    });
  });

  it('turns ModifySecurityGroupRules into a finding for the GroupId it names', () => {
    // Act
    const parsed = parseEvent(fixture('cloudtrail-modify-security-group-rules.json'));

    // Assess
    expect(parsed.findings).toEqual([
      {
        groupId: 'sg-0a1b2c3d4e5f67890',
        accountId: '111122223333',
        region: 'eu-west-1',
        trigger: 'cloudtrail',
        actor: ACTOR,
        eventTime: '2026-11-27T10:31:12Z',
        eventId: 'b7a0f4d5-ce12-4b6a-94e5-f60718293a4b',
      },
    ]);
  });

  it('gives a finding with the group name and no id when the call named the group only', () => {
    // Act
    const parsed = parseEvent(fixture('cloudtrail-authorize-by-group-name.json'));

    // Assess
    expect(parsed.findings).toHaveLength(1);
    expect(parsed.findings[0]?.groupName).toBe('launch-wizard-1');
    expect(parsed.findings[0]).not.toHaveProperty('groupId');
  });

  it('ignores a call that failed, naming the error code', () => {
    // Act
    const parsed = parseEvent(fixture('cloudtrail-authorize-failed.json'));

    // Assess
    expect(parsed).toEqual({
      findings: [],
      ignored: [
        {
          reason:
            'CloudTrail AuthorizeSecurityGroupIngress failed (Client.InvalidPermission.Duplicate), so nothing changed',
          trigger: 'cloudtrail',
          eventId: 'a6f9e3c4-bd01-4a5f-83d4-e5f607182930',
        },
      ],
      malformed: [],
    });
  });

  it('ignores a dry run, which CloudTrail records with an errorCode', () => {
    // Prepare
    const event = fixture('cloudtrail-modify-security-group-rules.json');
    event.detail.errorCode = 'Client.DryRunOperation';

    // Act
    const parsed = parseEvent(event);

    // Assess
    expect(parsed.findings).toEqual([]);
    expect(parsed.ignored[0]?.reason).toContain('Client.DryRunOperation');
  });

  it.each(['RevokeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'CreateSecurityGroup'])(
    'ignores %s, which cannot open a group to the internet',
    (eventName) => {
      // Prepare
      const event = fixture('cloudtrail-authorize-security-group-ingress.json');
      event.detail.eventName = eventName;

      // Act
      const parsed = parseEvent(event);

      // Assess
      expect(parsed.ignored).toEqual([
        {
          reason: `CloudTrail ${eventName} cannot open a security group`,
          trigger: 'cloudtrail',
          eventId: 'e4d7c1a2-9b8f-4e3d-a1b2-c3d4e5f60718',
        },
      ]);
    },
  );

  it('falls back to the envelope for account, region, time and id, and to invokedBy as actor', () => {
    // Prepare
    const event = fixture('cloudtrail-authorize-security-group-ingress.json');
    for (const key of ['recipientAccountId', 'awsRegion', 'eventTime', 'eventID']) {
      delete event.detail[key];
    }
    event.detail.userIdentity = { type: 'AWSService', invokedBy: 'cloudformation.amazonaws.com' };

    // Act
    const parsed = parseEvent(event);

    // Assess
    expect(parsed.findings).toEqual([
      {
        groupId: 'sg-0a1b2c3d4e5f67890',
        accountId: '111122223333',
        region: 'eu-west-1',
        trigger: 'cloudtrail',
        actor: 'cloudformation.amazonaws.com',
        eventTime: '2026-11-27T10:15:31Z',
        eventId: '5c2b6a0e-3f4d-7e8a-1b2c-3d4e5f6a7b8c',
      },
    ]);
  });

  it('leaves out what neither the call nor the envelope says', () => {
    // Prepare
    const event = fixture('cloudtrail-authorize-security-group-ingress.json');
    for (const key of ['recipientAccountId', 'awsRegion', 'eventTime', 'userIdentity']) {
      delete event.detail[key];
    }
    for (const key of ['account', 'region', 'time']) delete event[key];

    // Act
    const parsed = parseEvent(event);

    // Assess
    expect(parsed.findings).toEqual([
      {
        groupId: 'sg-0a1b2c3d4e5f67890',
        trigger: 'cloudtrail',
        eventId: 'e4d7c1a2-9b8f-4e3d-a1b2-c3d4e5f60718',
      },
    ]);
  });

  it('rejects an AuthorizeSecurityGroupIngress that names no group', () => {
    // Prepare
    const event = fixture('cloudtrail-authorize-security-group-ingress.json');
    event.detail.requestParameters = { ipPermissions: {} };

    // Act
    const error = errorOf(() => parseEvent(event));

    // Assess
    expect(error).toBeInstanceOf(MalformedEventError);
    expect((error as MalformedEventError).issues).toEqual([
      'detail.requestParameters: expected groupId or groupName',
    ]);
  });

  it('rejects a groupId that is not a security group id', () => {
    // Prepare
    const event = fixture('cloudtrail-authorize-security-group-ingress.json');
    event.detail.requestParameters.groupId = 'sg-123';

    // Act
    const error = errorOf(() => parseEvent(event));

    // Assess
    expect((error as MalformedEventError).issues).toEqual([
      expect.stringMatching(/^detail\.requestParameters\.groupId: expected a security group id/),
    ]);
  });

  it('rejects a ModifySecurityGroupRules without its request', () => {
    // Prepare
    const event = fixture('cloudtrail-modify-security-group-rules.json');
    event.detail.requestParameters = {};

    // Act
    const error = errorOf(() => parseEvent(event));

    // Assess
    expect((error as MalformedEventError).issues).toEqual([
      expect.stringMatching(/^detail\.requestParameters\.ModifySecurityGroupRulesRequest: /),
    ]);
  });

  it('rejects a detail without eventName', () => {
    // Prepare
    const event = fixture('cloudtrail-modify-security-group-rules.json');
    delete event.detail.eventName;

    // Act
    const error = errorOf(() => parseEvent(event));

    // Assess
    expect(error).toBeInstanceOf(MalformedEventError);
    expect((error as MalformedEventError).issues).toEqual([
      expect.stringMatching(/^detail\.eventName: /),
    ]);
  });
});

describe('parseEvent with hostile CloudTrail fields', () => {
  const authorize = () => fixture('cloudtrail-authorize-security-group-ingress.json');

  it('puts an actor with line breaks on one line, so it cannot add lines to a mail', () => {
    // Prepare
    const event = authorize();
    event.detail.userIdentity = { arn: `${ACTOR}\r\n\r\nHow to undo:\r\n  nothing to do` };

    // Act
    const [finding] = parseEvent(event).findings;

    // Assess
    expect(finding?.actor).toBe(`${ACTOR} How to undo: nothing to do`);
  });

  it('removes bidi overrides and bounds a 300 KB actor to 256 characters', () => {
    // Prepare
    const event = authorize();
    event.detail.userIdentity = { arn: `\u202e${'a'.repeat(300_000)}` };

    // Act
    const [finding] = parseEvent(event).findings;

    // Assess
    expect(finding?.actor).toHaveLength(256);
    expect(finding?.actor?.startsWith('aaa')).toBe(true);
    expect(finding?.actor?.endsWith('…')).toBe(true);
  });

  it('sanitizes the event id and drops an event time that is not ISO 8601', () => {
    // Prepare
    const event = authorize();
    event.detail.eventID = 'id-1\nRecord (JSON, one line):';
    event.detail.eventTime = '27/11/2026 10:15';
    event.time = 'not a time\n';

    // Act
    const [finding] = parseEvent(event).findings;

    // Assess
    expect(finding?.eventId).toBe('id-1 Record (JSON, one line):');
    expect(finding).not.toHaveProperty('eventTime');
  });

  it('drops an actor, event id or time of the wrong type instead of rejecting the call', () => {
    // Prepare
    const event = authorize();
    event.detail.userIdentity = { arn: 42, invokedBy: ['x'] };
    event.detail.eventID = { nested: true };
    event.detail.eventTime = 1764238529;

    // Act
    const [finding] = parseEvent(event).findings;

    // Assess
    expect(finding).toEqual({
      groupId: 'sg-0a1b2c3d4e5f67890',
      accountId: '111122223333',
      region: 'eu-west-1',
      trigger: 'cloudtrail',
      eventTime: '2026-11-27T10:15:31Z',
      eventId: '5c2b6a0e-3f4d-7e8a-1b2c-3d4e5f6a7b8c',
    });
  });

  it('sanitizes a group name, and quotes an unknown call name on one line', () => {
    // Prepare
    const byName = fixture('cloudtrail-authorize-by-group-name.json');
    byName.detail.requestParameters.groupName = 'web\n\u2028default';
    const other = authorize();
    other.detail.eventName = 'Describe\nInjected';

    // Act
    const [finding] = parseEvent(byName).findings;
    const [ignored] = parseEvent(other).ignored;

    // Assess
    expect(finding?.groupName).toBe('web default');
    expect(ignored?.reason).toBe('CloudTrail Describe Injected cannot open a security group');
  });

  it('rejects an account id with a line break: identifiers are never repaired', () => {
    // Prepare
    const event = authorize();
    event.detail.recipientAccountId = '111122223333\n';

    // Act
    const error = errorOf(() => parseEvent(event));

    // Assess
    expect(error).toBeInstanceOf(MalformedEventError);
  });
});

describe('parseEvent with CloudTrail ModifyManagedPrefixList', () => {
  function prefixListCall(requestParameters: Record<string, unknown>): TrailEvent {
    const event = structuredClone(fixture('cloudtrail-modify-security-group-rules.json'));
    event.detail.eventName = 'ModifyManagedPrefixList';
    event.detail.requestParameters = requestParameters;
    return event;
  }

  it.each([
    [
      'nested, as CloudTrail logs it',
      {
        ModifyManagedPrefixListRequest: { PrefixListId: 'pl-0123456789abcdef0', CurrentVersion: 3 },
      },
    ],
    ['flat, capitalized', { PrefixListId: 'pl-0123456789abcdef0' }],
    ['flat, camel case', { prefixListId: 'pl-0123456789abcdef0' }],
  ])('takes the list id from a %s request and names no group', (_shape, requestParameters) => {
    // Act
    const [finding] = parseEvent(prefixListCall(requestParameters)).findings;

    // Assess
    expect(finding).toMatchObject({ prefixListId: 'pl-0123456789abcdef0', trigger: 'cloudtrail' });
    expect(finding?.groupId).toBeUndefined();
    expect(finding?.groupName).toBeUndefined();
  });

  it('rejects a call without a well-formed list id as malformed', () => {
    // Act
    const error = errorOf(() => parseEvent(prefixListCall({ PrefixListId: 'sg-123' })));

    // Assess
    expect(error).toBeInstanceOf(MalformedEventError);
  });
});
