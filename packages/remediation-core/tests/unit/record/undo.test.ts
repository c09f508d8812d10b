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
import { planUndo, undoSteps } from '../../../src/record/record.js';
import { canonicalRule } from '../../../src/rules/canonical.js';
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

/** The record with every authorized rule marked as sg-guard created it (what the gateway says). */
function created(record: RemediationRecord): RemediationRecord {
  return { ...record, authorized: record.authorized.map((rule) => ({ ...rule, created: true })) };
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

describe('planUndo', () => {
  it('re-authorizes what a remediated record revoked and revokes what it authorized, by id', () => {
    // Prepare
    const record = buildRecord(noticeInput('remediated'));

    // Act
    const plan = planUndo(record);

    // Assess
    expect(plan).toEqual({
      recordId: record.recordId,
      groupId: 'sg-0123456789abcdef0',
      accountId: '111122223333',
      region: 'eu-west-1',
      authorize: PLAN.revoke.map(({ ruleId: _id, ...rule }) => rule),
      revoke: APPLIED.authorized,
      alreadyInPlace: [],
      alreadyGone: [],
      leftAlone: [],
      reopened: PLAN.revoke.map(({ ruleId: _id, ...rule }) => rule),
    });
    expect(plan.authorize.every((rule) => !('ruleId' in rule))).toBe(true);
  });

  it.each(['would-remediate', 'exempted'] as const)(
    'has nothing to undo for %s, which changed nothing',
    (action) => {
      // Act
      const plan = planUndo(buildRecord(noticeInput(action)));

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
    const plan = planUndo(record);

    // Assess
    expect(plan.authorize).toEqual([]);
    expect(plan.revoke).toEqual(APPLIED.authorized.slice(0, 1));
  });

  it('leaves alone an authorized rule of an older record that has neither flag nor id', () => {
    // Prepare
    const record = buildRecord(
      noticeInput('remediated', {
        applied: { revoked: [RULES.wideTcp], authorized: [NARROWING[0] as RuleToAuthorize] },
      }),
    );

    // Act
    const plan = planUndo(record);

    // Assess
    expect(plan.revoke).toEqual([]);
    expect(plan.leftAlone).toEqual([{ rule: NARROWING[0], why: 'unknown-origin' }]);
    expect(plan.authorize).toHaveLength(1);
  });

  it('never revokes a rule the record says already existed, even with its id', () => {
    // Prepare
    const existed = {
      ...NARROWING[0],
      ruleId: 'sgr-0ccccccccccccccc1',
      created: false,
    } as RecordedRule;
    const record = {
      ...buildRecord(noticeInput('remediated')),
      revoked: [RULES.wideTcp],
      authorized: [existed],
    };

    // Act
    const plan = planUndo(record, [existed as InboundRule]);

    // Assess
    expect(plan.revoke).toEqual([]);
    expect(plan.leftAlone).toEqual([{ rule: existed, why: 'existed-before' }]);
  });

  it('revokes a rule sg-guard created but got no id for, by the id the group gives it now', () => {
    // Prepare
    const createdNoId = { ...NARROWING[1], created: true } as RecordedRule;
    const record = {
      ...buildRecord(noticeInput('remediated')),
      revoked: [RULES.wideTcp],
      authorized: [createdNoId],
    };
    const current: InboundRule[] = [
      { ...(NARROWING[1] as RuleToAuthorize), protocol: '6', ruleId: 'sgr-0ddddddddddddddd1' },
      RULES.office,
    ];

    // Act
    const withGroup = planUndo(record, current);
    const withoutGroup = planUndo(record);

    // Assess
    expect(withGroup.revoke).toEqual([{ ...createdNoId, ruleId: 'sgr-0ddddddddddddddd1' }]);
    expect(withoutGroup.revoke).toEqual([createdNoId]);
  });

  it('skips what the current group already grants and what is already gone', () => {
    // Prepare
    const record = created(buildRecord(noticeInput('remediated')));
    const current: InboundRule[] = [
      { ...RULES.sshV6, ruleId: 'sgr-0eeeeeeeeeeeeeee1', description: 'back by hand' },
      { ...(APPLIED.authorized[0] as InboundRule) },
      RULES.office,
    ];

    // Act
    const plan = planUndo(record, current);

    // Assess
    expect(plan.alreadyInPlace).toEqual([(({ ruleId: _id, ...rule }) => rule)(RULES.sshV6)]);
    expect(plan.authorize).toHaveLength(3);
    expect(plan.revoke.map((rule) => rule.ruleId)).toEqual([APPLIED.authorized[0]?.ruleId]);
    expect(plan.alreadyGone.map((rule) => rule.ruleId)).toEqual(
      APPLIED.authorized.slice(1).map((rule) => rule.ruleId),
    );
  });

  it('leaves alone a rule sg-guard created that its owner has edited since', () => {
    // Prepare
    const record = created(buildRecord(noticeInput('remediated')));
    const edited = APPLIED.authorized[1] as InboundRule;
    const current: InboundRule[] = [
      { ...edited, source: { kind: 'cidr', family: 'ipv4', cidr: '10.0.0.0/8' } },
    ];

    // Act
    const plan = planUndo(record, current);

    // Assess
    expect(plan.revoke).toEqual([]);
    expect(plan.leftAlone).toEqual([{ rule: { ...edited, created: true }, why: 'changed-since' }]);
  });

  it('names what it re-opens to the world: world CIDRs and the rules the record calls exposures', () => {
    // Prepare: a narrowing that also revoked a private rule, which re-opens nothing.
    const record = {
      ...buildRecord(noticeInput('remediated')),
      revoked: [RULES.wideTcp, RULES.lowHalf, RULES.office],
      exposures: [
        { rule: RULES.lowHalf, ports: [22], family: 'ipv4' as const, reason: 'union' as const },
      ],
      authorized: [],
    };

    // Act
    const plan = planUndo(record);

    // Assess
    expect(plan.reopened.map((rule) => rule.source)).toEqual([
      RULES.wideTcp.source,
      RULES.lowHalf.source,
    ]);
  });

  it('lists every rule of a manual undo, authorizations first, created rules without id included', () => {
    // Prepare
    const record = {
      ...buildRecord(noticeInput('remediated')),
      revoked: [RULES.office, RULES.wideTcp],
      authorized: [
        { ...(NARROWING[0] as RuleToAuthorize), created: true },
        { ...(NARROWING[1] as RuleToAuthorize), ruleId: 'sgr-0fffffffffffffff1', created: true },
        { ...(NARROWING[2] as RuleToAuthorize), created: false },
      ],
    };

    // Act
    const steps = undoSteps(record);

    // Assess
    expect(
      steps.map((step) => [step.action, step.rule.fromPort, step.rule.toPort, step.reopensToWorld]),
    ).toEqual([
      ['authorize', 22, 22, false],
      ['authorize', 0, 65535, true],
      ['revoke', 0, 21, false],
      ['revoke', 23, 65535, false],
    ]);
    expect(steps[3]?.rule.ruleId).toBe('sgr-0fffffffffffffff1');
  });

  it('restores the group exactly: remediate then undo gives back the original rules', () => {
    // Prepare
    const before: InboundRule[] = Object.values(RULES);
    const record = buildRecord(noticeInput('remediated'));

    // Act
    const after = applyUndo(applyRecord(before, record), planUndo(record));

    // Assess
    expect(after.map(key).sort()).toEqual(before.map(key).sort());
  });

  const portArb = fc.integer({ min: 0, max: 65535 });
  const portsArb = fc
    .tuple(portArb, portArb)
    .map(([a, b]) => ({ fromPort: Math.min(a, b), toPort: Math.max(a, b) }));
  const ruleArb = fc
    .record({
      protocol: fc.constantFrom('tcp', 'udp', '-1', '47'),
      ports: portsArb,
      source: fc.oneof(
        fc
          .constantFrom('0.0.0.0/0', '10.0.0.0/8', '192.0.2.7/32')
          .map((cidr) => ({ kind: 'cidr' as const, family: 'ipv4' as const, cidr })),
        fc.constant({ kind: 'cidr' as const, family: 'ipv6' as const, cidr: '::/0' }),
        fc.constant({ kind: 'prefix-list' as const, prefixListId: 'pl-0123456789abcdef0' }),
      ),
      description: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
    })
    .map(({ ports, ...rule }): RuleToAuthorize => ({ ...rule, ...ports }));
  /** Same access, as AWS sees a duplicate: a group never holds two rules with one access. */
  const access = (rule: RuleToAuthorize) => {
    const { protocol, fromPort, toPort, source } = canonicalRule(rule);
    return JSON.stringify([protocol, fromPort, toPort, source]);
  };

  it.each(['remediated', 'failed'] as NoticeAction[])(
    'inverts any %s change: revoke some rules, add others',
    (action) => {
      fc.assert(
        fc.property(
          fc.uniqueArray(ruleArb, { minLength: 1, maxLength: 12, selector: access }),
          fc.uniqueArray(ruleArb, { maxLength: 6, selector: access }),
          fc.infiniteStream(fc.boolean()),
          (existing, added, picks) => {
            // Prepare
            const before = existing.map((rule, i) => ({ ...rule, ruleId: `sgr-0old${i}` }));
            const revoked = before.filter(() => picks.next().value);
            const authorized = added
              .filter((rule) => !before.some((b) => access(b) === access(rule)))
              .map((rule, i) => ({ ...rule, ruleId: `sgr-0new${i}` }));
            const record = created(
              buildRecord(noticeInput(action, { applied: { revoked, authorized } })),
            );

            // Act
            const after = applyUndo(
              applyRecord(before, record),
              planUndo(record, applyRecord(before, record)),
            );

            // Assess
            expect(after.map(key).sort()).toEqual(before.map(key).sort());
          },
        ),
        { numRuns: 200 },
      );
    },
  );
});
