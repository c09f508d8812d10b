import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../../src/io.js';
import { runCli } from '../../../src/program.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));
const GROUPS = fixture('describe-security-groups.json');
const RULES = fixture('describe-security-group-rules.json');

interface ExplainJson {
  kind: string;
  ports: number[];
  groups: {
    groupId: string;
    groupName?: string;
    verdict: string;
    exposures: {
      rule: { ruleId?: string; source: { cidr?: string } };
      ports: number[];
      reason: string;
    }[];
    plan?: {
      appliedStrategy: string;
      authorize: { fromPort: number; toPort: number }[];
      revoke: { ruleId?: string }[];
    };
    unresolvedPrefixLists: string[];
  }[];
}

async function explainJson(...args: string[]): Promise<ExplainJson> {
  const io = memoryIo();
  const code = await runCli(['explain', ...args, '--json'], io);
  expect(io.stderrText()).toBe('');
  expect(code).toBe(0);
  return JSON.parse(io.stdoutText()) as ExplainJson;
}

describe('explain on describe-security-groups output', () => {
  it('finds the world sources on port 22 and nothing else', async () => {
    // Act
    const report = await explainJson('--from-file', GROUPS);

    // Assess
    expect(report.kind).toBe('describe-security-groups');
    const verdicts = Object.fromEntries(report.groups.map((g) => [g.groupName, g.verdict]));
    expect(verdicts).toEqual({
      bastion: 'EXPOSED',
      web: 'NOT_EXPOSED',
      'legacy-app': 'EXPOSED',
      'batch-workers': 'EXPOSED',
      'split-halves': 'EXPOSED',
      'windows-jump': 'NOT_EXPOSED',
      partners: 'NOT_EXPOSED',
    });
    const bastion = report.groups.find((g) => g.groupName === 'bastion');
    expect(bastion?.exposures.map((e) => e.rule.source.cidr)).toEqual(['0.0.0.0/0', '::/0']);
  });

  it('narrows a tcp range around port 22 by default', async () => {
    // Act
    const report = await explainJson('--from-file', GROUPS);

    // Assess
    const batch = report.groups.find((g) => g.groupName === 'batch-workers');
    expect(batch?.plan?.appliedStrategy).toBe('narrow');
    expect(batch?.plan?.authorize.map((r) => [r.fromPort, r.toPort])).toEqual([
      [0, 21],
      [23, 65535],
    ]);
  });

  it('guards every port given with --ports', async () => {
    // Act
    const report = await explainJson('--from-file', GROUPS, '--ports', '22,3389');

    // Assess
    expect(report.ports).toEqual([22, 3389]);
    expect(report.groups.find((g) => g.groupName === 'windows-jump')?.verdict).toBe('EXPOSED');
  });

  it('names prefix lists it could not resolve offline', async () => {
    // Act
    const report = await explainJson('--from-file', GROUPS);

    // Assess
    expect(report.groups.find((g) => g.groupName === 'partners')?.unresolvedPrefixLists).toEqual([
      'pl-0a1b2c3d4e5f67890',
    ]);
  });

  it('prints verdict, exposures and plan per group as text', async () => {
    // Prepare
    const io = memoryIo();

    // Act
    const code = await runCli(['explain', '--from-file', GROUPS], io);

    // Assess
    expect(code).toBe(0);
    const text = io.stdoutText();
    expect(text).toContain('sg-0a1b2c3d4e5f60718 (bastion) in vpc-0f1e2d3c4b5a69788: EXPOSED');
    expect(text).toContain('    tcp 22 from 0.0.0.0/0: port 22 (the whole internet)');
    expect(text).toContain('    + authorize tcp 23-65535 from 0.0.0.0/0');
    expect(text).toContain('    - revoke all traffic from 0.0.0.0/0');
    expect(text).toContain('sg-0b2c3d4e5f6071829 (web) in vpc-0f1e2d3c4b5a69788: NOT_EXPOSED');
    expect(text.trimEnd().split('\n').at(-1)).toBe('7 group(s), 4 exposed on port(s) 22');
  });
});

describe('explain on describe-security-group-rules output', () => {
  it('groups rules by GroupId, ignores egress, and plans revokes by rule id', async () => {
    // Act
    const report = await explainJson('--from-file', RULES, '--strategy', 'revoke');

    // Assess
    expect(report.kind).toBe('describe-security-group-rules');
    expect(report.groups.map((g) => [g.groupId, g.verdict])).toEqual([
      ['sg-0a1b2c3d4e5f60718', 'EXPOSED'],
      ['sg-0b2c3d4e5f6071829', 'NOT_EXPOSED'],
      ['sg-0d4e5f60718293a4b', 'EXPOSED'],
      ['sg-0718293a4b5c6d7e8', 'NOT_EXPOSED'],
    ]);
    expect(report.groups[0]?.plan?.revoke.map((r) => r.ruleId)).toEqual([
      'sgr-0a1b2c3d4e5f60002',
      'sgr-0a1b2c3d4e5f60003',
    ]);
    expect(report.groups[2]?.plan?.authorize).toEqual([]);
  });

  it('reads the JSON from stdin with --from-file -', async () => {
    // Prepare
    const io = memoryIo({ stdinText: await readFile(RULES, 'utf8') });

    // Act
    const code = await runCli(['explain', '--from-file', '-', '--json'], io);

    // Assess
    expect(code).toBe(0);
    expect((JSON.parse(io.stdoutText()) as ExplainJson).groups).toHaveLength(4);
  });
});

describe('explain exit codes and errors', () => {
  it('exits 2 with --fail-on-findings when a group is exposed', async () => {
    // Prepare
    const io = memoryIo();

    // Act
    const code = await runCli(['explain', '--from-file', GROUPS, '--fail-on-findings'], io);

    // Assess
    expect(code).toBe(2);
  });

  it('exits 1 naming the file when it is not describe output', async () => {
    // Prepare
    const io = memoryIo({ stdinText: '{"Reservations": []}' });

    // Act
    const code = await runCli(['explain', '--from-file', '-'], io);

    // Assess
    expect(code).toBe(1);
    expect(io.stderrText()).toMatch(
      /^sg-guard: -: expected the JSON of `aws ec2 describe-security-groups`/,
    );
  });

  it('exits 1 when the file is missing, with the error as JSON under --json', async () => {
    // Prepare
    const io = memoryIo();

    // Act
    const code = await runCli(['explain', '--from-file', '/nonexistent/groups.json', '--json'], io);

    // Assess
    expect(code).toBe(1);
    expect(JSON.parse(io.stdoutText())).toMatchObject({
      error: {
        code: 'INPUT',
        message: expect.stringContaining('/nonexistent/groups.json: cannot read'),
      },
    });
  });

  it('rejects a port out of range, naming the option', async () => {
    // Prepare
    const io = memoryIo();

    // Act
    const code = await runCli(['explain', '--from-file', GROUPS, '--ports', '22,70000'], io);

    // Assess
    expect(code).toBe(1);
    expect(io.stderrText()).toContain('--ports: a port is a whole number 1-65535');
  });

  it('rejects an unknown strategy before reading anything', async () => {
    // Prepare
    const io = memoryIo();

    // Act
    const code = await runCli(['explain', '--from-file', GROUPS, '--strategy', 'delete'], io);

    // Assess
    expect(code).toBe(1);
    expect(io.stderrText()).toContain(
      "option '--strategy <strategy>' argument 'delete' is invalid",
    );
    expect(io.stdoutText()).toBe('');
  });
});

describe('explain on input a newcomer might hand it', () => {
  const explainStdin = async (json: unknown, bom = false) => {
    const io = memoryIo({ stdinText: `${bom ? '\uFEFF' : ''}${JSON.stringify(json)}` });
    const code = await runCli(['explain', '--from-file', '-'], io);
    return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
  };
  const permission = (extra: Record<string, unknown>) => ({
    IpProtocol: 'tcp',
    FromPort: 22,
    ToPort: 22,
    IpRanges: [{ CidrIp: '0.0.0.0/0' }],
    ...extra,
  });

  it('reads a file that starts with a UTF-8 byte order mark (PowerShell, Notepad)', async () => {
    // Act
    const { code, stdout } = await explainStdin(
      { SecurityGroups: [{ GroupId: 'sg-1', IpPermissions: [permission({})] }] },
      true,
    );

    // Assess
    expect(code).toBe(0);
    expect(stdout).toContain('sg-1: EXPOSED');
  });

  it('calls FromPort "22" a type error, naming the group and the field, not a port out of range', async () => {
    // Act
    const { code, stderr } = await explainStdin({
      SecurityGroups: [
        { GroupId: 'sg-ok', IpPermissions: [permission({})] },
        { GroupId: 'sg-2', GroupName: 'web', IpPermissions: [permission({ FromPort: '22' })] },
      ],
    });

    // Assess
    expect(code).toBe(1);
    expect(stderr).toBe(
      'sg-guard: -: group sg-2 (web): IpPermissions[0].FromPort: expected a whole number, got the string "22"\n',
    );
    expect(stderr).not.toContain('out of range');
  });

  it('names the group when the core rejects a rule (a bad CIDR)', async () => {
    // Act
    const { code, stderr } = await explainStdin({
      SecurityGroups: [
        { GroupId: 'sg-3', IpPermissions: [permission({ IpRanges: [{ CidrIp: '0.0.0.0/33' }] })] },
      ],
    });

    // Assess
    expect(code).toBe(1);
    expect(stderr).toMatch(/^sg-guard: -: group sg-3: .*0\.0\.0\.0\/33/);
  });

  it('names the group and the rule in describe-security-group-rules input', async () => {
    // Act
    const { code, stderr } = await explainStdin({
      SecurityGroupRules: [
        {
          GroupId: 'sg-4',
          SecurityGroupRuleId: 'sgr-9',
          IsEgress: false,
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: '22',
          CidrIpv4: '0.0.0.0/0',
        },
      ],
    });

    // Assess
    expect(code).toBe(1);
    expect(stderr).toContain(
      'group sg-4, rule sgr-9: ToPort: expected a whole number, got the string "22"',
    );
  });

  it('names an item without a GroupId by its position', async () => {
    // Act
    const { code, stderr } = await explainStdin({
      SecurityGroups: [{ GroupId: 'sg-ok' }, { GroupName: 'nameless' }],
    });

    // Assess
    expect(code).toBe(1);
    expect(stderr).toContain('group #2 (no GroupId): GroupId: missing (expected a string)');
  });
});
