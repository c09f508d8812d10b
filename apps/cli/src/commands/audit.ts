import { writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { z } from 'zod';
import { auditWithAws } from '../audit/aws-audit.js';
import { AUDIT_FORMATS, formatAuditReport, summaryLine } from '../audit/format.js';
import { auditExitCode } from '../audit/report.js';
import type { CliIo } from '../io.js';
import { parseOptions } from '../options.js';
import { progressLine } from '../progress.js';
import {
  action,
  addAwsOptions,
  addPlanOptions,
  addScopeOptions,
  awsShape,
  planShape,
  scopeShape,
} from './shared.js';

const AuditOptions = z.object({
  ...awsShape,
  ...planShape,
  ...scopeShape,
  format: z.enum(AUDIT_FORMATS).default('table'),
  output: z.string().min(1).optional(),
  failOnFindings: z.boolean().default(false),
  json: z.boolean().default(false),
});

const EXIT_CODES = `
Exit codes:
  0  every account-region was scanned (findings or not, unless --fail-on-findings)
  1  an error stopped the run, or some account or account-region could not be scanned
  2  --fail-on-findings and at least one exposed group (takes precedence over 1)`;

/** `sg-guard audit`: every exposure in the chosen accounts and regions, with its plan. */
export function auditCommand(io: CliIo): Command {
  const command = new Command('audit')
    .summary('find every security group that lets the internet reach the guarded ports')
    .description(
      "Scans accounts and regions (one bulk read per account-region), shows each account's mode " +
        'from its organization tags, every exposed group and the plan that would close it. ' +
        'Changes nothing.',
    );
  addScopeOptions(command);
  addPlanOptions(command);
  addAwsOptions(command);
  return command
    .addOption(
      new Option('--format <format>', 'report format').choices(AUDIT_FORMATS).default('table'),
    )
    .option('--output <file>', 'write the report to this file instead of stdout')
    .option('--fail-on-findings', 'exit 2 when any group is exposed')
    .option('--json', 'same as --format json')
    .addHelpText('after', EXIT_CODES)
    .action(
      action(io, async (raw: Record<string, unknown>) => {
        const options = parseOptions(AuditOptions, raw);
        const format = options.json ? 'json' : options.format;
        const progress = progressLine(io.stderr, format !== 'json');
        const { report } = await auditWithAws(options, (p) => progress.update(p)).finally(() =>
          progress.done(),
        );
        const text = formatAuditReport(report, format);
        if (options.output) {
          await writeFile(options.output, text);
          io.stdout.write(`${summaryLine(report)}\nReport written to ${options.output}\n`);
        } else {
          io.stdout.write(text);
        }
        return auditExitCode(report.summary, options.failOnFindings);
      }),
    );
}
