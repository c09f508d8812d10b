import { Command } from 'commander';
import { z } from 'zod';
import { explainGroups, renderExplanations } from '../explain/explain.js';
import { readDescribeFile } from '../explain/read.js';
import type { CliIo } from '../io.js';
import { parseOptions } from '../options.js';
import {
  action,
  addOptions,
  addPlanOptions,
  FAIL_ON_FINDINGS_OPTION,
  JSON_OPTION,
  type OptionTable,
  planShape,
  shapeOf,
} from './shared.js';

const INPUT_OPTIONS = {
  fromFile: {
    flags: '--from-file <file>',
    description: 'the JSON file, or - for stdin',
    schema: z.string().min(1, 'name a file (or - for stdin)'),
    required: true,
  },
} as const satisfies OptionTable;

const OUTPUT_OPTIONS = { ...FAIL_ON_FINDINGS_OPTION, ...JSON_OPTION } as const;

const ExplainOptions = z.object({
  ...planShape,
  ...shapeOf(INPUT_OPTIONS),
  ...shapeOf(OUTPUT_OPTIONS),
});

/** `sg-guard explain --from-file <file>`: verdict, exposures and plan per group, offline. */
export function explainCommand(io: CliIo): Command {
  const command = new Command('explain')
    .summary('explain the verdict and plan for groups in a describe-security-groups/-rules file')
    .description(
      'Reads the JSON that `aws ec2 describe-security-groups` or `aws ec2 ' +
        'describe-security-group-rules` prints and, for each group, shows the verdict, each ' +
        'exposure and the plan that would close it. Offline: makes no AWS call.',
    );
  addOptions(command, INPUT_OPTIONS);
  addPlanOptions(command);
  return addOptions(command, OUTPUT_OPTIONS)
    .addHelpText(
      'after',
      `
Examples:
  aws ec2 describe-security-groups --output json > groups.json
  sg-guard explain --from-file groups.json --ports 22,3389
  aws ec2 describe-security-group-rules --output json | sg-guard explain --from-file - --json

Exit codes: 0 done, 1 error, 2 --fail-on-findings and a group is exposed`,
    )
    .action(
      action(io, async (raw: Record<string, unknown>) => {
        const options = parseOptions(ExplainOptions, raw);
        const described = await readDescribeFile(options.fromFile, io.stdin);
        const explanations = explainGroups(described.groups, options);
        if (options.json) {
          const report = {
            source: options.fromFile,
            kind: described.kind,
            ports: options.ports,
            strategy: options.strategy,
            groups: explanations,
          };
          io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        } else {
          io.stdout.write(renderExplanations(explanations, options.ports));
        }
        const exposed = explanations.some((e) => e.verdict === 'EXPOSED');
        return options.failOnFindings && exposed ? 2 : 0;
      }),
    );
}
