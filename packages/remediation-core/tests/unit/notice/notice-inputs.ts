import type {
  Assessment,
  InboundRule,
  NoticeAction,
  NoticeInput,
  RemediationPlan,
  RuleToAuthorize,
} from '../../../src/model.js';

/** Rules of a group open to the world in every way the notice has to explain. */
export const RULES = {
  wideTcp: {
    ruleId: 'sgr-0aaaaaaaaaaaaaaa1',
    protocol: 'tcp',
    fromPort: 0,
    toPort: 65535,
    source: { kind: 'cidr', family: 'ipv4', cidr: '0.0.0.0/0' },
    description: 'temporary: debugging',
  },
  sshV6: {
    ruleId: 'sgr-0aaaaaaaaaaaaaaa2',
    protocol: 'tcp',
    fromPort: 22,
    toPort: 22,
    source: { kind: 'cidr', family: 'ipv6', cidr: '::/0' },
  },
  lowHalf: {
    ruleId: 'sgr-0aaaaaaaaaaaaaaa3',
    protocol: 'tcp',
    fromPort: 22,
    toPort: 22,
    source: { kind: 'cidr', family: 'ipv4', cidr: '0.0.0.0/1' },
  },
  allFromList: {
    ruleId: 'sgr-0aaaaaaaaaaaaaaa4',
    protocol: '-1',
    fromPort: -1,
    toPort: -1,
    source: { kind: 'prefix-list', prefixListId: 'pl-0123456789abcdef0' },
  },
  office: {
    ruleId: 'sgr-0aaaaaaaaaaaaaaa5',
    protocol: 'tcp',
    fromPort: 22,
    toPort: 22,
    source: { kind: 'cidr', family: 'ipv4', cidr: '10.0.0.0/8' },
  },
} satisfies Record<string, InboundRule>;

/** Narrowing rules the plan authorizes before revoking. */
export const NARROWING: readonly RuleToAuthorize[] = [
  {
    protocol: 'tcp',
    fromPort: 0,
    toPort: 21,
    source: RULES.wideTcp.source,
    description: 'temporary: debugging',
  },
  {
    protocol: 'tcp',
    fromPort: 23,
    toPort: 65535,
    source: RULES.wideTcp.source,
    description: 'temporary: debugging',
  },
  { protocol: 'udp', fromPort: 0, toPort: 65535, source: RULES.allFromList.source },
];

export const ASSESSMENT: Assessment = {
  groupId: 'sg-0123456789abcdef0',
  verdict: 'EXPOSED',
  exposures: [
    { rule: RULES.wideTcp, ports: [22], family: 'ipv4', reason: 'world-cidr' },
    { rule: RULES.sshV6, ports: [22], family: 'ipv6', reason: 'world-cidr' },
    { rule: RULES.lowHalf, ports: [22], family: 'ipv4', reason: 'union' },
    { rule: RULES.allFromList, ports: [22], family: 'ipv4', reason: 'world-prefix-list' },
  ],
  rules: Object.values(RULES),
  unresolvedPrefixLists: [],
};

export const PLAN: RemediationPlan = {
  groupId: 'sg-0123456789abcdef0',
  strategy: 'narrow',
  appliedStrategy: 'narrow',
  authorize: NARROWING,
  revoke: [RULES.wideTcp, RULES.sshV6, RULES.lowHalf, RULES.allFromList],
  dropped: [
    {
      rule: RULES.allFromList,
      description: 'all protocols other than tcp, udp and icmp (such as GRE 47, ESP 50)',
    },
  ],
};

/** What the gateway returns: the plan applied, with the ids AWS gave the new rules. */
export const APPLIED = {
  revoked: PLAN.revoke,
  authorized: NARROWING.map((rule, i) => ({ ...rule, ruleId: `sgr-0bbbbbbbbbbbbbbb${i + 1}` })),
};

/** A complete input for `action`, with the fields that action needs; `overrides` win. */
export function noticeInput(
  action: NoticeAction,
  overrides: Partial<NoticeInput> = {},
): NoticeInput {
  return {
    action,
    recordId: '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b',
    time: '2026-11-27T10:15:33.120Z',
    accountId: '111122223333',
    region: 'eu-west-1',
    finding: {
      groupId: 'sg-0123456789abcdef0',
      accountId: '111122223333',
      region: 'eu-west-1',
      trigger: 'cloudtrail',
      actor: 'arn:aws:sts::111122223333:assumed-role/Developer/alice',
      eventTime: '2026-11-27T10:15:29Z',
      eventId: 'e4d7c1a2-9b8f-4e3d-a1b2-c3d4e5f60718',
    },
    policy: {
      accountId: '111122223333',
      accountName: 'payments-prod',
      mode: action === 'would-remediate' ? 'notify' : 'enforce',
      source: { kind: 'ou', id: 'ou-ab12-11111111' },
      warnings: [],
    },
    group: {
      groupId: 'sg-0123456789abcdef0',
      groupName: 'web-servers',
      vpcId: 'vpc-0a1b2c3d4e5f67890',
      rules: Object.values(RULES),
    },
    assessment: ASSESSMENT,
    plan: PLAN,
    ...(action === 'remediated' && { applied: APPLIED }),
    ...(action === 'exempted' && {
      exemption: { reason: 'vendor bastion, CHG-1234', until: '2026-12-31' },
    }),
    ...(action === 'failed' && {
      error: {
        code: 'UnauthorizedOperation',
        message: 'You are not authorized to perform this operation.',
        missingPermission: 'ec2:RevokeSecurityGroupIngress',
      },
    }),
    ...overrides,
  };
}
