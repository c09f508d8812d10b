/**
 * The `sg-guard` program. Tests build it with captured streams and run a command with
 * `parseAsync`; nothing below calls `process.exit`.
 */
import { Command, CommanderError } from 'commander';
import { auditCommand } from './commands/audit.js';
import { demoCommand } from './commands/demo.js';
import { explainCommand } from './commands/explain.js';
import { fixCommand } from './commands/fix.js';
import { undoCommand } from './commands/undo.js';
import { type CliIo, processIo } from './io.js';

const ENVIRONMENT = `
AWS access comes from the SDK's standard chain (AWS_PROFILE, AWS_ACCESS_KEY_ID…, SSO, instance
roles); AWS_REGION and AWS_ENDPOINT_URL are honoured. Reference: docs/cli.md`;

/**
 * Builds the program with every subcommand. Commander's own exits (help, version, usage errors)
 * become thrown `CommanderError`s that {@link runCli} turns into exit codes.
 *
 * @example
 * const io = captureIo(); // stdout/stderr collected in memory
 * await createProgram(io).parseAsync(['audit', '--json'], { from: 'user' });
 * io.exitCode; // 0, 1 or 2
 */
export function createProgram(io: CliIo = processIo()): Command {
  const program = new Command('sg-guard')
    .description(
      'Keeps SSH (and other guarded ports) closed to the internet across an AWS Organization.',
    )
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', ENVIRONMENT)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride((error) => {
      io.exitCode = error.exitCode === 0 ? 0 : 1;
      throw error;
    });
  for (const command of [
    explainCommand(io),
    auditCommand(io),
    fixCommand(io),
    undoCommand(io),
    demoCommand(io),
  ]) {
    program.addCommand(command.copyInheritedSettings(program));
  }
  return program;
}

/**
 * Runs one command line (without `node` and the script) and returns its exit code: 0 clean,
 * 1 error, 2 findings (with `--fail-on-findings`).
 */
export async function runCli(args: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    await createProgram(io).parseAsync([...args], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
  }
  return io.exitCode;
}
