import { describe, expect, it } from 'vitest';
import {
  accountOfModeMapKey,
  modeMapEntryOf,
  modeMapKey,
  parseModeMapEntry,
  sameModeMapContent,
  serializeModeMapEntry,
} from '../../src/mode-map-entry.js';

const POLICY = {
  accountId: '444455556666',
  accountName: 'payments-prod',
  mode: 'off' as const,
  source: { kind: 'root' as const, id: 'r-ab12' },
  warnings: [],
};

describe('mode map entries', () => {
  it('names the key of an account and reads the account back from it', () => {
    expect(modeMapKey('444455556666')).toBe('modes/444455556666.json');
    expect(accountOfModeMapKey('modes/444455556666.json')).toBe('444455556666');
    expect(accountOfModeMapKey('modes/444455556666.json.bak')).toBeUndefined();
    expect(accountOfModeMapKey('other/444455556666.json')).toBeUndefined();
  });

  it('serializes with the documented keys in a fixed order and parses back to the same entry', () => {
    // Prepare
    const entry = modeMapEntryOf(POLICY, '2026-12-01T12:00:00.000Z');

    // Act
    const body = serializeModeMapEntry(entry);
    const parsed = parseModeMapEntry(body, '444455556666');

    // Assess
    expect(body).toBe(
      '{"accountId":"444455556666","accountName":"payments-prod","mode":"off","source":{"kind":"root","id":"r-ab12"},"updatedAt":"2026-12-01T12:00:00.000Z"}',
    );
    expect(parsed).toEqual({ ok: true, entry });
  });

  it('compares content without updatedAt', () => {
    const earlier = modeMapEntryOf(POLICY, '2026-11-01T00:00:00.000Z');
    const later = modeMapEntryOf(POLICY, '2026-12-01T00:00:00.000Z');
    const other = modeMapEntryOf({ ...POLICY, mode: 'notify' }, '2026-12-01T00:00:00.000Z');

    expect(sameModeMapContent(earlier, later)).toBe(true);
    expect(sameModeMapContent(earlier, other)).toBe(false);
  });

  it('tolerates fields a newer publisher may add, and lists every problem of a bad object', () => {
    const extra = parseModeMapEntry(
      JSON.stringify({
        ...JSON.parse(serializeModeMapEntry(modeMapEntryOf(POLICY, '2026-12-01T00:00:00Z'))),
        schema: 2,
      }),
      '444455556666',
    );
    const bad = parseModeMapEntry(
      JSON.stringify({ accountId: 1, mode: 'OFF', source: 'root' }),
      '444455556666',
    );

    expect(extra.ok).toBe(true);
    expect(bad).toEqual({
      ok: false,
      issues: [
        'accountId: expected a 12-digit account id',
        'mode: expected enforce, notify or off',
        'source: expected an object',
        'updatedAt: expected an ISO-8601 time',
      ],
    });
  });
});
