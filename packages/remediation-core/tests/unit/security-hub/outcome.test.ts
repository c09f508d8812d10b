import { describe, expect, it } from 'vitest';
import { buildNotice } from '../../../src/notice/notice.js';
import type { RemediationOutcome, RemediationOutcomeKind } from '../../../src/remediate.js';
import { securityHubFindingForOutcome } from '../../../src/security-hub/outcome.js';
import { noticeInput } from '../notice/notice-inputs.js';

const now = new Date('2026-11-28T09:00:00.000Z');

function outcome(kind: RemediationOutcomeKind, extra: Partial<RemediationOutcome> = {}) {
  return {
    outcome: kind,
    accountId: '111122223333',
    region: 'eu-west-1',
    groupId: 'sg-0123456789abcdef0',
    groupName: 'web-servers',
    mode: 'enforce',
    policy: {
      accountId: '111122223333',
      mode: 'enforce',
      source: { kind: 'default' },
      warnings: [],
    },
    exposures: [],
    unresolvedPrefixLists: [],
    ...extra,
  } satisfies RemediationOutcome;
}

describe('securityHubFindingForOutcome', () => {
  it('builds the finding of the published notice: open in notify mode, resolved once fixed', () => {
    // Act
    const open = securityHubFindingForOutcome(
      outcome('would-remediate', { notice: buildNotice(noticeInput('would-remediate')) }),
      { now },
    );
    const fixed = securityHubFindingForOutcome(
      outcome('remediated', { notice: buildNotice(noticeInput('remediated')) }),
      { now },
    );

    // Assess
    expect(open).toMatchObject({ Compliance: { Status: 'FAILED' }, Workflow: { Status: 'NEW' } });
    expect(fixed).toMatchObject({
      Compliance: { Status: 'PASSED' },
      Workflow: { Status: 'RESOLVED' },
      ProductFields: { 'sg-guard/RecordId': '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b' },
    });
    expect(open?.Id).toBe(fixed?.Id);
  });

  it('gives a clean group no finding unless asked to close an earlier one', () => {
    // Act
    const quiet = securityHubFindingForOutcome(outcome('not-exposed'), { now });
    const closing = securityHubFindingForOutcome(outcome('not-exposed'), {
      now,
      resolveClean: true,
    });

    // Assess
    expect(quiet).toBeUndefined();
    expect(closing).toMatchObject({
      Id: 'sg-guard/eu-west-1/111122223333/sg-0123456789abcdef0/open-to-internet',
      Compliance: { Status: 'PASSED' },
      Workflow: { Status: 'RESOLVED' },
      UpdatedAt: '2026-11-28T09:00:00.000Z',
    });
  });

  it.each(['already-fixed', 'suppressed', 'skipped-off', 'group-not-found'] as const)(
    'imports nothing for %s',
    (kind) => {
      expect(
        securityHubFindingForOutcome(outcome(kind), { now, resolveClean: true }),
      ).toBeUndefined();
    },
  );
});
