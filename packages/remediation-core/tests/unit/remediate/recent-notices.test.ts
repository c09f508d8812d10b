import { describe, expect, it } from 'vitest';
import {
  type Exposure,
  type NoticeKey,
  noticeFingerprint,
  RecentNotices,
} from '../../../src/index.js';
import { tcp, v4, v6 } from '../../fixtures/rule-builders.js';

const exposure = (ruleId: string, cidr: string): Exposure => ({
  rule: tcp(22, 22, cidr.includes(':') ? v6(cidr) : v4(cidr), ruleId),
  ports: [22],
  family: cidr.includes(':') ? 'ipv6' : 'ipv4',
  reason: 'world-cidr',
});

const key = (overrides: Partial<NoticeKey> = {}): NoticeKey => ({
  accountId: '111122223333',
  region: 'eu-west-1',
  groupId: 'sg-0123456789abcdef0',
  action: 'would-remediate',
  exposures: [exposure('sgr-a', '0.0.0.0/0'), exposure('sgr-b', '::/0')],
  ...overrides,
});

const at = (ms: number) => new Date(ms);

describe('noticeFingerprint', () => {
  it('does not depend on the order of the exposures', () => {
    // Prepare
    const [a, b] = key().exposures;

    // Assess
    expect(noticeFingerprint(key({ exposures: [b as Exposure, a as Exposure] }))).toBe(
      noticeFingerprint(key()),
    );
  });

  it('differs by group, action and exposing rule', () => {
    // Prepare
    const base = noticeFingerprint(key());

    // Assess
    expect(noticeFingerprint(key({ groupId: 'sg-0123456789abcdef1' }))).not.toBe(base);
    expect(noticeFingerprint(key({ action: 'exempted' }))).not.toBe(base);
    expect(noticeFingerprint(key({ exposures: [exposure('sgr-a', '0.0.0.0/0')] }))).not.toBe(base);
  });
});

describe('RecentNotices', () => {
  it('holds a notice for the TTL and lets it through afterwards', () => {
    // Prepare
    const recent = new RecentNotices({ ttlMs: 1000 });
    recent.remember(key(), at(0));

    // Assess
    expect(recent.has(key(), at(999))).toBe(true);
    expect(recent.has(key(), at(1000))).toBe(false);
    expect(recent.has(key({ action: 'exempted' }), at(1))).toBe(false);
  });

  it('forgets the oldest fingerprints beyond its size and expired ones as new arrive', () => {
    // Prepare
    const recent = new RecentNotices({ ttlMs: 1000, maxEntries: 2 });
    const group = (n: number) => key({ groupId: `sg-000000000000000${n}` });

    // Act
    recent.remember(group(1), at(0));
    recent.remember(group(2), at(10));
    recent.remember(group(3), at(20));
    const afterOverflow = recent.size;
    recent.remember(group(4), at(1015));

    // Assess
    expect(afterOverflow).toBe(2);
    expect(recent.has(group(1), at(20))).toBe(false);
    expect(recent.has(group(3), at(1015))).toBe(true);
    expect(recent.size).toBe(2);
  });
});
