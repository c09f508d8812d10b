/**
 * `undo` acts only on records the ledger of their account-region confirms. Against moto: genuine
 * records (from `fix` and from the Lambda) undo exactly; forged, tampered, foreign and orphaned
 * records are refused and change nothing; `--force` acts and says so.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthorizeSecurityGroupIngressCommand,
  type EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { memoryIo } from '@sg-guard/cli';
import {
  comparableRule,
  createSecurityGroup,
  describeInboundRuleDetails,
  formatRule,
} from '@sg-guard/emulator';
import {
  parseRecordLines,
  type RecordedRule,
  type RemediationRecord,
} from '@sg-guard/remediation-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { directEvent } from '../../support/events.js';
import { readNotices } from '../../support/notices.js';
import { coldStart } from '../../support/remediator.js';
import { buildWorld, HOME_REGION, type World } from '../../support/world.js';
import {
  createLedger,
  deleteFromLedger,
  type LedgerPlace,
  publishToLedger,
} from './ledger-support.js';
import { callAsManagement, sgGuard } from './support.js';

let world: World;
let file: string;
let ledger: LedgerPlace;

beforeEach(async () => {
  world = await buildWorld();
  ledger = {
    endpoint: world.endpoint,
    credentials: world.account('enforced').credentials,
    region: HOME_REGION,
  };
  await createLedger(ledger);
  file = join(tmpdir(), `sg-guard-undo-verify-${process.pid}-${Date.now()}.jsonl`);
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(file, { force: true });
});

const ec2 = () => world.account('enforced').ec2();
const enforcedId = () => world.account('enforced').accountId;

/** A group's inbound rules as sorted lines, descriptions included. */
async function ruleSet(client: EC2Client, groupId: string): Promise<string[]> {
  const rules = await describeInboundRuleDetails(client, groupId);
  return rules
    .map((r) => `${formatRule(comparableRule(r))}${r.Description ? ` "${r.Description}"` : ''}`)
    .sort();
}

/**
 * A group open on every TCP port to the world (with a description the undo must put back) next
 * to a private rule that must never move, and a bystander group with a 443 rule.
 */
async function exposedGroups(): Promise<{ groupId: string; bystander: string }> {
  const client = ec2();
  const { groupId } = await createSecurityGroup(client, { groupName: `wide-${Date.now()}` });
  await client.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId,
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 0,
          ToPort: 65535,
          IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'vendor debugging, CHG-42' }],
        },
        {
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'office' }],
        },
      ],
    }),
  );
  const bystander = await createSecurityGroup(client, { groupName: `web-${Date.now()}` });
  await client.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: bystander.groupId,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      ],
    }),
  );
  return { groupId, bystander: bystander.groupId };
}

/** `fix` in the enforced account, as an engineer runs it; returns its records. */
async function fixEnforced(): Promise<RemediationRecord[]> {
  callAsManagement(world.endpoint);
  const { code } = await sgGuard(
    memoryIo(),
    'fix',
    '--accounts',
    enforcedId(),
    '--regions',
    HOME_REGION,
    '--no-org-tags',
    '--default-mode',
    'enforce',
    '--yes',
    '--records',
    file,
  );
  expect(code).toBe(0);
  return parseRecordLines(await readFile(file, 'utf8'));
}

/**
 * Puts records into the ledger with the adapter: neither fix nor the Lambda writes the ledger
 * yet, so the entry the remediator would have published is written here from the record.
 */
async function publish(records: readonly RemediationRecord[]): Promise<void> {
  for (const record of records) await publishToLedger(ledger, record);
}

async function undo(records: readonly RemediationRecord[], ...args: string[]) {
  await writeFile(file, records.map((r) => JSON.stringify(r)).join('\n'));
  callAsManagement(world.endpoint);
  return sgGuard(memoryIo(), 'undo', '--records', file, ...args);
}

describe('undo of genuine records', () => {
  it('restores the rule set of a fix exactly, descriptions included, once the ledger confirms it', async () => {
    // Prepare
    const { groupId, bystander } = await exposedGroups();
    const before = await ruleSet(ec2(), groupId);
    const [record, ...others] = await fixEnforced();
    expect(others).toEqual([]);
    expect(await ruleSet(ec2(), groupId)).not.toEqual(before);
    await publish([record as RemediationRecord]);
    const bystanderBefore = await ruleSet(ec2(), bystander);

    // Act
    const { code, stdout, stderr } = await undo([record as RemediationRecord], '--yes');

    // Assess
    expect(code).toBe(0);
    expect(await ruleSet(ec2(), groupId)).toEqual(before);
    expect(await ruleSet(ec2(), bystander)).toEqual(bystanderBefore);
    expect(stdout).toContain('verified: matches its ledger entry (published)');
    expect(stdout).toMatch(/1 record\(s\): 1 undone, 0 refused, 0 failed\n$/);
    expect(stderr).toContain('RE-OPENS TO THE WORLD:\n    + tcp 0-65535 from 0.0.0.0/0');
  });

  it('restores the rule set of a Lambda fix exactly, and can take the record from the ledger itself', async () => {
    // Prepare
    const { groupId } = await exposedGroups();
    const before = await ruleSet(ec2(), groupId);
    const remediator = await coldStart(world, { account: 'enforced' });
    await remediator.invoke(directEvent(groupId));
    const [notice] = await readNotices(world);
    const record = notice?.record;
    if (!record) throw new Error('the Lambda sent no record');
    expect(record.action).toBe('remediated');
    vi.unstubAllEnvs();
    await publish([record]);

    // Act
    callAsManagement(world.endpoint);
    const dryRun = await sgGuard(
      memoryIo(),
      'undo',
      '--from-ledger',
      '--group',
      groupId,
      '--account',
      enforcedId(),
      '--region',
      HOME_REGION,
      '--dry-run',
    );
    const stillFixed = await ruleSet(ec2(), groupId);
    const { code, stdout } = await sgGuard(
      memoryIo(),
      'undo',
      '--from-ledger',
      '--group',
      groupId,
      '--account',
      enforcedId(),
      '--region',
      HOME_REGION,
      '--yes',
    );

    // Assess
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toContain(': would undo\n');
    expect(dryRun.stdout).not.toContain('undone');
    expect(stillFixed).not.toEqual(before);
    expect(code).toBe(0);
    expect(stdout).toContain(`[remediated ${record.recordId}]: undone`);
    expect(await ruleSet(ec2(), groupId)).toEqual(before);
  });
});

/**
 * Narrows the wide group as the remediator does (authorize tcp 0-21 and 23-65535 with the
 * description, then revoke the original by id) with plain EC2 calls, and writes the record of
 * exactly that change. The refusals below need a real change to refuse to undo, independent of
 * the use case that `fix` and the Lambda run.
 */
async function remediateByHand(groupId: string): Promise<RemediationRecord> {
  const client = ec2();
  const [wide] = (await describeInboundRuleDetails(client, groupId)).filter(
    (r) => r.CidrIpv4 === '0.0.0.0/0',
  );
  if (!wide?.SecurityGroupRuleId) throw new Error('no wide rule');
  const description = 'vendor debugging, CHG-42';
  const source = { kind: 'cidr', family: 'ipv4', cidr: '0.0.0.0/0' } as const;
  const authorized: RecordedRule[] = [];
  for (const [fromPort, toPort] of [
    [0, 21],
    [23, 65535],
  ] as const) {
    const response = await client.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: fromPort,
            ToPort: toPort,
            IpRanges: [{ CidrIp: '0.0.0.0/0', Description: description }],
          },
        ],
      }),
    );
    const ruleId = response.SecurityGroupRules?.[0]?.SecurityGroupRuleId;
    authorized.push({
      ...(ruleId ? { ruleId } : {}),
      protocol: 'tcp',
      fromPort,
      toPort,
      source,
      description,
      created: true,
    });
  }
  await client.send(
    new RevokeSecurityGroupIngressCommand({
      GroupId: groupId,
      SecurityGroupRuleIds: [wide.SecurityGroupRuleId],
    }),
  );
  const revoked: RecordedRule = {
    ruleId: wide.SecurityGroupRuleId,
    protocol: 'tcp',
    fromPort: 0,
    toPort: 65535,
    source,
    description,
  };
  return {
    schemaVersion: 1,
    recordId: `3f1c2b4a-5d6e-4f70-8a9b-${String(Date.now()).slice(-12)}`,
    time: new Date().toISOString(),
    action: 'remediated',
    mode: 'enforce',
    accountId: enforcedId(),
    region: HOME_REGION,
    groupId,
    trigger: 'direct',
    strategy: 'narrow',
    appliedStrategy: 'narrow',
    exposures: [{ rule: revoked, ports: [22], family: 'ipv4', reason: 'world-cidr' }],
    revoked: [revoked],
    authorized,
    dropped: [],
    policySource: { kind: 'default' },
    warnings: [],
  };
}

describe('undo of records the ledger does not confirm', () => {
  /** A narrowed group with its genuine, published record, and the state to compare with. */
  async function fixed() {
    const groups = await exposedGroups();
    const original = await ruleSet(ec2(), groups.groupId);
    const record = await remediateByHand(groups.groupId);
    await publish([record]);
    const snapshot = async () => ({
      group: await ruleSet(ec2(), groups.groupId),
      bystander: await ruleSet(ec2(), groups.bystander),
    });
    return { ...groups, record, original, snapshot, after: await snapshot() };
  }

  it('undoes the hand-made change exactly when its ledger entry matches (the baseline of the refusals)', async () => {
    // Prepare
    const { record, original, snapshot } = await fixed();

    // Act
    const { code } = await undo([record], '--yes');

    // Assess
    expect(code).toBe(0);
    expect((await snapshot()).group).toEqual(original);
  });

  it('refuses a forged record that never happened, and changes nothing', async () => {
    // Prepare: "re-authorize tcp 22 from the world, remove the 443 rule" on another group.
    const { bystander, record, snapshot, after } = await fixed();
    const forged: RemediationRecord = {
      ...record,
      recordId: '00000000-0000-4000-8000-000000000666',
      groupId: bystander,
      revoked: [
        {
          protocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          source: { kind: 'cidr', family: 'ipv4', cidr: '0.0.0.0/0' },
        },
      ],
      authorized: [],
    };

    // Act
    const { code, stdout } = await undo([forged], '--yes');

    // Assess
    expect(code).toBe(1);
    expect(stdout).toContain(
      `refused: no ledger entry for record ${forged.recordId} of ${bystander}`,
    );
    expect(await snapshot()).toEqual(after);
  });

  it('refuses a genuine record tampered with an extra world re-authorization, naming the difference', async () => {
    // Prepare
    const { record, snapshot, after } = await fixed();
    const tampered: RemediationRecord = {
      ...record,
      revoked: [
        ...record.revoked,
        {
          protocol: 'tcp',
          fromPort: 3389,
          toPort: 3389,
          source: { kind: 'cidr', family: 'ipv4', cidr: '0.0.0.0/0' },
        },
      ],
    };

    // Act
    const { code, stdout } = await undo([tampered], '--yes');

    // Assess
    expect(code).toBe(1);
    expect(stdout).toContain(
      `refused: the record differs from its ledger entry in revoked[${record.revoked.length}] (not in the ledger)`,
    );
    expect(await snapshot()).toEqual(after);
  });

  it('refuses a record for another account than the one whose ledger holds it', async () => {
    // Prepare: the same record, claiming the notified account (which has no ledger).
    const { record, snapshot, after } = await fixed();
    const foreign = { ...record, accountId: world.account('notified').accountId };

    // Act
    const { code, stdout } = await undo([foreign], '--yes');

    // Assess
    expect(code).toBe(1);
    expect(stdout).toContain(
      `refused: no ledger in account ${foreign.accountId}, ${HOME_REGION} (table sg-guard-ledger not found)`,
    );
    expect(await snapshot()).toEqual(after);
  });

  it('refuses a record whose ledger entry was deleted, and acts on it with --force, saying so', async () => {
    // Prepare
    const { groupId, record, original, snapshot, after } = await fixed();
    await deleteFromLedger(ledger, record);

    // Act
    const refused = await undo([record], '--yes');
    const unchanged = await snapshot();
    const forced = await undo([record], '--yes', '--force');

    // Assess
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`refused: no ledger entry for record ${record.recordId}`);
    expect(unchanged).toEqual(after);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain(
      `WARNING: --force: record ${record.recordId} (${groupId}) NOT VERIFIED`,
    );
    expect(forced.stderr).toContain('NOT VERIFIED (--force)');
    expect(forced.stdout).toContain('NOT VERIFIED, acted on with --force: no ledger entry');
    expect(forced.stdout).toContain(
      'WARNING: 1 record(s) were acted on without ledger verification (--force).',
    );
    expect((await snapshot()).group).toEqual(original);
  });

  it('asks before re-opening anything and changes nothing without a terminal or --yes', async () => {
    // Prepare
    const { record, snapshot, after } = await fixed();

    // Act
    const { code, stderr } = await undo([record]);

    // Assess
    expect(code).toBe(1);
    expect(stderr).toContain('RE-OPENS TO THE WORLD:');
    expect(stderr).toContain(
      'undo re-opens what sg-guard closed and asks first, but stdin is not a terminal',
    );
    expect(await snapshot()).toEqual(after);
  });
});
