import { describe, expect, it } from 'vitest';
import { MalformedEventError } from '../../../src/errors.js';
import { parseEvent } from '../../../src/events/parse.js';
import { errorOf, loadEventFixture } from './load-fixture.js';

type ConfigEvent = Record<string, unknown> & { detail: Record<string, unknown> };

function fixture(): ConfigEvent {
  return loadEventFixture('eventbridge-config-compliance-change.json') as ConfigEvent;
}

describe('parseEvent with EventBridge Config Rules Compliance Change', () => {
  it('turns a NON_COMPLIANT security group into a config-eventbridge finding', () => {
    // Act
    const parsed = parseEvent(fixture());

    // Assess
    expect(parsed).toEqual({
      findings: [
        {
          groupId: 'sg-0123456789abcdef0',
          accountId: '123456789012',
          region: 'eu-west-1',
          trigger: 'config-eventbridge',
          configRuleName: 'sg-guard-restricted-ssh',
          eventId: 'a3c5f1e2-7b2d-4c1e-9a8f-1b2c3d4e5f60',
          eventTime: '2026-11-27T10:00:05.000Z',
        },
      ],
      ignored: [],
      malformed: [],
    });
  });

  it('reads a detail without messageType as the compliance change its detail-type says', () => {
    // Prepare
    const event = fixture();
    delete event.detail.messageType;
    delete event.detail.notificationCreationTime;

    // Act
    const parsed = parseEvent(event);

    // Assess
    expect(parsed.findings).toHaveLength(1);
    expect(parsed.findings[0]).not.toHaveProperty('eventTime');
  });

  it('ignores a group that became COMPLIANT', () => {
    // Prepare
    const event = fixture();
    event.detail.newEvaluationResult = { complianceType: 'COMPLIANT' };

    // Act
    const parsed = parseEvent(event);

    // Assess
    expect(parsed).toEqual({
      findings: [],
      ignored: [
        {
          reason: 'sg-0123456789abcdef0 is COMPLIANT with Config rule sg-guard-restricted-ssh',
          trigger: 'config-eventbridge',
          eventId: 'a3c5f1e2-7b2d-4c1e-9a8f-1b2c3d4e5f60',
        },
      ],
      malformed: [],
    });
  });

  it('ignores a compliance change of another resource type', () => {
    // Prepare
    const event = fixture();
    event.detail.resourceType = 'AWS::EC2::Instance';

    // Act
    const parsed = parseEvent(event);

    // Assess
    expect(parsed.findings).toEqual([]);
    expect(parsed.ignored[0]?.reason).toContain('AWS::EC2::Instance');
  });

  it('rejects a detail without resourceId, naming detail.resourceId', () => {
    // Prepare
    const event = fixture();
    delete event.detail.resourceId;

    // Act
    const error = errorOf(() => parseEvent(event));

    // Assess
    expect(error).toBeInstanceOf(MalformedEventError);
    expect((error as MalformedEventError).issues).toEqual([
      expect.stringMatching(/^detail\.resourceId: /),
    ]);
  });

  it('rejects an event without id or detail', () => {
    // Prepare
    const event: Record<string, unknown> = fixture();
    delete event.id;
    delete event.detail;

    // Act
    const error = errorOf(() => parseEvent(event));

    // Assess
    expect(error).toBeInstanceOf(MalformedEventError);
    expect((error as MalformedEventError).issues).toHaveLength(2);
  });
});
