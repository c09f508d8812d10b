import { describe, expect, it } from 'vitest';
import type { NoticeAction, RemediationRecord } from '../../../src/model.js';
import { buildRecord } from '../../../src/notice/build-record.js';
import { ASFF_LIMITS, type SecurityHubFinding } from '../../../src/security-hub/asff.js';
import {
  buildSecurityHubFinding,
  SECURITY_HUB_GENERATOR_ID,
  securityHubFindingId,
} from '../../../src/security-hub/finding.js';
import { noticeInput, RULES } from '../notice/notice-inputs.js';

const ACTIONS: readonly NoticeAction[] = ['would-remediate', 'exempted', 'failed', 'remediated'];

/** Words of each state's sentence in the description and of its recommendation. */
const STATE_WORDS: Readonly<Record<NoticeAction, string>> = {
  'would-remediate': 'notify mode',
  exempted: 'The group is exempt',
  failed: 'sg-guard could not fix it',
  remediated: 'sg-guard closed it',
};
const RECOMMENDATION_WORDS: Readonly<Record<NoticeAction, string>> = {
  'would-remediate': 'sg-guard:mode=enforce',
  exempted: 'Remove tag sg-guard:exempt',
  failed: 'to the sg-guard remediator role',
  remediated: 'sg-guard undo',
};

function record(action: NoticeAction, extra: Partial<RemediationRecord> = {}): RemediationRecord {
  return { ...buildRecord(noticeInput(action)), ...extra };
}

function findingOf(action: NoticeAction, extra: Partial<RemediationRecord> = {}) {
  return buildSecurityHubFinding({ kind: 'decision', record: record(action, extra) });
}

/** Every string value anywhere in the finding, with its path. */
function strings(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [
      [`${path}.${k}#key`, k] as [string, string],
      ...strings(v, `${path}.${k}`),
    ]);
  }
  return [];
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function expectWithinAsffLimits(finding: SecurityHubFinding) {
  expect(finding.Id.length).toBeLessThanOrEqual(ASFF_LIMITS.id);
  expect(finding.Title.length).toBeGreaterThan(0);
  expect(finding.Title.length).toBeLessThanOrEqual(ASFF_LIMITS.title);
  expect(finding.Description.length).toBeGreaterThan(0);
  expect(finding.Description.length).toBeLessThanOrEqual(ASFF_LIMITS.description);
  const text = finding.Remediation.Recommendation.Text;
  expect(text.length).toBeGreaterThan(0);
  expect(text.length).toBeLessThanOrEqual(ASFF_LIMITS.recommendationText);
  const fields = Object.entries(finding.ProductFields);
  expect(fields.length).toBeLessThanOrEqual(ASFF_LIMITS.productFields);
  for (const [key, value] of fields) {
    expect(key.length).toBeLessThanOrEqual(ASFF_LIMITS.productFieldKey);
    expect(value.length).toBeLessThanOrEqual(ASFF_LIMITS.productFieldValue);
  }
  for (const [path, value] of strings(finding)) {
    expect(CONTROL.test(value), `${path} holds a control character`).toBe(false);
  }
}

describe('buildSecurityHubFinding', () => {
  it('gives a group the same id whatever the decision, and another group, region or account another id', () => {
    // Act
    const ids = ACTIONS.map((action) => findingOf(action).Id);
    const other = [
      findingOf('remediated', { groupId: 'sg-0fedcba9876543210' }).Id,
      findingOf('remediated', { region: 'eu-central-1' }).Id,
      findingOf('remediated', { accountId: '444455556666' }).Id,
    ];

    // Assess
    expect(new Set(ids)).toEqual(
      new Set(['sg-guard/eu-west-1/111122223333/sg-0123456789abcdef0/open-to-internet']),
    );
    expect(new Set([...other, ids[0]]).size).toBe(4);
  });

  it('reports a notify-mode exposure as FAILED, NEW and HIGH under the default product, with the exposing rules', () => {
    // Act
    const finding = findingOf('would-remediate');

    // Assess
    expect(finding).toMatchObject({
      SchemaVersion: '2018-10-08',
      ProductArn: 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default',
      GeneratorId: SECURITY_HUB_GENERATOR_ID,
      AwsAccountId: '111122223333',
      Types: ['Software and Configuration Checks/AWS Security Best Practices/Network Reachability'],
      Severity: { Label: 'HIGH' },
      Compliance: { Status: 'FAILED' },
      Workflow: { Status: 'NEW' },
      RecordState: 'ACTIVE',
      FindingProviderFields: {
        Severity: { Label: 'HIGH' },
        Types: [
          'Software and Configuration Checks/AWS Security Best Practices/Network Reachability',
        ],
      },
      ProductFields: {
        'sg-guard/RecordId': '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b',
        'sg-guard/Action': 'would-remediate',
        'sg-guard/Mode': 'notify',
        'sg-guard/ExposedPorts': '22',
      },
    });
    expect(finding).not.toHaveProperty('SourceUrl');
    expect(finding.Resources).toEqual([
      {
        Type: 'AwsEc2SecurityGroup',
        Id: 'arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0123456789abcdef0',
        Partition: 'aws',
        Region: 'eu-west-1',
        Details: {
          AwsEc2SecurityGroup: {
            GroupId: 'sg-0123456789abcdef0',
            GroupName: 'web-servers',
            VpcId: 'vpc-0a1b2c3d4e5f67890',
            OwnerId: '111122223333',
            IpPermissions: [
              {
                IpProtocol: 'tcp',
                FromPort: 0,
                ToPort: 65535,
                IpRanges: [{ CidrIp: '0.0.0.0/0' }],
              },
              { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
              { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/1' }] },
              { IpProtocol: '-1', PrefixListIds: [{ PrefixListId: 'pl-0123456789abcdef0' }] },
            ],
          },
        },
      },
    ]);
    expect(finding.Title).toBe(
      'Security group sg-0123456789abcdef0 (web-servers) is open to the internet on port 22 (SSH) (notify mode)',
    );
    expect(finding.Description).toContain('0.0.0.0/0 is the whole IPv4 internet');
    expect(finding.Description).toContain('notify mode');
    expect(finding.Remediation.Recommendation.Text).toContain('sg-guard would revoke');
    expect(finding.Remediation.Recommendation.Text).toContain('sg-guard:mode=enforce');
  });

  it('resolves the finding once remediated: PASSED, RESOLVED, INFORMATIONAL, the revoked rules and how to undo', () => {
    // Act
    const finding = findingOf('remediated');

    // Assess
    expect(finding).toMatchObject({
      Severity: { Label: 'INFORMATIONAL' },
      FindingProviderFields: { Severity: { Label: 'INFORMATIONAL' } },
      Compliance: { Status: 'PASSED' },
      Workflow: { Status: 'RESOLVED' },
      RecordState: 'ACTIVE',
      ProductFields: {
        'sg-guard/Action': 'remediated',
        'sg-guard/RevokedRuleIds': [RULES.wideTcp, RULES.sshV6, RULES.lowHalf, RULES.allFromList]
          .map((rule) => rule.ruleId)
          .join(','),
        'sg-guard/AuthorizedRuleIds':
          'sgr-0bbbbbbbbbbbbbbb1,sgr-0bbbbbbbbbbbbbbb2,sgr-0bbbbbbbbbbbbbbb3',
      },
    });
    // The exposing rules are gone: the resource no longer lists them.
    expect(finding.Resources[0].Details.AwsEc2SecurityGroup).not.toHaveProperty('IpPermissions');
    expect(finding.Remediation.Recommendation.Text).toContain('sg-guard undo');
    expect(finding.Remediation.Recommendation.Text).toContain(
      '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b',
    );
  });

  it('keeps an exempted group open as FAILED and NEW at MEDIUM, saying how to lift the exemption', () => {
    // Act
    const finding = findingOf('exempted');

    // Assess
    expect(finding).toMatchObject({
      Severity: { Label: 'MEDIUM' },
      Compliance: { Status: 'FAILED' },
      Workflow: { Status: 'NEW' },
    });
    expect(finding.Description).toContain('vendor bastion, CHG-1234');
    expect(finding.Remediation.Recommendation.Text).toContain('sg-guard:exempt');
  });

  it('reports a failed fix as CRITICAL with the missing permission', () => {
    // Act
    const finding = findingOf('failed');

    // Assess
    expect(finding).toMatchObject({
      Severity: { Label: 'CRITICAL' },
      Compliance: { Status: 'FAILED' },
      Workflow: { Status: 'NEW' },
      ProductFields: {
        'sg-guard/MissingPermission': 'ec2:RevokeSecurityGroupIngress',
        'sg-guard/ErrorCode': 'UnauthorizedOperation',
      },
    });
    expect(finding.Remediation.Recommendation.Text).toContain(
      'Grant ec2:RevokeSecurityGroupIngress to the sg-guard remediator role',
    );
    expect(finding.Resources[0].Details.AwsEc2SecurityGroup.IpPermissions).toHaveLength(4);
  });

  it('says NOT_AVAILABLE when the group could not even be read', () => {
    // Prepare: access denied on the describe call leaves no rule to assess.
    const unread = record('failed', {
      exposures: [],
      revoked: [],
      authorized: [],
      error: {
        code: 'UnauthorizedOperation',
        message: 'denied',
        missingPermission: 'ec2:DescribeSecurityGroupRules',
      },
    });

    // Act
    const finding = buildSecurityHubFinding({ kind: 'decision', record: unread });

    // Assess
    expect(finding.Compliance.Status).toBe('NOT_AVAILABLE');
    expect(finding.Workflow.Status).toBe('NEW');
    expect(finding.Title).toContain('could not be checked');
    expect(finding.Resources[0].Details.AwsEc2SecurityGroup).not.toHaveProperty('IpPermissions');
  });

  it.each([
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
  ])('uses the partition of %s in every ARN', (region, partition) => {
    // Act
    const finding = findingOf('would-remediate', { region });

    // Assess
    expect(finding.ProductArn).toBe(
      `arn:${partition}:securityhub:${region}:111122223333:product/111122223333/default`,
    );
    expect(finding.Resources[0]).toMatchObject({
      Id: `arn:${partition}:ec2:${region}:111122223333:security-group/sg-0123456789abcdef0`,
      Partition: partition,
      Region: region,
    });
  });

  it('leaves Resource.Partition out in an ISO partition, which Security Hub names differently', () => {
    // Act
    const finding = findingOf('would-remediate', { region: 'us-iso-east-1' });

    // Assess
    expect(finding.ProductArn).toMatch(/^arn:aws-iso:securityhub:us-iso-east-1:/);
    expect(finding.Resources[0].Id).toMatch(/^arn:aws-iso:ec2:us-iso-east-1:/);
    expect(finding.Resources[0]).not.toHaveProperty('Partition');
  });

  it('dates the first observation from the change that opened the group, never after the decision', () => {
    // Act
    const opened = findingOf('remediated', {
      eventTime: '2026-11-27T10:15:29Z',
      exposureSeconds: 4,
    });
    const skewed = findingOf('remediated', { eventTime: '2026-11-27T10:20:00Z' });
    const { eventTime: _, ...withoutEventTime } = record('would-remediate');
    const untimed = buildSecurityHubFinding({ kind: 'decision', record: withoutEventTime });

    // Assess
    expect(opened).toMatchObject({
      FirstObservedAt: '2026-11-27T10:15:29.000Z',
      LastObservedAt: '2026-11-27T10:15:33.120Z',
      CreatedAt: '2026-11-27T10:15:33.120Z',
      UpdatedAt: '2026-11-27T10:15:33.120Z',
      ProductFields: { 'sg-guard/ExposureSeconds': '4' },
    });
    expect(opened.Description).toContain('4 s after the change that opened it');
    expect(skewed.FirstObservedAt).toBe('2026-11-27T10:15:33.120Z');
    expect(untimed.FirstObservedAt).toBe('2026-11-27T10:15:33.120Z');
  });

  it('names an IaC-managed and a repeat group in the description', () => {
    // Act
    const finding = findingOf('remediated', {
      managedBy: { tool: 'CloudFormation', stack: 'web-prod' },
      repeat: { previousRecordId: 'r-earlier', previousTime: '2026-11-27T08:00:00.000Z' },
    });

    // Assess
    expect(finding.Description).toContain('managed by CloudFormation stack web-prod');
    expect(finding.Description).toContain('r-earlier');
    expect(finding.Remediation.Recommendation.Text).toContain('CloudFormation template');
    expect(finding.ProductFields).toMatchObject({
      'sg-guard/ManagedBy': 'CloudFormation:web-prod',
      'sg-guard/RepeatOf': 'r-earlier',
    });
  });

  it.each(ACTIONS)(
    'keeps a %s finding within ASFF limits and free of control characters, whatever the group says',
    (action) => {
      // Prepare: names, descriptions, reasons and errors as hostile as tags and events allow.
      const hostile = `evil\r\nTitle: forged\u0007\u001b[31m${'x'.repeat(3000)}`;
      const base = record(action);
      const [first] = base.exposures;
      if (!first) throw new Error('the fixture has exposures');
      const exposures = Array.from({ length: 150 }, (_, i) => ({
        ...first,
        rule: { ...first.rule, ruleId: `sgr-${i}`, description: hostile },
      }));
      const extra = {
        groupName: hostile,
        accountName: hostile,
        actor: hostile,
        eventTime: '2026-11-27T10:15:00Z',
        exposures,
        revoked: exposures.map((e) => e.rule),
        ...(base.exemption && { exemption: { reason: hostile, until: hostile } }),
        ...(base.error && {
          error: { code: hostile, message: hostile, missingPermission: hostile },
        }),
      };

      // Act
      const finding = findingOf(action, extra);

      // Assess
      expectWithinAsffLimits(finding);
      const permissions = finding.Resources[0].Details.AwsEc2SecurityGroup.IpPermissions;
      if (action !== 'remediated') expect(permissions).toHaveLength(ASFF_LIMITS.ipPermissions);
      expect(finding.ProductFields['sg-guard/ExposingRuleCount']).toBe('150');
      // What matters survives the cut: the ports in the title, the state in the description.
      expect(finding.Title).toContain('port 22 (SSH)');
      expect(finding.Description).toContain(STATE_WORDS[action]);
      expect(finding.Remediation.Recommendation.Text).toContain(RECOMMENDATION_WORDS[action]);
    },
  );

  it('lists a rule that exposes several ports once, and a security-group source as a group pair', () => {
    // Prepare
    const base = record('would-remediate');
    const rule = {
      ruleId: 'sgr-0ccccccccccccccc1',
      protocol: 'tcp',
      fromPort: 0,
      toPort: 65535,
      source: { kind: 'security-group', groupId: 'sg-0ddddddddddddddd1', userId: '444455556666' },
    } as const;
    const exposures = [
      { rule, ports: [22], family: 'ipv4', reason: 'union' },
      { rule, ports: [3389], family: 'ipv4', reason: 'union' },
    ] as const;

    // Act
    const finding = buildSecurityHubFinding({
      kind: 'decision',
      record: { ...base, exposures },
    });

    // Assess
    expect(finding.Resources[0].Details.AwsEc2SecurityGroup.IpPermissions).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 0,
        ToPort: 65535,
        UserIdGroupPairs: [{ GroupId: 'sg-0ddddddddddddddd1', UserId: '444455556666' }],
      },
    ]);
    expect(finding.ProductFields['sg-guard/ExposedPorts']).toBe('22,3389');
    expect(finding.Title).toContain('ports 22 (SSH), 3389 (RDP)');
  });

  it('closes the finding of a group found clean again', () => {
    // Act
    const finding = buildSecurityHubFinding({
      kind: 'clean',
      accountId: '111122223333',
      region: 'eu-west-1',
      time: '2026-11-28T09:00:00.000Z',
      group: { groupId: 'sg-0123456789abcdef0', groupName: 'web-servers' },
    });

    // Assess
    expect(finding).toMatchObject({
      Id: securityHubFindingId(
        { accountId: '111122223333', region: 'eu-west-1' },
        'sg-0123456789abcdef0',
      ),
      Severity: { Label: 'INFORMATIONAL' },
      Compliance: { Status: 'PASSED' },
      Workflow: { Status: 'RESOLVED' },
      UpdatedAt: '2026-11-28T09:00:00.000Z',
      ProductFields: { 'sg-guard/Action': 'not-exposed' },
      Resources: [
        {
          Details: {
            AwsEc2SecurityGroup: {
              GroupId: 'sg-0123456789abcdef0',
              GroupName: 'web-servers',
              OwnerId: '111122223333',
            },
          },
        },
      ],
    });
    expect(finding.Resources[0].Details.AwsEc2SecurityGroup).not.toHaveProperty('IpPermissions');
    expectWithinAsffLimits(finding);
  });
});
