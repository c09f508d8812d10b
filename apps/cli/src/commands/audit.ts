import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { z } from 'zod';
import { auditWithAws } from '../audit/aws-audit.js';
import {
  AUDIT_FORMATS,
  failOnFindingsLine,
  formatAuditReport,
  settingsLine,
  summaryLine,
} from '../audit/format.js';
import { auditExitCode } from '../audit/report.js';
import type { CliIo } from '../io.js';
import { parseOptions } from '../options.js';
import { progressLine } from '../progress.js';
import {
  action,
  addAwsOptions,
  addOptions,
  addPlanOptions,
  addScopeOptions,
  awsShape,
  configuredPlanShape,
  deployedAuditOptions,
  FAIL_ON_FINDINGS_OPTION,
  type OptionTable,
  scopeShape,
  shapeOf,
} from './shared.js';

const REPORT_OPTIONS = {
  format: {
    flags: '--format <format>',
    description: 'report format',
    schema: z.enum(AUDIT_FORMATS),
    choices: AUDIT_FORMATS,
    default: 'table',
  },
  output: {
    flags: '--output <file>',
    description: 'write the report to this file instead of stdout',
    schema: z.string().min(1).optional(),
  },
  ...FAIL_ON_FINDINGS_OPTION,
  json: {
    flags: '--json',
    description: 'same as --format json',
    schema: z.boolean().default(false),
  },
} as const satisfies OptionTable;

const AuditOptions = z.object({
  ...awsShape,
  ...configuredPlanShape,
  ...scopeShape,
  ...shapeOf(REPORT_OPTIONS),
});

const EXIT_CODES = `
Exit codes:
  0  every account-region was scanned (findings or not, unless --fail-on-findings)
  1  an error stopped the run, or some account or account-region could not be scanned
  2  --fail-on-findings and at least one exposed group, or a group whose exposure is unknown
     (a prefix list that could not be read); takes precedence over 1

Settings: the default mode, ports, strategy and allowGroupExemptions come from the deployed
sg-guard.config.json (--config <file>; default: the repository's root one), as the Lambdas
use them; each flag given overrides its field. Without a config: built-in defaults.

Examples:
  sg-guard audit                                          # the caller's account, every enabled region
  sg-guard audit --org --regions eu-west-1,us-east-1
  sg-guard audit --org --format html --output report.html # the posture report
  sg-guard audit --org --format csv --output audit.csv
  sg-guard audit --org --fail-on-findings                 # CI gate: exit 2 on findings`;

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
  addPlanOptions(command, true);
  addAwsOptions(command);
  return addOptions(command, REPORT_OPTIONS)
    .addHelpText('after', EXIT_CODES)
    .action(
      action(io, async (raw: Record<string, unknown>) => {
        const options = parseOptions(AuditOptions, raw);
        const format = options.json ? 'json' : options.format;
        const { audit } = deployedAuditOptions(options);
        const progress = progressLine(io.stderr, format !== 'json');
        const { report } = await auditWithAws(audit, (p) => progress.update(p)).finally(() =>
          progress.done(),
        );
        const text = formatAuditReport(report, format);
        if (options.output) {
          await writeFile(options.output, text);
          io.stdout.write(
            `${summaryLine(report)}\n${settingsLine(report)}\nReport written to ${options.output}\n`,
          );
        } else {
          io.stdout.write(text);
        }
        const code = auditExitCode(report.summary, options.failOnFindings);
        if (code === 2) io.stderr.write(`${failOnFindingsLine(report)}\n`);
        return code;
      }),
    );
}
