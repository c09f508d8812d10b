/**
 * `pnpm demo`: the demo's own program (`--json`, `--records`, `--lambda-logs`), run with the
 * CLI's exit codes and its one error handler.
 */
import {
  action,
  type CliIo,
  type ProgramOptions,
  parseOptions,
  processIo,
  runProgram,
  withCliExits,
} from '@sg-guard/cli';
import { Command } from 'commander';
import { z } from 'zod';
import { jsonReporter, textReporter } from './report.js';
import { runDemo } from './run.js';

const DemoOptions = z.object({
  json: z.boolean().default(false),
  records: z.string().min(1).optional(),
  lambdaLogs: z.boolean().default(false),
});

/** The demo as a commander program whose exits become thrown errors (see `runProgram`). */
export function createDemoProgram(io: CliIo, options: ProgramOptions = {}): Command {
  const program = new Command('demo')
    .summary('run the whole loop against a local AWS emulator (moto), in under a minute')
    .description(
      'Starts moto_server on a free loopback port, builds an organization (management account, ' +
        'three members, two regions; one member tagged notify, one OU tagged off), opens SSH in ' +
        'varied shapes, prints an audit, drives the real remediator Lambda handler with real ' +
        'event shapes (Config via SNS, Config via EventBridge, CloudTrail), prints every mail of ' +
        'the central inbox, writes its records to a file, prints the audit after, undoes one ' +
        "record with the CLI's verified undo and re-describes its group, then stops the " +
        'emulator. No AWS account, credentials or network needed.',
    )
    .option('--json', 'print a machine-readable summary instead of the narrative')
    .option('--lambda-logs', "show the remediator's own JSON log lines")
    .option(
      '--records <file>',
      "write the central inbox's records here (JSON Lines; default: a new file in the temp directory)",
    )
    .addHelpText(
      'after',
      '\nNeeds moto_server (pip install "moto[server]", or bash scripts/ensure-python-tools.sh).\nExit codes: 0 done, 1 the emulator is missing or a step failed',
    )
    .action(
      action(io, async (raw: Record<string, unknown>) => {
        const parsed = parseOptions(DemoOptions, raw);
        const started = Date.now();
        // The in-process functions get a silent logger and metrics unless --lambda-logs
        // (their JSON lines would drown the narrative); nothing here touches process.env.
        const runOptions = {
          lambdaLogs: parsed.lambdaLogs,
          ...(parsed.records ? { recordsFile: parsed.records } : {}),
        };
        if (parsed.json) {
          const reporter = jsonReporter();
          await runDemo(io, reporter, runOptions);
          io.stdout.write(`${JSON.stringify(reporter.summary(Date.now() - started), null, 2)}\n`);
        } else {
          const reporter = textReporter(io.stdout);
          await runDemo(io, reporter, runOptions);
          reporter.finished(Date.now() - started);
        }
        return 0;
      }),
    );
  return withCliExits(program, io, options);
}

/**
 * Runs the demo with `args` (without `node` and the script) and returns its exit code.
 *
 * @example
 * process.exitCode = await runDemoCli(['--json']);
 */
export function runDemoCli(args: readonly string[], io: CliIo = processIo()): Promise<number> {
  return runProgram(createDemoProgram, args, io);
}
