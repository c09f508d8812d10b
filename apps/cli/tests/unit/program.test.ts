import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/io.js';
import { createProgram, runCli } from '../../src/program.js';

describe('sg-guard program', () => {
  it('lists every command in --help and exits 0', async () => {
    // Prepare
    const io = memoryIo();

    // Act
    const code = await runCli(['--help'], io);

    // Assess
    expect(code).toBe(0);
    for (const command of ['explain', 'audit', 'fix', 'undo']) {
      expect(io.stdoutText()).toMatch(new RegExp(`\\n  ${command}\\b`));
    }
    expect(io.stdoutText()).toContain('AWS_ENDPOINT_URL');
  });

  it.each(['explain', 'audit', 'fix', 'undo'])('documents --json for %s', async (command) => {
    // Prepare
    const io = memoryIo();

    // Act
    const code = await runCli([command, '--help'], io);

    // Assess
    expect(code).toBe(0);
    expect(io.stdoutText()).toContain('--json');
  });

  it('states the exit codes in audit --help', async () => {
    // Prepare
    const io = memoryIo();

    // Act
    await runCli(['audit', '--help'], io);

    // Assess
    expect(io.stdoutText()).toContain('2  --fail-on-findings and at least one exposed group');
  });

  it('exits 1 on an unknown command or option, with the error on stderr', async () => {
    // Prepare
    const unknownCommand = memoryIo();
    const unknownOption = memoryIo();

    // Act
    const first = await runCli(['scan'], unknownCommand);
    const second = await runCli(['audit', '--everything'], unknownOption);

    // Assess
    expect(first).toBe(1);
    expect(unknownCommand.stderrText()).toContain("unknown command 'scan'");
    expect(second).toBe(1);
    expect(unknownOption.stderrText()).toContain("unknown option '--everything'");
  });

  it('rejects contradicting or malformed scope options before any AWS call', async () => {
    // Prepare
    const both = memoryIo();
    const badAccount = memoryIo();
    const badConcurrency = memoryIo();

    // Act
    const codes = [
      await runCli(
        [
          'audit',
          '--org',
          '--accounts',
          '111122223333',
          '--region',
          'eu-west-1',
          '--endpoint-url',
          'http://127.0.0.1:9',
        ],
        both,
      ),
      await runCli(['audit', '--accounts', '1234'], badAccount),
      await runCli(['fix', '--concurrency', '0'], badConcurrency),
    ];

    // Assess
    expect(codes).toEqual([1, 1, 1]);
    expect(both.stderrText()).toBe('sg-guard: --org and --accounts exclude each other; pick one\n');
    expect(badAccount.stderrText()).toBe('sg-guard: --accounts: an account id is 12 digits\n');
    expect(badConcurrency.stderrText()).toBe('sg-guard: --concurrency: at least 1\n');
  });

  it('runs a command through parseAsync with the io it was built with, setting the exit code', async () => {
    // Prepare
    const io = memoryIo();
    const groups = fileURLToPath(
      new URL('../fixtures/describe-security-groups.json', import.meta.url),
    );

    // Act
    await createProgram(io).parseAsync([
      'node',
      'sg-guard',
      'explain',
      '--from-file',
      groups,
      '--fail-on-findings',
    ]);

    // Assess
    expect(io.exitCode).toBe(2);
    expect(io.stdoutText()).toContain('7 group(s), 4 exposed on port(s) 22');
  });

  it('throws commander’s exit from parseAsync for --help instead of exiting the process', async () => {
    // Prepare
    const io = memoryIo();

    // Act
    const parsing = createProgram(io).parseAsync(['explain', '--help'], { from: 'user' });

    // Assess
    await expect(parsing).rejects.toMatchObject({ code: 'commander.helpDisplayed', exitCode: 0 });
    expect(io.exitCode).toBe(0);
    expect(io.stdoutText()).toContain('--from-file <file>');
  });

  it("prints the package's version with --version", async () => {
    // Prepare
    const io = memoryIo();
    const { version } = JSON.parse(
      await readFile(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version: string };

    // Act
    const code = await runCli(['--version'], io);

    // Assess
    expect(code).toBe(0);
    expect(io.stdoutText()).toBe(`${version}\n`);
  });

  it('gives --help examples under the installed name, sg-guard', async () => {
    // Act
    const top = memoryIo();
    await runCli(['--help'], top);
    const audit = memoryIo();
    await runCli(['audit', '--help'], audit);

    // Assess
    expect(top.stdoutText()).toContain('Usage: sg-guard [options] [command]');
    expect(top.stdoutText()).toContain('  sg-guard audit --org --format html --output report.html');
    expect(audit.stdoutText()).toContain('  sg-guard audit --org --fail-on-findings');
    expect(audit.stdoutText()).toContain('--config <file>');
    expect(`${top.stdoutText()}${audit.stdoutText()}`).not.toContain('pnpm sg-guard');
  });

  it.each([
    [['audit', '--everything', '--json'], "unknown option '--everything'"],
    [['explain', '--json'], "required option '--from-file <file>' not specified"],
    [
      ['audit', '--format', 'json', '--strategy', 'delete'],
      "option '--strategy <strategy>' argument 'delete' is invalid. Allowed choices are narrow, revoke.",
    ],
    [['scan', '--json'], "unknown command 'scan'"],
  ])('prints the usage error of %j as a JSON error object on stdout', async (args, message) => {
    // Prepare
    const io = memoryIo();

    // Act
    const code = await runCli(args, io);

    // Assess
    expect(code).toBe(1);
    expect(JSON.parse(io.stdoutText())).toEqual({
      error: { code: 'USAGE', message, hint: 'run with --help for usage' },
    });
    expect(io.stderrText()).toBe('');
  });
});
