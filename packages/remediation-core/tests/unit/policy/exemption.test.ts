import { describe, expect, it } from 'vitest';
import {
  EXEMPT_TAG_KEY,
  EXEMPT_UNTIL_TAG_KEY,
  evaluateExemption,
} from '../../../src/policy/exemption.js';

const allowed = (now: string) => ({ allowGroupExemptions: true, now: new Date(now) });

function tags(reason?: string, until?: string): Record<string, string> {
  return {
    Name: 'bastion',
    ...(reason !== undefined && { [EXEMPT_TAG_KEY]: reason }),
    ...(until !== undefined && { [EXEMPT_UNTIL_TAG_KEY]: until }),
  };
}

describe('evaluateExemption', () => {
  it('exempts open-ended when the reason is set and no until is given', () => {
    // Act
    const decision = evaluateExemption(
      tags(' vendor bastion, CHG-1234 '),
      allowed('2026-01-01T00:00:00Z'),
    );

    // Assess
    expect(decision).toEqual({ exempt: true, reason: 'vendor bastion, CHG-1234' });
  });

  it('does not exempt an untagged group, or a group without tags', () => {
    // Act / Assess
    expect(evaluateExemption(tags(), allowed('2026-01-01T00:00:00Z'))).toEqual({
      exempt: false,
      why: 'not-tagged',
    });
    expect(evaluateExemption(undefined, allowed('2026-01-01T00:00:00Z'))).toEqual({
      exempt: false,
      why: 'not-tagged',
    });
  });

  it('does not exempt when the reason is blank', () => {
    // Act
    const decision = evaluateExemption(tags('   '), allowed('2026-01-01T00:00:00Z'));

    // Assess
    expect(decision).toEqual({
      exempt: false,
      why: 'not-tagged',
      detail: 'sg-guard:exempt is empty; an exemption needs a reason',
    });
  });

  it('does not exempt when group exemptions are disabled, and says the tag was ignored', () => {
    // Act
    const decision = evaluateExemption(tags('bastion', '2099-01-01'), {
      allowGroupExemptions: false,
      now: new Date('2026-01-01T00:00:00Z'),
    });

    // Assess
    expect(decision).toEqual({
      exempt: false,
      why: 'exemptions-disabled',
      detail: 'sg-guard:exempt ("bastion") is ignored: group exemptions are disabled',
    });
  });

  it('keeps a date-only until valid through the last millisecond of that day in UTC', () => {
    // Act
    const decision = evaluateExemption(
      tags('bastion', '2026-03-31'),
      allowed('2026-03-31T23:59:59.999Z'),
    );

    // Assess
    expect(decision).toEqual({ exempt: true, reason: 'bastion', until: '2026-03-31' });
  });

  it('expires a date-only until at midnight UTC after that day', () => {
    // Act
    const decision = evaluateExemption(
      tags('bastion', '2026-03-31'),
      allowed('2026-04-01T00:00:00Z'),
    );

    // Assess
    expect(decision).toEqual({
      exempt: false,
      why: 'expired',
      detail: 'the exemption until 2026-03-31 has expired',
    });
  });

  it.each([
    ['2026-03-31T12:00:00Z', '2026-03-31T12:00:00.000Z', true],
    ['2026-03-31T12:00:00Z', '2026-03-31T12:00:00.001Z', false],
    ['2026-03-31T14:00+02:00', '2026-03-31T11:59:59Z', true],
    ['2026-03-31T14:00+02:00', '2026-03-31T12:00:01Z', false],
    ['2026-03-31T06:30:00-0530', '2026-03-31T12:00:00Z', true],
    ['2026-03-31T12:00', '2026-03-31T12:00:00Z', true],
    ['2026-03-31T12:00', '2026-03-31T12:00:01Z', false],
    ['2026-03-31T12:00:00.250Z', '2026-03-31T12:00:00.250Z', true],
    ['2026-03-31T12:00:00.250123Z', '2026-03-31T12:00:00.251Z', false],
    ['2026-03-31t12:00:00z', '2026-03-31T11:00:00Z', true],
  ])('reads ISO 8601 until %s at %s as exempt=%s', (until, now, exempt) => {
    // Act
    const decision = evaluateExemption(tags('bastion', until), allowed(now));

    // Assess
    expect(decision.exempt).toBe(exempt);
    if (!decision.exempt) expect(decision.why).toBe('expired');
  });

  it.each([
    'next friday',
    '',
    '31/03/2026',
    '2026-02-30',
    '2026-13-01',
    '2026-03-31T24:00Z',
    '2026-03-31T12:60Z',
    '2026-03-31T12:00:60Z',
    '2026-03-31T12:00+24:00',
    '2026-03-31T12:00+01:60',
    '2026-02-30T12:00Z',
  ])('does not exempt with an unreadable until %j', (until) => {
    // Act
    const decision = evaluateExemption(tags('bastion', until), allowed('2026-01-01T00:00:00Z'));

    // Assess
    expect(decision).toEqual({
      exempt: false,
      why: 'invalid-until',
      detail: `sg-guard:exempt-until ${JSON.stringify(until.trim())} is not a date (YYYY-MM-DD) or ISO 8601 time`,
    });
  });

  it('trims the until value', () => {
    // Act
    const decision = evaluateExemption(
      tags('bastion', ' 2026-03-31 '),
      allowed('2026-03-01T00:00:00Z'),
    );

    // Assess
    expect(decision).toEqual({ exempt: true, reason: 'bastion', until: '2026-03-31' });
  });
});

describe('evaluateExemption with hostile tag values', () => {
  it('puts a reason with line breaks and bidi overrides on one clean line', () => {
    // Act
    const decision = evaluateExemption(
      tags('bastion\r\n\r\nHow to undo:\n  \u202eroot\u202c', '2026-03-31'),
      allowed('2026-03-01T00:00:00Z'),
    );

    // Assess
    expect(decision).toEqual({
      exempt: true,
      reason: 'bastion How to undo: root',
      until: '2026-03-31',
    });
  });

  it('bounds a long reason to 512 characters with an ellipsis', () => {
    // Act
    const decision = evaluateExemption(tags('r'.repeat(300_000)), allowed('2026-03-01T00:00:00Z'));

    // Assess
    expect(decision.exempt && decision.reason).toHaveLength(512);
    expect(decision.exempt && decision.reason.endsWith('…')).toBe(true);
  });

  it('treats a reason of control characters only as blank', () => {
    // Act
    const decision = evaluateExemption(tags('\r\n\t\u202e'), allowed('2026-03-01T00:00:00Z'));

    // Assess
    expect(decision).toMatchObject({ exempt: false, why: 'not-tagged' });
  });

  it('quotes a sanitized until when it cannot read it, never the raw value', () => {
    // Act
    const decision = evaluateExemption(
      tags('bastion', `2026-03-31\nFake line${'x'.repeat(1000)}`),
      allowed('2026-03-01T00:00:00Z'),
    );

    // Assess
    expect(decision).toMatchObject({ exempt: false, why: 'invalid-until' });
    const detail = decision.exempt ? '' : (decision.detail ?? '');
    expect(detail).not.toContain('\n');
    expect(detail.length).toBeLessThan(150);
  });
});
