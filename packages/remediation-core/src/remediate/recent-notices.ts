import type { Exposure, NoticeAction } from '../model.js';
import { describeRule } from '../rules/format.js';

/** What identifies "the same notice again": one decision about the same exposures of a group. */
export interface NoticeKey {
  readonly accountId: string;
  readonly region: string;
  readonly groupId: string;
  readonly action: NoticeAction;
  readonly exposures: readonly Exposure[];
}

/**
 * The fingerprint of a notice: account, region, group, action and the sorted exposing rules
 * (with their ids and exposed ports). The action is part of it so that a changed decision
 * (notify → exempted) is news and is mailed.
 *
 * @example
 * noticeFingerprint({ accountId, region, groupId, action: 'would-remediate', exposures })
 * // → '111122223333|eu-west-1|sg-1|would-remediate|tcp 22 from 0.0.0.0/0 (sgr-1)@22'
 */
export function noticeFingerprint(key: NoticeKey): string {
  const rules = key.exposures
    .map((exposure) => `${describeRule(exposure.rule)}@${exposure.ports.join(',')}`)
    .sort();
  return [key.accountId, key.region, key.groupId, key.action, ...rules].join('|');
}

/** Options of {@link RecentNotices}. */
export interface RecentNoticesOptions {
  /** How long a notice suppresses its repeats. @default 3_600_000 (1 hour) */
  readonly ttlMs?: number;
  /** Fingerprints kept at most; the oldest are forgotten first. @default 1000 */
  readonly maxEntries?: number;
}

/**
 * Notices sent lately, so that repeated `would-remediate` and `exempted` notices about the same
 * exposures are not mailed again within the TTL (Config re-evaluates and CloudTrail repeats;
 * nothing changes in those modes, so every event would otherwise mail again).
 *
 * Best effort: it lives in memory, per warm Lambda container. A cold container, or a second
 * container running concurrently, does not know what another one sent, so a repeat can still
 * get through. `remediated` notices need no suppression: once fixed, a group is no longer
 * exposed and a second event sends nothing.
 *
 * @example
 * const recent = new RecentNotices();
 * if (!recent.has(key, now)) { await publish(notice); recent.remember(key, now); }
 */
export class RecentNotices {
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  /** Fingerprint → expiry (epoch ms), in insertion order. */
  private readonly entries = new Map<string, number>();

  constructor(options: RecentNoticesOptions = {}) {
    this.ttlMs = options.ttlMs ?? 3_600_000;
    this.maxEntries = options.maxEntries ?? 1000;
  }

  /** Whether a notice with this key was remembered less than the TTL before `now`. */
  has(key: NoticeKey, now: Date): boolean {
    const expiresAt = this.entries.get(noticeFingerprint(key));
    return expiresAt !== undefined && expiresAt > now.getTime();
  }

  /** Records that a notice with this key was sent at `now`. */
  remember(key: NoticeKey, now: Date): void {
    const fingerprint = noticeFingerprint(key);
    this.entries.delete(fingerprint);
    this.entries.set(fingerprint, now.getTime() + this.ttlMs);
    for (const [stored, expiresAt] of this.entries) {
      if (this.entries.size <= this.maxEntries && expiresAt > now.getTime()) break;
      this.entries.delete(stored);
    }
  }

  /** Fingerprints currently held (expired ones included until pushed out). */
  get size(): number {
    return this.entries.size;
  }
}
