import { describe, expect, it } from 'vitest';
import { MalformedEventError } from '../../../src/errors.js';
import { parseEvent } from '../../../src/events/parse.js';
import { errorOf } from './load-fixture.js';

describe('parseEvent with a direct invocation', () => {
  it('turns { groupId } into a direct finding', () => {
    // Act
    const parsed = parseEvent({ groupId: 'sg-0123456789abcdef0' });

    // Assess
    expect(parsed).toEqual({
      findings: [{ groupId: 'sg-0123456789abcdef0', trigger: 'direct' }],
      ignored: [],
      malformed: [],
    });
  });

  it('keeps the account and region when given', () => {
    // Act
    const parsed = parseEvent({
      groupId: 'sg-01234567',
      accountId: '111122223333',
      region: 'us-gov-west-1',
    });

    // Assess
    expect(parsed.findings).toEqual([
      {
        groupId: 'sg-01234567',
        accountId: '111122223333',
        region: 'us-gov-west-1',
        trigger: 'direct',
      },
    ]);
  });

  it.each([
    ['an uppercase id', { groupId: 'sg-0123456789ABCDEF0' }, 'groupId'],
    ['a short id', { groupId: 'sg-1234567' }, 'groupId'],
    ['a bad account id', { groupId: 'sg-01234567', accountId: '1234' }, 'accountId'],
    ['a bad region', { groupId: 'sg-01234567', region: 'Europe' }, 'region'],
    ['a number as group id', { groupId: 42 }, 'groupId'],
  ])('rejects %s, naming the field', (_what, event, field) => {
    // Act
    const error = errorOf(() => parseEvent(event));

    // Assess
    expect(error).toBeInstanceOf(MalformedEventError);
    expect((error as MalformedEventError).issues).toEqual([
      expect.stringMatching(new RegExp(`^${field}: `)),
    ]);
  });

  it('rejects a misspelt key rather than ignoring it', () => {
    // Act
    const error = errorOf(() => parseEvent({ groupId: 'sg-01234567', acountId: '111122223333' }));

    // Assess
    expect(error).toBeInstanceOf(MalformedEventError);
    expect((error as Error).message).toContain('acountId');
  });
});
