import { describe, expect, it } from 'vitest';
import { MalformedModeEventError, UnsupportedModeEventError } from '../../src/errors.js';
import { parseModeEvent } from '../../src/events.js';
import { cloudTrailEvent, scheduleEvent, tagEvent, untagEvent } from './events-fixtures.js';

const ACCOUNT = '200000000000';
const OU = 'ou-ab12-22222222';
const ROOT = 'r-ab12';

describe('parseModeEvent', () => {
  it('turns the schedule into a full pass', () => {
    expect(parseModeEvent(scheduleEvent())).toEqual({ kind: 'full' });
  });

  it.each([
    [ACCOUNT, { kind: 'account', accountId: ACCOUNT, eventName: 'TagResource' }],
    [OU, { kind: 'below', parent: { kind: 'ou', id: OU }, eventName: 'TagResource' }],
    [ROOT, { kind: 'below', parent: { kind: 'root', id: ROOT }, eventName: 'TagResource' }],
  ])('turns a mode tag on %s into work for what is at or below it', (resourceId, trigger) => {
    expect(parseModeEvent(tagEvent(resourceId))).toEqual(trigger);
  });

  it('works below an OU whose mode tag was removed', () => {
    expect(parseModeEvent(untagEvent(OU))).toEqual({
      kind: 'below',
      parent: { kind: 'ou', id: OU },
      eventName: 'UntagResource',
    });
  });

  it('skips tag changes that do not touch sg-guard:mode', () => {
    expect(parseModeEvent(tagEvent(ACCOUNT, 'cost-center'))).toMatchObject({ kind: 'skip' });
    expect(parseModeEvent(untagEvent(OU, 'owner'))).toMatchObject({ kind: 'skip' });
  });

  it('skips tags on a policy (not an account, OU or root)', () => {
    expect(parseModeEvent(tagEvent('p-abcd1234'))).toMatchObject({
      kind: 'skip',
      reason: 'p-abcd1234 is not an account, OU or root',
    });
  });

  it('skips a call that failed', () => {
    const event = cloudTrailEvent('TagResource', {
      requestParameters: { resourceId: ACCOUNT, tags: [{ key: 'sg-guard:mode', value: 'off' }] },
      errorCode: 'AccessDeniedException',
    });
    expect(parseModeEvent(event)).toMatchObject({
      kind: 'skip',
      reason: 'the call failed (AccessDeniedException)',
    });
  });

  it('turns a moved account into work for that account', () => {
    const event = cloudTrailEvent('MoveAccount', {
      requestParameters: { accountId: ACCOUNT, sourceParentId: ROOT, destinationParentId: OU },
    });
    expect(parseModeEvent(event)).toEqual({
      kind: 'account',
      accountId: ACCOUNT,
      eventName: 'MoveAccount',
    });
  });

  it('turns a removed account into deleting its object', () => {
    const event = cloudTrailEvent('RemoveAccountFromOrganization', {
      requestParameters: { accountId: ACCOUNT },
    });
    expect(parseModeEvent(event)).toEqual({
      kind: 'removed',
      accountId: ACCOUNT,
      eventName: 'RemoveAccountFromOrganization',
    });
  });

  it('waits for CreateAccountResult while the creation is in progress', () => {
    const started = cloudTrailEvent('CreateAccount', {
      requestParameters: { accountName: 'new', email: 'new@example.com' },
      responseElements: { createAccountStatus: { id: 'car-1', state: 'IN_PROGRESS' } },
    });
    const finished = cloudTrailEvent('CreateAccountResult', {
      serviceEventDetails: {
        createAccountStatus: { id: 'car-1', state: 'SUCCEEDED', accountId: ACCOUNT },
      },
    });
    const failed = cloudTrailEvent('CreateAccountResult', {
      serviceEventDetails: { createAccountStatus: { id: 'car-2', state: 'FAILED' } },
    });

    expect(parseModeEvent(started)).toMatchObject({ kind: 'skip' });
    expect(parseModeEvent(finished)).toEqual({
      kind: 'account',
      accountId: ACCOUNT,
      eventName: 'CreateAccountResult',
    });
    expect(parseModeEvent(failed)).toMatchObject({
      kind: 'skip',
      reason: 'account creation FAILED',
    });
  });

  it('turns an accepted invitation into work for the joining account', () => {
    const event = cloudTrailEvent('AcceptHandshake', {
      requestParameters: { handshakeId: 'h-1' },
      responseElements: {
        handshake: {
          id: 'h-1',
          action: 'INVITE',
          state: 'ACCEPTED',
          parties: [
            { type: 'ORGANIZATION', id: 'o-abcdefghij' },
            { type: 'ACCOUNT', id: ACCOUNT },
          ],
        },
      },
    });
    expect(parseModeEvent(event)).toEqual({
      kind: 'account',
      accountId: ACCOUNT,
      eventName: 'AcceptHandshake',
    });
  });

  it.each([
    [
      'an EC2 event',
      { source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification' },
    ],
    ['nothing', null],
    ['another Organizations call', cloudTrailEvent('CreatePolicy', { requestParameters: {} })],
  ])('rejects %s as unsupported', (_what, event) => {
    expect(() => parseModeEvent(event)).toThrow(UnsupportedModeEventError);
  });

  it.each([
    ['TagResource without a resource', cloudTrailEvent('TagResource', { requestParameters: {} })],
    [
      'MoveAccount with a bad account id',
      cloudTrailEvent('MoveAccount', { requestParameters: { accountId: '12' } }),
    ],
    [
      'an Organizations event from another event source',
      { ...tagEvent(ACCOUNT), detail: { ...tagEvent(ACCOUNT).detail, eventSource: 'x' } },
    ],
  ])('rejects %s as malformed, naming the field', (_what, event) => {
    expect(() => parseModeEvent(event)).toThrow(MalformedModeEventError);
  });
});
