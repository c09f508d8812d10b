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
    for (const command of ['explain', 'audit', 'fix', 'undo', 'demo']) {
      expect(io.stdoutText()).toMatch(new RegExp(`\\n  ${command}\\b`));
    }
    expect(io.stdoutText()).toContain('AWS_ENDPOINT_URL');
  });

  it.each(['explain', 'audit', 'fix', 'undo', 'demo'])(
    'documents --json for %s',
    async (command) => {
      // Prepare
      const io = memoryIo();

      // Act
      const code = await runCli([command, '--help'], io);

      // Assess
      expect(code).toBe(0);
      expect(io.stdoutText()).toContain('--json');
    },
  );

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
});
