import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { InvalidSettingsError } from '../../../src/errors.js';
import { bucketNameSchema, readSetting } from '../../../src/settings/read-setting.js';

const count = z.string().regex(/^\d+$/, 'expected a whole number').transform(Number);

describe('readSetting', () => {
  it('parses the trimmed value with the schema', () => {
    expect(readSetting({ COUNT: ' 7 ' }, 'COUNT', count)).toBe(7);
  });

  it('takes the fallback when the variable is unset or blank', () => {
    expect(readSetting({}, 'COUNT', count, '3')).toBe(3);
    expect(readSetting({ COUNT: '  ' }, 'COUNT', count, '3')).toBe(3);
  });

  it('names the variable when it is required but not set', () => {
    expect(() => readSetting({ COUNT: '' }, 'COUNT', count)).toThrow(
      new InvalidSettingsError('COUNT', 'is required but not set'),
    );
  });

  it('names the variable, the reason and the first 80 characters of a bad value', () => {
    const bad = `x${'y'.repeat(100)}`;
    let thrown: unknown;
    try {
      readSetting({ COUNT: bad }, 'COUNT', count);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidSettingsError);
    expect((thrown as InvalidSettingsError).setting).toBe('COUNT');
    expect((thrown as Error).message).toBe(
      `COUNT: expected a whole number (got ${JSON.stringify(bad.slice(0, 80))})`,
    );
  });

  it('parses a bad fallback like a set value', () => {
    expect(() => readSetting({}, 'COUNT', count, 'ten')).toThrow(/^COUNT: expected a whole number/);
  });
});

describe('bucketNameSchema', () => {
  it.each(['abc', 'sg-guard.modes-111122223333', `a${'b'.repeat(61)}c`])('accepts %s', (name) => {
    expect(bucketNameSchema.safeParse(name).success).toBe(true);
  });

  it.each(['ab', 'Bad_Bucket', '-abc', 'abc.', `a${'b'.repeat(62)}c`])('rejects %s', (name) => {
    expect(bucketNameSchema.safeParse(name).success).toBe(false);
  });
});
