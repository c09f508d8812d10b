import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  InboundRule,
  NoticeAction,
  RecordedRule,
  RemediationRecord,
  RuleToAuthorize,
  UndoPlan,
} from '../../../src/model.js';
import { buildRecord } from '../../../src/notice/build-record.js';
import { undoPlan } from '../../../src/record/record.js';
import { APPLIED, NARROWING, noticeInput, PLAN, RULES } from '../notice/notice-inputs.js';

/** A rule's identity without its id, for comparing groups before and after. */
function key(rule: RuleToAuthorize): string {
  return JSON.stringify([
    rule.protocol,
    rule.fromPort,
    rule.toPort,
    rule.source,
    rule.description ?? '',
  ]);
}

/** What AWS would do to a group's rules when the record's changes are applied. */
function applyRecord(rules: readonly RecordedRule[], record: RemediationRecord): RecordedRule[] {
  const revokedIds = new Set(record.revoked.map((r) => r.ruleId));
  return [...rules.filter((r) => !revokedIds.has(r.ruleId)), ...record.authorized];
}

/** What AWS would do when the undo plan runs: authorize first, then revoke by id. */
function applyUndo(rules: readonly RecordedRule[], plan: UndoPlan): RecordedRule[] {
  const revokeIds = new Set(plan.revoke.map((r) => r.ruleId));
  const restored = plan.authorize.map((r, i) => ({ ...r, ruleId: `sgr-0undo${i}` }));
  return [...rules, ...restored].filter((r) => !revokeIds.has(r.ruleId));
}

describe('undoPlan', () => {
  it('re-authorizes what a remediated record revoked and revokes what it authorized, by id', () => {
    // Prepare
    const record = buildRecord(noticeInput('remediated'));

    // Act
    const plan = undoPlan(record);

    // Assess
    expect(plan).toEqual({
      recordId: record.recordId,
      groupId: 'sg-0123456789abcdef0',
      accountId: '111122223333',
      region: 'eu-west-1',
      authorize: PLAN.revoke.map(({ ruleId: _id, ...rule }) => rule),
      revoke: APPLIED.authorized,
    });
    expect(plan.authorize.every((rule) => !('ruleId' in rule))).toBe(true);
  });

  it.each(['would-remediate', 'exempted'] as const)(
    'has nothing to undo for %s, which changed nothing',
    (action) => {
      // Act
      const plan = undoPlan(buildRecord(noticeInput(action)));

      // Assess
      expect(plan.authorize).toEqual([]);
      expect(plan.revoke).toEqual([]);
    },
  );

  it('undoes the partial changes of a failed record', () => {
    // Prepare
    const record = buildRecord(
      noticeInput('failed', {
        applied: { revoked: [], authorized: APPLIED.authorized.slice(0, 1) },
      }),
    );

    // Act
    const plan = undoPlan(record);

    // Assess
    expect(plan.authorize).toEqual([]);
    expect(plan.revoke).toEqual(APPLIED.authorized.slice(0, 1));
  });

  it('leaves alone an authorized rule without id, which existed before sg-guard added it', () => {
    // Prepare
    const record = buildRecord(
      noticeInput('remediated', {
        applied: { revoked: [RULES.wideTcp], authorized: [NARROWING[0] as RuleToAuthorize] },
      }),
    );

    // Act
    const plan = undoPlan(record);

    // Assess
    expect(plan.revoke).toEqual([]);
    expect(plan.authorize).toHaveLength(1);
  });

  it('restores the group exactly: remediate then undo gives back the original rules', () => {
    // Prepare
    const before: InboundRule[] = Object.values(RULES);
    const record = buildRecord(noticeInput('remediated'));

    // Act
    const after = applyUndo(applyRecord(before, record), undoPlan(record));

    // Assess
    expect(after.map(key).sort()).toEqual(before.map(key).sort());
  });

  const portArb = fc.integer({ min: 0, max: 65535 });
  const ruleArb = fc.record({
    protocol: fc.constantFrom('tcp', 'udp', '-1', '47'),
    fromPort: portArb,
    toPort: portArb,
    source: fc.oneof(
      fc
        .constantFrom('0.0.0.0/0', '10.0.0.0/8', '192.0.2.7/32')
        .map((cidr) => ({ kind: 'cidr' as const, family: 'ipv4' as const, cidr })),
      fc.constant({ kind: 'cidr' as const, family: 'ipv6' as const, cidr: '::/0' }),
      fc.constant({ kind: 'prefix-list' as const, prefixListId: 'pl-0123456789abcdef0' }),
    ),
    description: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
  });

  it.each(['remediated', 'failed'] as NoticeAction[])(
    'inverts any %s change: revoke some rules, add others',
    (action) => {
      fc.assert(
        fc.property(
          fc.uniqueArray(ruleArb, { minLength: 1, maxLength: 12, selector: key }),
          fc.uniqueArray(ruleArb, { maxLength: 6, selector: key }),
          fc.infiniteStream(fc.boolean()),
          (existing, added, picks) => {
            // Prepare
            const before = existing.map((rule, i) => ({ ...rule, ruleId: `sgr-0old${i}` }));
            const revoked = before.filter(() => picks.next().value);
            const authorized = added
              .filter((rule) => !before.some((b) => key(b) === key(rule)))
              .map((rule, i) => ({ ...rule, ruleId: `sgr-0new${i}` }));
            const record = buildRecord(noticeInput(action, { applied: { revoked, authorized } }));

            // Act
            const after = applyUndo(applyRecord(before, record), undoPlan(record));

            // Assess
            expect(after.map(key).sort()).toEqual(before.map(key).sort());
          },
        ),
        { numRuns: 200 },
      );
    },
  );
});
