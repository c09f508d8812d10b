import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIo } from '@sg-guard/cli';
import { parseRecordLines } from '@sg-guard/remediation-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLedger, publishToLedger } from './ledger-support.js';
import {
  allRuleSets,
  buildCliEstate,
  type CliEstate,
  estateAccounts,
  REGIONS,
  sgGuard,
} from './support.js';

let estate: CliEstate;
let records: string;
const BOTH = REGIONS.join(',');

beforeEach(() => {
  records = join(tmpdir(), `sg-guard-records-${process.pid}-${Date.now()}.jsonl`);
});
afterEach(() => rm(records, { force: true }));

/** A test that changes the estate gets a fresh one. */
const freshEstate = async () => {
  estate = await buildCliEstate();
};

const idOf = (name: keyof CliEstate['credentials']) => estate.organization.accounts[name].accountId;

/** `sg-guard fix <args> --yes --records <records>`: applies without asking, records kept. */
const fixWithoutAsking = (...args: string[]) =>
  sgGuard(memoryIo(), 'fix', ...args, '--yes', '--records', records);

/** The rule sets `fix` should leave: exposed groups in `accounts` as the shape says, all else as before. */
function expectedAfterFix(
  before: Record<string, string[]>,
  accounts: readonly string[],
  strategy: 'narrow' | 'revoke',
): Record<string, string[]> {
  const expected = structuredClone(before);
  for (const group of estate.groups) {
    if (!group.shape.exposed || !accounts.includes(group.accountId)) continue;
    const key = `${group.accountId}/${group.region}/${group.groupId}`;
    const outbound = (before[key] ?? []).filter((line) => line.startsWith('out '));
    const inbound = group.expectedAfter(strategy).map((rule) => `in ${rule}`);
    // Rules sg-guard authorizes keep the description of the rule they narrow.
    expected[key] = [...outbound, ...inbound].sort();
  }
  return expected;
}

/** Rule sets without descriptions, for comparing with the catalogue's expectations. */
const withoutDescriptions = (sets: Record<string, string[]>) =>
  Object.fromEntries(
    Object.entries(sets).map(([key, lines]) => [
      key,
      lines.map((l) => l.replace(/ ".*"$/, '')).sort(),
    ]),
  );

describe('fix', () => {
  beforeEach(freshEstate);

  it('fixes the enforcing account only, as its mode says, and touches nothing else', async () => {
    // Prepare
    const before = await allRuleSets(estate);

    // Act
    const { code, stdout } = await fixWithoutAsking(
      '--org',
      '--regions',
      BOTH,
      // The repository's config deploys notify; this estate's untagged account enforces.
      '--default-mode',
      'enforce',
    );

    // Assess
    expect(code).toBe(0);
    const after = await allRuleSets(estate);
    expect(withoutDescriptions(after)).toEqual(
      withoutDescriptions(expectedAfterFix(before, [idOf('enforced')], 'narrow')),
    );
    const written = parseRecordLines(await readFile(records, 'utf8'));
    const actions = written.map(
      (r) => `${r.accountId === idOf('enforced') ? 'enforced' : 'notified'}:${r.action}`,
    );
    expect(actions.sort()).toEqual([
      'enforced:remediated',
      'enforced:remediated',
      'enforced:remediated',
      'notified:would-remediate',
      'notified:would-remediate',
    ]);
    expect(written.every((r) => r.trigger === 'cli')).toBe(true);
    expect(stdout).toContain('mode off: skipped');
    expect(stdout).toContain(
      `Records: ${records} (reverse with: sg-guard undo --records ${records})`,
    );
  });

  it('leaves no exposure anywhere when modes are not read, with the revoke strategy', async () => {
    // Prepare
    const before = await allRuleSets(estate);
    const everyAccount = Object.keys(estate.organization.accounts).map((name) =>
      idOf(name as keyof CliEstate['credentials']),
    );

    // Act
    const fix = await fixWithoutAsking(
      '--org',
      '--regions',
      BOTH,
      '--no-org-tags',
      '--default-mode',
      'enforce',
      '--strategy',
      'revoke',
      '--json',
    );
    const audit = await sgGuard(
      memoryIo(),
      'audit',
      '--org',
      '--regions',
      BOTH,
      '--fail-on-findings',
    );

    // Assess
    expect(fix.code).toBe(0);
    expect(JSON.parse(fix.stdout).results).toHaveLength(7);
    expect(audit.code).toBe(0);
    expect(withoutDescriptions(await allRuleSets(estate))).toEqual(
      withoutDescriptions(expectedAfterFix(before, everyAccount, 'revoke')),
    );
  });

  it('applies after a yes on the terminal, and changes nothing after a no', async () => {
    // Prepare
    const before = await allRuleSets(estate);

    // Act
    const answering = (answer: string) =>
      sgGuard(
        memoryIo({ tty: true, stdinText: answer }),
        'fix',
        '--accounts',
        idOf('enforced'),
        '--regions',
        BOTH,
        '--records',
        records,
      );
    const declined = await answering('n\n');
    const unchanged = await allRuleSets(estate);
    const accepted = await answering('yes\n');

    // Assess
    expect(declined.code).toBe(1);
    expect(declined.stderr).toContain('Apply the plans of 3 exposed group(s)? [y/N] ');
    expect(unchanged).toEqual(before);
    expect(accepted.code).toBe(0);
    expect(parseRecordLines(await readFile(records, 'utf8'))).toHaveLength(3);
  });
});

describe('fix, before anything changes', () => {
  // These tests change nothing, so they share one estate.
  beforeAll(freshEstate);

  it('changes nothing with --dry-run, and prints the plans', async () => {
    // Prepare
    const before = await allRuleSets(estate);

    // Act
    const { code, stdout } = await sgGuard(
      memoryIo(),
      'fix',
      '--org',
      '--regions',
      BOTH,
      '--dry-run',
      '--records',
      records,
    );

    // Assess
    expect(code).toBe(0);
    expect(stdout).toContain('+ tcp 23-65535 from 0.0.0.0/0');
    expect(await allRuleSets(estate)).toEqual(before);
    await expect(readFile(records, 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('refuses to change anything without --yes when there is no terminal to ask on', async () => {
    // Prepare
    const before = await allRuleSets(estate);

    // Act
    const { code, stderr } = await sgGuard(memoryIo(), 'fix', '--org', '--regions', BOTH);

    // Assess
    expect(code).toBe(1);
    expect(stderr).toContain(
      'fix changes security groups and asks first, but stdin is not a terminal',
    );
    expect(stderr).toContain('Re-run with --yes');
    expect(await allRuleSets(estate)).toEqual(before);
  });
});

/**
 * Gives every account-region of the estate its ledger and publishes the records `fix` wrote
 * into it with the adapter (fix does not write the ledger yet; once it does, nothing is put).
 */
async function publishRecords(): Promise<void> {
  const written = parseRecordLines(await readFile(records, 'utf8'));
  for (const { accountId, credentials } of estateAccounts(estate)) {
    for (const region of REGIONS) {
      const place = { endpoint: estate.organization.endpoint, credentials, region };
      await createLedger(place);
      for (const record of written) {
        if (record.accountId === accountId && record.region === region) {
          await publishToLedger(place, record);
        }
      }
    }
  }
}

/** Fixes the enforcing account alone (default mode enforce) and publishes its records. */
async function fixEnforcedAccount(): Promise<void> {
  await fixWithoutAsking(
    '--accounts',
    idOf('enforced'),
    '--regions',
    BOTH,
    '--default-mode',
    'enforce',
  );
  await publishRecords();
}

describe('undo', () => {
  beforeEach(freshEstate);

  it('restores the original rule set exactly, descriptions included', async () => {
    // Prepare
    const before = await allRuleSets(estate);
    await fixWithoutAsking(
      '--org',
      '--regions',
      BOTH,
      '--no-org-tags',
      '--default-mode',
      'enforce',
    );
    expect(await allRuleSets(estate)).not.toEqual(before);
    await publishRecords();

    // Act
    const { code, stdout } = await sgGuard(memoryIo(), 'undo', '--records', records, '--yes');

    // Assess
    expect(code).toBe(0);
    expect(await allRuleSets(estate)).toEqual(before);
    expect(stdout).toMatch(/7 record\(s\): 7 undone, 0 refused, 0 failed\n$/);
  });

  it('skips what is already in place when run twice, and reports each step', async () => {
    // Prepare
    await fixEnforcedAccount();
    await sgGuard(memoryIo(), 'undo', '--records', records, '--yes');
    const restored = await allRuleSets(estate);

    // Act
    const again = await sgGuard(memoryIo(), 'undo', '--records', records, '--json');

    // Assess
    expect(again.code).toBe(0);
    const results = JSON.parse(again.stdout).results as {
      status: string;
      steps: { result: string }[];
    }[];
    expect(results.map((r) => r.status)).toEqual([
      'already-undone',
      'already-undone',
      'already-undone',
    ]);
    expect(results.flatMap((r) => r.steps.map((s) => s.result))).not.toContain('done');
    expect(await allRuleSets(estate)).toEqual(restored);
  });

  it('reads records from stdin and changes nothing with --dry-run', async () => {
    // Prepare
    await fixEnforcedAccount();
    const fixed = await allRuleSets(estate);
    const text = await readFile(records, 'utf8');

    // Act
    const { code, stdout } = await sgGuard(
      memoryIo({ stdinText: text }),
      'undo',
      '--records',
      '-',
      '--dry-run',
    );

    // Assess
    expect(code).toBe(0);
    expect(stdout).toContain('  + would re-authorize tcp 0-65535 from 0.0.0.0/0');
    expect(stdout).toMatch(/3 record\(s\): 3 would undo, 0 refused, 0 failed\n$/);
    expect(stdout).not.toContain('undone');
    expect(await allRuleSets(estate)).toEqual(fixed);
  });
});
