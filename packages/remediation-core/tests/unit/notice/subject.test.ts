import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NoticeAction } from '../../../src/model.js';
import { buildRecord } from '../../../src/notice/build-record.js';
import { buildSubject } from '../../../src/notice/subject.js';
import { ASSESSMENT, noticeInput, RULES } from './notice-inputs.js';

const ACTIONS: readonly NoticeAction[] = ['remediated', 'would-remediate', 'exempted', 'failed'];

function subjectFor(action: NoticeAction, changes: Parameters<typeof noticeInput>[1] = {}) {
  return buildSubject(buildRecord(noticeInput(action, changes)));
}

function withPorts(ports: number[]) {
  return {
    ...ASSESSMENT,
    exposures: [
      { rule: RULES.wideTcp, ports, family: 'ipv4' as const, reason: 'world-cidr' as const },
    ],
  };
}

describe('buildSubject', () => {
  it('says action, exposure, group, account and region', () => {
    // Act
    const subject = subjectFor('remediated');

    // Assess
    expect(subject).toBe(
      '[sg-guard] remediated: SSH open to the internet on sg-0123456789abcdef0 in 111122223333 eu-west-1',
    );
  });

  it('adds the group name when there is room', () => {
    // Act
    const subject = subjectFor('exempted', {
      group: { groupId: 'sg-01234567', groupName: 'bastion', rules: [] },
      region: 'us-east-1',
    });

    // Assess
    expect(subject).toBe(
      '[sg-guard] exempted: SSH open to the internet on sg-01234567 (bastion) in 111122223333 us-east-1',
    );
  });

  it('shortens a long group name with dots rather than passing 99 characters', () => {
    // Act
    const subject = subjectFor('remediated', {
      group: { groupId: 'sg-01234567', groupName: 'x'.repeat(255), rules: [] },
    });

    // Assess
    expect(subject).toMatch(
      /^\[sg-guard\] remediated: SSH open to the internet on sg-01234567 \(x+\.\.\.\) in 111122223333 eu-west-1$/,
    );
    expect(subject).toHaveLength(99);
  });

  it('says the exposure more briefly before dropping the ids', () => {
    // Act
    const subject = subjectFor('failed');

    // Assess
    expect(subject).toMatch(
      /^\[sg-guard\] FAILED to remediate: SSH open on sg-0123456789abcdef0 .*in 111122223333 eu-west-1$/,
    );
  });

  it('names RDP and other ports, and counts them when the list is long', () => {
    // Act
    const few = subjectFor('would-remediate', {
      assessment: withPorts([22, 3389]),
      group: { groupId: 'sg-01234567', rules: [] },
    });
    const many = subjectFor('would-remediate', {
      assessment: withPorts([22, 3389, 5432, 6379, 8080, 9200]),
    });

    // Assess
    expect(few).toBe(
      '[sg-guard] would remediate: SSH, RDP open to the internet on sg-01234567 in 111122223333 eu-west-1',
    );
    expect(many).toBe(
      '[sg-guard] would remediate: 6 ports open on sg-0123456789abcdef0 in 111122223333 eu-west-1',
    );
  });

  it('leaves the exposure out when none was found', () => {
    // Act
    const subject = subjectFor('failed', { assessment: { ...ASSESSMENT, exposures: [] } });

    // Assess
    expect(subject).toBe(
      '[sg-guard] FAILED to remediate: sg-0123456789abcdef0 (web-servers) in 111122223333 eu-west-1',
    );
  });

  it('replaces line breaks and non-ASCII characters, which SNS rejects in a subject', () => {
    // Act
    const subject = subjectFor('exempted', {
      group: { groupId: 'sg-01234567', groupName: 'café\nprod', rules: [] },
    });

    // Assess
    expect(subject).toContain('(caf? prod)');
  });

  it('cuts the subject at 99 characters when even the ids do not fit', () => {
    // Act
    const subject = subjectFor('failed', { region: `ap-${'a'.repeat(80)}-1` });

    // Assess
    expect(subject).toHaveLength(99);
    expect(subject).toMatch(
      /^\[sg-guard\] FAILED to remediate: sg-0123456789abcdef0 in 111122223333 ap-a+\.\.\.$/,
    );
  });

  it('stays under 100 printable ASCII characters for any name, ports and region', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ACTIONS),
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.stringMatching(/^sg-([0-9a-f]{8}|[0-9a-f]{17})$/),
        fc.stringMatching(/^\d{12}$/),
        fc.constantFrom(
          'eu-west-1',
          'ap-southeast-4',
          'us-gov-west-1',
          'cn-northwest-1',
          'il-central-1',
        ),
        fc.uniqueArray(fc.integer({ min: 0, max: 65535 }), { maxLength: 12 }),
        (action, groupName, groupId, accountId, region, ports) => {
          // Prepare
          const input = noticeInput(action, {
            accountId,
            region,
            group: { groupId, groupName, rules: [] },
            assessment:
              ports.length > 0
                ? withPorts(ports.sort((a, b) => a - b))
                : { ...ASSESSMENT, exposures: [] },
          });

          // Act
          const subject = buildSubject(buildRecord(input));

          // Assess
          expect(subject.length).toBeLessThan(100);
          expect(subject).toMatch(/^\[sg-guard\] [\x20-\x7e]+$/);
          expect(subject).toContain(groupId);
          expect(subject).toContain(`${accountId} ${region}`);
        },
      ),
      { numRuns: 500 },
    );
  });
});
