import { describe, expect, it } from 'vitest';
import { InvalidRecordError } from '../../../src/errors.js';
import { buildRecord } from '../../../src/notice/build-record.js';
import { errorOf } from '../events/load-fixture.js';
import { APPLIED, NARROWING, noticeInput, PLAN, RULES } from './notice-inputs.js';

describe('buildRecord', () => {
  it('records what was applied for remediated, with the ids AWS gave new rules', () => {
    // Act
    const record = buildRecord(noticeInput('remediated'));

    // Assess
    expect(record).toMatchObject({
      schemaVersion: 1,
      recordId: '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b',
      time: '2026-11-27T10:15:33.120Z',
      action: 'remediated',
      mode: 'enforce',
      accountId: '111122223333',
      accountName: 'payments-prod',
      region: 'eu-west-1',
      groupId: 'sg-0123456789abcdef0',
      groupName: 'web-servers',
      vpcId: 'vpc-0a1b2c3d4e5f67890',
      trigger: 'cloudtrail',
      actor: 'arn:aws:sts::111122223333:assumed-role/Developer/alice',
      eventId: 'e4d7c1a2-9b8f-4e3d-a1b2-c3d4e5f60718',
      strategy: 'narrow',
      appliedStrategy: 'narrow',
      policySource: { kind: 'ou', id: 'ou-ab12-11111111' },
      warnings: [],
    });
    expect(record.revoked).toEqual(PLAN.revoke);
    expect(record.authorized.map((r) => r.ruleId)).toEqual([
      'sgr-0bbbbbbbbbbbbbbb1',
      'sgr-0bbbbbbbbbbbbbbb2',
      'sgr-0bbbbbbbbbbbbbbb3',
    ]);
    expect(record.exposures).toHaveLength(4);
    expect(record.exposures[2]).toEqual({
      rule: RULES.lowHalf,
      ports: [22],
      family: 'ipv4',
      reason: 'union',
    });
    expect(record).not.toHaveProperty('exemption');
    expect(record).not.toHaveProperty('error');
  });

  it.each(['would-remediate', 'exempted'] as const)(
    'records the plan for %s: what would have been done',
    (action) => {
      // Act
      const record = buildRecord(noticeInput(action));

      // Assess
      expect(record.revoked).toEqual(PLAN.revoke);
      expect(record.authorized).toEqual(NARROWING);
      expect(record.dropped).toHaveLength(1);
    },
  );

  it('records the exemption for exempted', () => {
    // Act
    const record = buildRecord(noticeInput('exempted'));

    // Assess
    expect(record.exemption).toEqual({ reason: 'vendor bastion, CHG-1234', until: '2026-12-31' });
  });

  it('records only the partial changes of a failed run, and the error', () => {
    // Act
    const record = buildRecord(
      noticeInput('failed', {
        applied: { revoked: [RULES.wideTcp], authorized: APPLIED.authorized.slice(0, 2) },
      }),
    );

    // Assess
    expect(record.revoked).toEqual([RULES.wideTcp]);
    expect(record.authorized).toHaveLength(2);
    expect(record.dropped).toEqual([]);
    expect(record.error).toEqual({
      code: 'UnauthorizedOperation',
      message: 'You are not authorized to perform this operation.',
      missingPermission: 'ec2:RevokeSecurityGroupIngress',
    });
  });

  it('records no changes for a failed run that changed nothing', () => {
    // Act
    const record = buildRecord(noticeInput('failed'));

    // Assess
    expect(record.revoked).toEqual([]);
    expect(record.authorized).toEqual([]);
  });

  it('reports dropped access only when the rule that granted it was revoked', () => {
    // Prepare
    const withoutAllFromList = PLAN.revoke.filter((r) => r !== RULES.allFromList);

    // Act
    const kept = buildRecord(
      noticeInput('remediated', { applied: { revoked: withoutAllFromList, authorized: [] } }),
    );
    const matchedWithoutIds = buildRecord(
      noticeInput('remediated', {
        applied: { revoked: [{ ...RULES.allFromList, ruleId: undefined }], authorized: [] },
      }),
    );

    // Assess
    expect(kept.dropped).toEqual([]);
    expect(matchedWithoutIds.dropped).toEqual([
      'all protocols other than tcp, udp and icmp (such as GRE 47, ESP 50) (was allowed by all traffic from prefix list pl-0123456789abcdef0 (sgr-0aaaaaaaaaaaaaaa4))',
    ]);
  });

  it('stores rules with their own fields only, and no undefined values', () => {
    // Prepare
    const noisy = { ...RULES.office, extra: 'not part of a rule', description: undefined };
    const sourceGroup = {
      protocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      source: {
        kind: 'security-group' as const,
        groupId: 'sg-0fedcba9876543210',
        vpcId: 'vpc-01234567',
      },
    };

    // Act
    const record = buildRecord(
      noticeInput('remediated', { applied: { revoked: [noisy, sourceGroup], authorized: [] } }),
    );

    // Assess
    expect(record.revoked).toStrictEqual([RULES.office, sourceGroup]);
    expect(JSON.parse(JSON.stringify(record))).toStrictEqual(record);
  });

  it('keeps the fallback reason of a plan that fell back to revoke', () => {
    // Act
    const record = buildRecord(
      noticeInput('would-remediate', {
        plan: { ...PLAN, appliedStrategy: 'revoke', fallbackReason: 'quota' },
      }),
    );

    // Assess
    expect(record).toMatchObject({
      strategy: 'narrow',
      appliedStrategy: 'revoke',
      fallbackReason: 'quota',
    });
  });

  it('refuses a remediated notice without the applied changes', () => {
    // Act
    const error = errorOf(() => buildRecord(noticeInput('remediated', { applied: undefined })));

    // Assess
    expect(error).toBeInstanceOf(InvalidRecordError);
    expect((error as InvalidRecordError).issues).toEqual([
      'applied: a remediated notice needs the changes that were applied',
    ]);
  });

  it.each([
    [
      'exempted without its exemption',
      'exempted',
      { exemption: undefined },
      'exemption: an exempted record needs its exemption',
    ],
    [
      'failed without its error',
      'failed',
      { error: undefined },
      'error: a failed record needs its error',
    ],
    [
      'a group id that is not one',
      'would-remediate',
      { group: { groupId: 'web', rules: [] } },
      'groupId: expected a security group id like sg-0123456789abcdef0',
    ],
    [
      'a time that is not ISO 8601',
      'would-remediate',
      { time: 'yesterday' },
      'time: Invalid ISO datetime',
    ],
  ] as const)('refuses %s', (_what, action, overrides, issue) => {
    // Act
    const error = errorOf(() => buildRecord(noticeInput(action, overrides)));

    // Assess
    expect(error).toBeInstanceOf(InvalidRecordError);
    expect((error as InvalidRecordError).issues).toEqual([issue]);
  });
});
