import { Command } from 'commander';
import { z } from 'zod';
import { jsonReporter, textReporter } from '../demo/report.js';
import { runDemo } from '../demo/run.js';
import type { CliIo } from '../io.js';
import { parseOptions } from '../options.js';
import { action } from './shared.js';

const DemoOptions = z.object({
  json: z.boolean().default(false),
  records: z.string().min(1).optional(),
  lambdaLogs: z.boolean().default(false),
});

/** Powertools settings the demo sets for the in-process Lambda unless `--lambda-logs`. */
const QUIET_LAMBDA = { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' };

/** `sg-guard demo`: the whole loop against the local emulator, in under a minute. */
export function demoCommand(io: CliIo): Command {
  return new Command('demo')
    .summary('run the whole loop against a local AWS emulator (moto), in under a minute')
    .description(
      'Starts moto_server on a free loopback port, builds an organization (management account, ' +
        'three members, two regions; one member tagged notify, one OU tagged off), opens SSH in ' +
        'varied shapes, prints an audit, drives the real remediator Lambda handler with real ' +
        'event shapes (Config via SNS, Config via EventBridge, CloudTrail), prints every mail of ' +
        'the central inbox and the audit after, then stops the emulator. No AWS account, ' +
        'credentials or network needed.',
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
        const options = parseOptions(DemoOptions, raw);
        const started = Date.now();
        const runOptions = options.records ? { recordsFile: options.records } : {};
        // The in-process Lambda's Powertools reads its settings from the environment at cold
        // start; its JSON lines would drown the narrative, so they are off unless asked for.
        const saved = Object.fromEntries(Object.keys(QUIET_LAMBDA).map((k) => [k, process.env[k]]));
        if (!options.lambdaLogs) Object.assign(process.env, QUIET_LAMBDA);
        try {
          if (options.json) {
            const reporter = jsonReporter();
            await runDemo(io, reporter, runOptions);
            io.stdout.write(`${JSON.stringify(reporter.summary(Date.now() - started), null, 2)}\n`);
          } else {
            const reporter = textReporter(io.stdout);
            await runDemo(io, reporter, runOptions);
            reporter.finished(Date.now() - started);
          }
        } finally {
          for (const [key, value] of Object.entries(saved)) {
            if (value === undefined) delete process.env[key];
            else process.env[key] = value;
          }
        }
        return 0;
      }),
    );
}
