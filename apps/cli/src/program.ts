/**
 * The `sg-guard` program. Tests build it with captured streams and run a command with
 * `parseAsync`; nothing below calls `process.exit`.
 */
import { Command, CommanderError } from 'commander';
import manifest from '../package.json' with { type: 'json' };
import { auditCommand } from './commands/audit.js';
import { explainCommand } from './commands/explain.js';
import { fixCommand } from './commands/fix.js';
import { undoCommand } from './commands/undo.js';
import { UsageError } from './errors.js';
import { handleError } from './handle-error.js';
import { type CliIo, processIo } from './io.js';

/** The CLI's version: the package's own (the bundle inlines it). */
export const CLI_VERSION: string = manifest.version;

const ENVIRONMENT = `
Examples:
  sg-guard explain --from-file groups.json            # offline: verdict and plan per group
  sg-guard audit --org --regions eu-west-1,us-east-1  # every exposure in the organization
  sg-guard audit --org --format html --output report.html
  sg-guard fix --org --dry-run                        # the plans, as the deployed config says
  sg-guard undo --records fixes.jsonl --dry-run

AWS access comes from the SDK's standard chain (AWS_PROFILE, AWS_ACCESS_KEY_ID…, SSO, instance
roles); AWS_REGION and AWS_ENDPOINT_URL are honoured. Reference: docs/cli.md`;

/** How {@link createProgram} reports commander's own errors (usage errors). */
export interface ProgramOptions {
  /**
   * `true`: commander prints nothing for a usage error; {@link runCli} prints it as the JSON
   * error object instead, as every command does under `--json`.
   */
  readonly jsonErrors?: boolean;
}

/** Whether a command line asks for JSON output (`--json` or `--format json`). */
export function wantsJson(args: readonly string[]): boolean {
  return args.some(
    (arg, i) =>
      arg === '--json' || arg === '--format=json' || (arg === '--format' && args[i + 1] === 'json'),
  );
}

/**
 * Builds the program with every subcommand. Commander's own exits (help, version, usage errors)
 * become thrown `CommanderError`s that {@link runCli} turns into exit codes.
 *
 * @example
 * const io = captureIo(); // stdout/stderr collected in memory
 * await createProgram(io).parseAsync(['audit', '--json'], { from: 'user' });
 * io.exitCode; // 0, 1 or 2
 */
export function createProgram(io: CliIo = processIo(), options: ProgramOptions = {}): Command {
  const program = new Command('sg-guard')
    .description(
      'Keeps SSH (and other guarded ports) closed to the internet across an AWS Organization.',
    )
    .version(CLI_VERSION)
    .showHelpAfterError(options.jsonErrors ? false : '(run with --help for usage)')
    .addHelpText('after', ENVIRONMENT);
  withCliExits(program, io, options);
  for (const command of [explainCommand(io), auditCommand(io), fixCommand(io), undoCommand(io)]) {
    program.addCommand(command.copyInheritedSettings(program));
  }
  return program;
}

/**
 * Points `program`'s output at `io` and turns commander's own exits (help, version, usage
 * errors) into thrown `CommanderError`s with the CLI's exit code, as {@link runProgram} expects.
 */
export function withCliExits(program: Command, io: CliIo, options: ProgramOptions = {}): Command {
  return program
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      ...(options.jsonErrors ? { outputError: () => {} } : {}),
    })
    .exitOverride((error) => {
      io.exitCode = error.exitCode === 0 ? 0 : 1;
      throw error;
    });
}

/** Commander's exits that are not errors. */
const NOT_ERRORS = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/**
 * Runs one command line (without `node` and the script) and returns its exit code: 0 clean,
 * 1 error, 2 findings (with `--fail-on-findings`). A usage error (unknown option, missing
 * argument, bad choice) under `--json` is printed as `{"error": {"code": "USAGE", …}}` on
 * stdout, like every other error.
 */
export async function runCli(args: readonly string[], io: CliIo = processIo()): Promise<number> {
  return runProgram(createProgram, args, io);
}

/**
 * Runs one command line through the program `build` makes, with the CLI's exit codes and
 * error handling (what {@link runCli} does for `sg-guard`; the demo app runs its own program
 * through it).
 */
export async function runProgram(
  build: (io: CliIo, options: ProgramOptions) => Command,
  args: readonly string[],
  io: CliIo,
): Promise<number> {
  const json = wantsJson(args);
  try {
    await build(io, { jsonErrors: json }).parseAsync([...args], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (json && error.exitCode !== 0 && !NOT_ERRORS.has(error.code)) {
      handleError(
        new UsageError(error.message.replace(/^error: /, ''), {
          hint: 'run with --help for usage',
        }),
        io,
        true,
      );
    }
  }
  return io.exitCode;
}
