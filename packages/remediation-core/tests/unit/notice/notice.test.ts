import { describe, expect, it } from 'vitest';
import type { NoticeAction } from '../../../src/model.js';
import { buildNotice } from '../../../src/notice/notice.js';
import { APPLIED, ASSESSMENT, noticeInput, PLAN, RULES } from './notice-inputs.js';

describe('buildNotice attributes and message', () => {
  it.each([
    ['failed', 'critical'],
    ['would-remediate', 'high'],
    ['remediated', 'medium'],
    ['exempted', 'low'],
  ] as const)('gives a %s notice severity %s and the filter attributes', (action, severity) => {
    // Act
    const notice = buildNotice(noticeInput(action));

    // Assess
    expect(notice.attributes).toEqual({
      action,
      accountId: '111122223333',
      region: 'eu-west-1',
      severity,
    });
  });

  it('publishes the record to machines and the text to mail, per SNS message structure json', () => {
    // Act
    const notice = buildNotice(noticeInput('remediated'));

    // Assess
    // Every protocol but e-mail falls back to `default`, so the record is carried once.
    const message = JSON.parse(notice.message) as Record<string, string>;
    expect(Object.keys(message).sort()).toEqual(['default', 'email']);
    expect(message.email).toBe(notice.text);
    expect(JSON.parse(message.default ?? '')).toEqual(notice.record);
  });

  it('ends the mail with the record as one JSON line that undo can read', () => {
    // Act
    const notice = buildNotice(noticeInput('remediated'));

    // Assess
    const lines = notice.text.trimEnd().split('\n');
    expect(lines.at(-2)).toBe('Record (JSON, one line):');
    expect(JSON.parse(lines.at(-1) ?? '')).toEqual(notice.record);
  });
});

describe('buildNotice mail text', () => {
  const text = (action: NoticeAction, overrides = {}) =>
    buildNotice(noticeInput(action, overrides)).text;

  it.each(['remediated', 'would-remediate', 'exempted', 'failed'] as const)(
    'names account, region, group, VPC, trigger, actor, event and mode for %s',
    (action) => {
      // Act
      const body = text(action);

      // Assess
      expect(body).toContain('Account:        111122223333 (payments-prod)');
      expect(body).toContain('Region:         eu-west-1');
      expect(body).toContain(
        'Security group: sg-0123456789abcdef0 (web-servers), VPC vpc-0a1b2c3d4e5f67890',
      );
      expect(body).toContain(
        'Trigger:        CloudTrail API call (fast path), by arn:aws:sts::111122223333:assumed-role/Developer/alice',
      );
      expect(body).toContain(
        'Event:          e4d7c1a2-9b8f-4e3d-a1b2-c3d4e5f60718 at 2026-11-27T10:15:29Z',
      );
      expect(body).toMatch(
        /Mode: {11}(enforce|notify) \(tag sg-guard:mode on OU ou-ab12-11111111\)/,
      );
      expect(body).toContain(`Action:         ${action}`);
    },
  );

  it('explains each exposure: rule, port and why it is the internet', () => {
    // Act
    const body = text('remediated');

    // Assess
    expect(body).toContain(
      '  - tcp 0-65535 from 0.0.0.0/0 (sgr-0aaaaaaaaaaaaaaa1), description "temporary: debugging": exposes port 22 (SSH); 0.0.0.0/0 is the whole IPv4 internet',
    );
    expect(body).toContain(
      'tcp 22 from ::/0 (sgr-0aaaaaaaaaaaaaaa2): exposes port 22 (SSH); ::/0 is the whole IPv6 internet',
    );
    expect(body).toContain(
      "0.0.0.0/1, together with the group's other sources for this port, covers the whole IPv4 address space",
    );
    expect(body).toContain(
      'the entries of prefix list pl-0123456789abcdef0 cover the whole IPv4 internet',
    );
  });

  it('lists the changes made, the access dropped and how to undo them for remediated', () => {
    // Act
    const body = text('remediated');

    // Assess
    expect(body).toContain(
      'sg-guard closed port 22 (SSH) to the internet on security group sg-0123456789abcdef0',
    );
    expect(body).toContain(
      'Changes made\n  Strategy: narrow\n  Authorized first, so other ports stay open:',
    );
    expect(body).toContain(
      '    - tcp 0-21 from 0.0.0.0/0 (sgr-0bbbbbbbbbbbbbbb1), description "temporary: debugging"',
    );
    expect(body).toContain('  Revoked:\n    - tcp 0-65535 from 0.0.0.0/0 (sgr-0aaaaaaaaaaaaaaa1)');
    expect(body).toContain(
      '  Access dropped:\n    - all protocols other than tcp, udp and icmp (such as GRE 47, ESP 50) (was allowed by all traffic from prefix list pl-0123456789abcdef0 (sgr-0aaaaaaaaaaaaaaa4))',
    );
    expect(body).toContain('sg-guard undo --records <file>');
    expect(body).toContain(
      '    re-add:\n      - tcp 0-65535 from 0.0.0.0/0, description "temporary: debugging"',
    );
    expect(body).toContain(
      '    remove (sg-guard added these):\n      - tcp 0-21 from 0.0.0.0/0 (sgr-0bbbbbbbbbbbbbbb1)',
    );
  });

  it('says notify mode changed nothing and lists what would be done', () => {
    // Act
    const body = text('would-remediate');

    // Assess
    expect(body).toContain('The account is in notify mode, so sg-guard changed nothing');
    expect(body).toContain('Changes sg-guard would make in enforce mode (nothing was changed)');
    expect(body).toContain(
      '  Would revoke:\n    - tcp 0-65535 from 0.0.0.0/0 (sgr-0aaaaaaaaaaaaaaa1)',
    );
    expect(body).toContain('  Access that would be dropped:');
    expect(body).toContain('Nothing to undo: sg-guard changed nothing.');
    expect(body).not.toContain('sg-guard undo');
  });

  it('gives the exemption reason and until for exempted, or says it is open-ended', () => {
    // Act
    const dated = text('exempted');
    const openEnded = text('exempted', { exemption: { reason: 'lab' } });

    // Assess
    expect(dated).toContain('Exemption\n  Reason: vendor bastion, CHG-1234\n  Until:  2026-12-31');
    expect(dated).toContain('Changes sg-guard would have made without the exemption');
    expect(dated).toContain('Nothing to undo');
    expect(openEnded).toContain('  Until:  open-ended (no sg-guard:exempt-until tag)');
  });

  it('gives the error, the missing permission and the SCP hint for failed', () => {
    // Act
    const body = text('failed');

    // Assess
    expect(body).toContain('sg-guard FAILED to close port 22 (SSH) to the internet');
    expect(body).toContain(
      '  Error: UnauthorizedOperation: You are not authorized to perform this operation.',
    );
    expect(body).toContain('  Missing permission: ec2:RevokeSecurityGroupIngress');
    expect(body).toContain('service\n  control policy (SCP)');
    expect(body).toContain('Changes planned\n  Strategy: narrow\n  Would authorize first');
    expect(body).toContain('Changes made before the failure\n  none');
    expect(body).toContain('Nothing to undo');
  });

  it('leaves the SCP hint out when no permission is known to be missing', () => {
    // Act
    const body = text('failed', {
      error: { code: 'RequestLimitExceeded', message: 'Request limit exceeded.' },
    });

    // Assess
    expect(body).toContain('  Error: RequestLimitExceeded: Request limit exceeded.');
    expect(body).not.toContain('SCP');
  });

  it('lists the partial changes of a failed run and how to undo them', () => {
    // Act
    const body = text('failed', {
      applied: { revoked: [], authorized: APPLIED.authorized.slice(0, 2) },
    });

    // Assess
    expect(body).toContain(
      'Changes made before the failure\n  Authorized first, so other ports stay open:\n    - tcp 0-21 from 0.0.0.0/0 (sgr-0bbbbbbbbbbbbbbb1)',
    );
    expect(body).toContain(
      '    remove (sg-guard added these):\n      - tcp 0-21 from 0.0.0.0/0 (sgr-0bbbbbbbbbbbbbbb1)',
    );
    expect(body).not.toContain('re-add:');
  });

  it('says when the plan fell back from narrow to revoke, and why', () => {
    // Act
    const body = text('remediated', {
      plan: {
        ...PLAN,
        appliedStrategy: 'revoke',
        authorize: [],
        fallbackReason: 'narrowing needs 61 IPv4 rules, over the quota of 60',
      },
      applied: { revoked: PLAN.revoke, authorized: [] },
    });

    // Assess
    expect(body).toContain(
      '  Strategy: narrow, fell back to revoke: narrowing needs 61 IPv4 rules, over the quota of 60',
    );
    expect(body).not.toContain('Authorized first');
    expect(body).not.toContain('remove:');
  });

  it('lists policy warnings and names the deployed default as the mode source', () => {
    // Act
    const body = text('remediated', {
      policy: {
        accountId: '111122223333',
        mode: 'enforce',
        source: { kind: 'default' },
        warnings: [
          'sg-guard:mode on account 111122223333 is "audit", not one of enforce, notify, off; ignored',
        ],
      },
    });

    // Assess
    expect(body).toContain(
      'Mode:           enforce (deployed default; no sg-guard:mode tag on the account, its OUs or the root)',
    );
    expect(body).toContain('Policy warnings\n  - sg-guard:mode on account 111122223333 is "audit"');
    expect(body).toContain('Account:        111122223333\n');
  });

  it.each([
    [{ kind: 'account', id: '111122223333' }, 'tag sg-guard:mode on account 111122223333'],
    [{ kind: 'root', id: 'r-ab12' }, 'tag sg-guard:mode on the organization root r-ab12'],
  ] as const)('names the level the mode came from: %j', (source, words) => {
    // Act
    const body = text('remediated', {
      policy: { accountId: '111122223333', mode: 'enforce', source, warnings: [] },
    });

    // Assess
    expect(body).toContain(`Mode:           enforce (${words})`);
  });

  it.each([
    [
      { trigger: 'config-sns', configRuleName: 'restricted-ssh' },
      'AWS Config rule restricted-ssh (via SNS)',
    ],
    [{ trigger: 'config-eventbridge' }, 'AWS Config (via EventBridge)'],
    [{ trigger: 'direct' }, 'direct invocation'],
    [{ trigger: 'cli' }, 'sg-guard CLI'],
  ] as const)('names the trigger %j without an actor when none is known', (finding, words) => {
    // Act
    const body = text('remediated', { finding });

    // Assess
    expect(body).toContain(`Trigger:        ${words}\n`);
    expect(body).not.toContain('Event:');
  });

  it('says when no exposure was found and leaves group details out that are unknown', () => {
    // Act
    const body = text('failed', {
      assessment: {
        groupId: 'sg-0123456789abcdef0',
        verdict: 'NOT_EXPOSED',
        exposures: [],
        rules: [],
        unresolvedPrefixLists: [],
      },
      plan: { ...PLAN, authorize: [], revoke: [], dropped: [] },
      group: { groupId: 'sg-0123456789abcdef0', rules: [] },
    });

    // Assess
    expect(body).toContain('sg-guard FAILED to close internet access on security group');
    expect(body).toContain('Exposures\n  (none found)');
    expect(body).toContain('Security group: sg-0123456789abcdef0\n');
  });

  it('names each exposed port, with the service where it has a well-known one', () => {
    // Act
    const body = text('would-remediate', {
      assessment: {
        ...ASSESSMENT,
        exposures: [
          { rule: RULES.wideTcp, ports: [22, 8080], family: 'ipv4', reason: 'world-cidr' },
        ],
      },
    });

    // Assess
    expect(body).toContain(
      'sg-guard found ports 22 (SSH), 8080 open to the internet on security group',
    );
    expect(body).toContain('exposes ports 22 (SSH), 8080; 0.0.0.0/0 is the whole IPv4 internet');
  });

  it('shows a rule sourced from another security group', () => {
    // Act
    const body = text('remediated', {
      applied: {
        revoked: [RULES.wideTcp],
        authorized: [
          {
            protocol: 'tcp',
            fromPort: 22,
            toPort: 22,
            source: {
              kind: 'security-group',
              groupId: 'sg-0fedcba9876543210',
              userId: '444455556666',
            },
            ruleId: 'sgr-0ccc',
          },
        ],
      },
    });

    // Assess
    expect(body).toContain('tcp 22 from 444455556666/sg-0fedcba9876543210 (sgr-0ccc)');
  });
});
