import { LedgerMissingError } from '@sg-guard/aws';
import {
  type AccountPolicy,
  type GroupSnapshot,
  type InboundRule,
  InMemoryLedger,
  type Notice,
  type RecordedRule,
  type RemediationLedger,
  type RuleToAuthorize,
  type SecurityGroupGateway,
} from '@sg-guard/remediation-core';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../../src/audit/report.js';
import { runAudit } from '../../../src/audit/run.js';
import { applyPlans } from '../../../src/fix/apply.js';
import { TableOrMemoryLedger } from '../../../src/fix/ledger.js';

const world22: InboundRule = {
  ruleId: 'sgr-1',
  protocol: 'tcp',
  fromPort: 22,
  toPort: 22,
  source: { kind: 'cidr', family: 'ipv4', cidr: '0.0.0.0/0' },
};

/** Groups by `account/region/group`, held in memory behind the gateway port. */
function world(groups: Record<string, GroupSnapshot>) {
  const calls: string[] = [];
  const gateway = (accountId: string, region: string): SecurityGroupGateway => ({
    async loadGroup(ref) {
      return groups[`${accountId}/${region}/${ref.groupId}`];
    },
    async loadPrefixLists() {
      return new Map();
    },
    async authorize(groupId, rules: readonly RuleToAuthorize[]): Promise<readonly RecordedRule[]> {
      calls.push(`${accountId} authorize ${groupId} ${rules.length}`);
      return rules;
    },
    async revokeRules(groupId, rules: readonly InboundRule[]) {
      calls.push(`${accountId} revoke-rules ${groupId} ${rules.map((r) => r.ruleId).join(',')}`);
      const key = `${accountId}/${region}/${groupId}`;
      const group = groups[key];
      const held = (rule: InboundRule) =>
        group?.rules.some((r) => JSON.stringify(r) === JSON.stringify(rule)) ?? false;
      const revoked = rules.filter(held);
      if (group) groups[key] = { ...group, rules: group.rules.filter((r) => !revoked.includes(r)) };
      return { revoked, missing: rules.filter((rule) => !held(rule)), retried: false };
    },
    async revoke(groupId, ids) {
      calls.push(`${accountId} revoke ${groupId} ${ids.join(',')}`);
      const key = `${accountId}/${region}/${groupId}`;
      const group = groups[key];
      if (group)
        groups[key] = { ...group, rules: group.rules.filter((r) => !ids.includes(r.ruleId ?? '')) };
      return { revoked: [...ids], alreadyGone: [] };
    },
  });
  return { calls, gateway };
}

const policies = (modes: Record<string, AccountPolicy['mode'] | Error>) => ({
  async policyFor(accountId: string): Promise<AccountPolicy> {
    const mode = modes[accountId] ?? 'enforce';
    if (mode instanceof Error) throw mode;
    return { accountId, mode, source: { kind: 'account', id: accountId }, warnings: [] };
  },
});

async function auditOf(groups: Record<string, GroupSnapshot>): Promise<AuditReport> {
  const targets = [...new Set(Object.keys(groups).map((key) => key.split('/')[0] as string))];
  return runAudit(
    targets.map((accountId) => ({ accountId })),
    {
      enter: async (accountId) => accountId,
      enabledRegions: async () => ['eu-west-1'],
      policyFor: policies({}).policyFor,
      scan: async (accountId, region) => ({
        groups: Object.entries(groups)
          .filter(([key]) => key.startsWith(`${accountId}/${region}/`))
          .map(([, group]) => group),
        prefixLists: new Map(),
      }),
    },
    {
      ports: [22],
      strategy: 'narrow',
      allowGroupExemptions: true,
      concurrency: 2,
      now: () => new Date(),
    },
  );
}

const SETTINGS = {
  ports: [22],
  strategy: 'narrow' as const,
  allowGroupExemptions: true,
  concurrency: 2,
};

describe('applyPlans', () => {
  it('runs each exposed group through the use case in its own account, as its mode and tags say', async () => {
    // Prepare
    const groups: Record<string, GroupSnapshot> = {
      '111111111111/eu-west-1/sg-00000000000000001': {
        groupId: 'sg-00000000000000001',
        rules: [world22],
      },
      '111111111111/eu-west-1/sg-00000000000000002': {
        groupId: 'sg-00000000000000002',
        tags: { 'sg-guard:exempt': 'bastion' },
        rules: [world22],
      },
      '222222222222/eu-west-1/sg-00000000000000003': {
        groupId: 'sg-00000000000000003',
        rules: [world22],
      },
      '333333333333/eu-west-1/sg-00000000000000004': {
        groupId: 'sg-00000000000000004',
        rules: [world22],
      },
    };
    const report = await auditOf(groups);
    const { calls, gateway } = world(groups);
    const published: Notice[] = [];

    // Act
    const results = await applyPlans(
      report,
      {
        gateway: async (accountId, region) => gateway(accountId, region),
        ledger: async () => new InMemoryLedger(),
        policies: policies({ '222222222222': 'notify', '333333333333': 'off' }),
        notices: { publish: async (notice) => void published.push(notice) },
        actor: 'arn:aws:iam::111122223333:user/alice',
      },
      SETTINGS,
    );

    // Assess
    expect(results.map((r) => [r.accountId, r.groupId, r.outcome])).toEqual([
      ['111111111111', 'sg-00000000000000001', 'remediated'],
      ['111111111111', 'sg-00000000000000002', 'exempted'],
      ['222222222222', 'sg-00000000000000003', 'would-remediate'],
      ['333333333333', 'sg-00000000000000004', 'skipped-off'],
    ]);
    expect(calls).toEqual(['111111111111 revoke-rules sg-00000000000000001 sgr-1']);
    expect(results[0]?.revoked).toEqual([world22]);
    expect(results[2]?.revoked).toEqual([]);
    // Published as each group finishes, so in no fixed order.
    expect(
      published.map((n) => [n.record.action, n.record.trigger, n.record.actor]).sort(),
    ).toEqual([
      ['exempted', 'cli', 'arn:aws:iam::111122223333:user/alice'],
      ['remediated', 'cli', 'arn:aws:iam::111122223333:user/alice'],
      ['would-remediate', 'cli', 'arn:aws:iam::111122223333:user/alice'],
    ]);
    expect(results.map((r) => r.recordId !== undefined)).toEqual([true, true, true, false]);
  });

  it('reports a group whose handling threw and still handles the others', async () => {
    // Prepare
    const groups: Record<string, GroupSnapshot> = {
      '111111111111/eu-west-1/sg-00000000000000001': {
        groupId: 'sg-00000000000000001',
        rules: [world22],
      },
      '222222222222/eu-west-1/sg-00000000000000002': {
        groupId: 'sg-00000000000000002',
        rules: [world22],
      },
    };
    const report = await auditOf(groups);
    const { gateway } = world(groups);

    // Act
    const results = await applyPlans(
      report,
      {
        gateway: async (accountId, region) => gateway(accountId, region),
        ledger: async () => new InMemoryLedger(),
        policies: policies({
          '111111111111': Object.assign(new Error('organizations:ListParents was denied'), {
            code: 'ACCESS_DENIED',
          }),
        }),
        notices: { publish: async () => {} },
      },
      SETTINGS,
    );

    // Assess
    expect(results.map((r) => [r.groupId, r.outcome, r.error?.message])).toEqual([
      ['sg-00000000000000001', 'error', 'organizations:ListParents was denied'],
      ['sg-00000000000000002', 'remediated', undefined],
    ]);
  });

  it("writes to the account-region's ledger table, and to memory where the table does not exist", async () => {
    // Prepare: account 1 has the member stack's table; account 2 has none.
    const groups: Record<string, GroupSnapshot> = {
      '111111111111/eu-west-1/sg-00000000000000001': {
        groupId: 'sg-00000000000000001',
        rules: [world22],
      },
      '222222222222/eu-west-1/sg-00000000000000002': {
        groupId: 'sg-00000000000000002',
        rules: [world22],
      },
    };
    const report = await auditOf(groups);
    const { gateway } = world(groups);
    const table = new InMemoryLedger();
    const missing = new Proxy({} as RemediationLedger, {
      get: () => async () => {
        throw new LedgerMissingError('sg-guard-ledger');
      },
    });
    const ledgers = {
      '111111111111': new TableOrMemoryLedger(table),
      '222222222222': new TableOrMemoryLedger(missing),
    } as Record<string, TableOrMemoryLedger>;

    // Act
    const results = await applyPlans(
      report,
      {
        gateway: async (accountId, region) => gateway(accountId, region),
        ledger: async (accountId) => ledgers[accountId] as TableOrMemoryLedger,
        policies: policies({}),
        notices: { publish: async () => {} },
      },
      SETTINGS,
    );

    // Assess
    expect(results.map((r) => [r.accountId, r.outcome, r.ledger])).toEqual([
      ['111111111111', 'remediated', 'table'],
      ['222222222222', 'remediated', 'memory'],
    ]);
    const [entry] = await table.listEntries('sg-00000000000000001');
    expect(entry?.recordId).toBe(results[0]?.recordId);
  });
});
