/**
 * `pnpm bench`: every benchmark of issue 6, one results table. Ratios are against floors and
 * baselines measured in the same run, so they hold from machine to machine where absolute
 * times do not.
 *
 * Order: the pure core and the cold start first (no emulator running, so nothing competes for
 * the CPU), then moto_server is started once for the time to fix and the org-wide audit.
 *
 * Usage: `pnpm bench [--only core,cold-start,time-to-fix,sweep,publisher,audit] [--quick] [--strict]`
 * - `--quick`: fewer repetitions (a smoke run; figures are noisier).
 * - `--strict`: exit 3 when a target is missed (default: report it and exit 0).
 * Results also go to `test/bench/results/last-run.{md,json}` (not committed).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { modeMapKey } from '@sg-guard/aws';
import {
  EmulatorUnavailableError,
  findMotoServer,
  INSTALL_HINT,
  type MotoServer,
  startMoto,
} from '@sg-guard/emulator';
import { benchOrgAudit } from './audit/org-audit.js';
import { benchCoreThroughput } from './core/throughput.js';
import { extrapolate } from './extrapolation/extrapolate.js';
import { benchPublisherScale } from './publisher/publisher-scale.js';
import { benchColdStart, benchFirstRemediation, PART_CLIENTS } from './remediator/cold-start.js';
import { createExposedGroup, MODE_MAP, nonCompliantEvent } from './remediator/fixture.js';
import { memberEnv } from './remediator/process-env.js';
import { benchSweepScale } from './remediator/sweep-scale.js';
import { benchTimeToFix, type TimeToFixRun } from './remediator/time-to-fix.js';
import { describeMachine, machineLine } from './support/machine.js';
import { type BenchOutcome, markdownTable, textTable } from './support/report.js';
import { nodeRuntimes } from './support/runtimes.js';
import { formatMs, nowMs } from './support/stats.js';

const BENCHMARKS = ['core', 'cold-start', 'time-to-fix', 'sweep', 'publisher', 'audit'] as const;
type BenchName = (typeof BENCHMARKS)[number];

const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'results');

function parseOptions() {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      quick: { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
    },
  });
  const only = values.only?.split(',').map((name) => name.trim()) ?? [...BENCHMARKS];
  const unknown = only.filter((name) => !(BENCHMARKS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; known: ${BENCHMARKS.join(', ')}`);
  }
  return { only: new Set(only as BenchName[]), quick: values.quick, strict: values.strict };
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

async function main(): Promise<number> {
  const options = parseOptions();
  const machine = describeMachine();
  const started = nowMs();
  // The remediator logs one JSON line per decision and EMF metrics on stdout; they would drown
  // the table, and cost microseconds against the milliseconds measured.
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  // The SDK's notice that later releases need Node 22 (this repository runs Node 20).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  log(machineLine(machine));
  const needsEmulator = ['cold-start', 'time-to-fix', 'sweep', 'publisher', 'audit'].some((name) =>
    options.only.has(name as BenchName),
  );
  // Fail before minutes of other benchmarks, not after.
  if (needsEmulator && findMotoServer() === undefined) {
    log(`moto_server not found; time-to-fix and audit need the AWS emulator. ${INSTALL_HINT}`);
    return 1;
  }

  const outcomes: BenchOutcome[] = [];
  const step = async (name: BenchName, run: () => Promise<BenchOutcome> | BenchOutcome) => {
    if (!options.only.has(name)) return;
    const start = nowMs();
    log(`${name}…`);
    outcomes.push(await run());
    log(`${name} done in ${formatMs(nowMs() - start)}`);
  };

  await step('core', () =>
    benchCoreThroughput(options.quick ? { warmups: 2, repetitions: 5 } : {}),
  );
  const { runtimes, problem } = nodeRuntimes();
  const warnings: string[] = [];
  if (problem) {
    log(`!!! ${problem} — the cold start is reported for ${runtimes[0]?.label} only !!!`);
    warnings.push(problem);
    // A missed requirement, not a footnote: `--strict` fails on it.
    outcomes.push({
      rows: [
        {
          metric: "cold start on Node 24 (the Lambda's runtime)",
          value: 'NOT MEASURED',
          baseline: '—',
          ratio: '—',
          target: 'measured',
          pass: false,
        },
      ],
      figures: {},
      notes: [],
    });
  }
  await step('cold-start', () =>
    benchColdStart(runtimes, {
      samples: options.quick ? 5 : 9,
      extra: [PART_CLIENTS],
    }),
  );

  let moto: MotoServer | undefined;
  if (needsEmulator) {
    try {
      moto = await startMoto({ timeoutMs: 60_000 });
    } catch (error) {
      if (error instanceof EmulatorUnavailableError) {
        log(`the AWS emulator is needed for the remediation benchmarks: ${error.message}`);
        return 1;
      }
      throw error;
    }
  }
  try {
    const server = moto as MotoServer;
    let fix: TimeToFixRun | undefined;
    await step('time-to-fix', async () => {
      fix = await benchTimeToFix(
        server,
        options.quick ? { iterations: 10, warmups: 2 } : { iterations: 20, warmups: 3 },
      );
      return fix.outcome;
    });
    if (options.only.has('cold-start') && fix) {
      const { world, template } = fix;
      const account = world.accounts.ou;
      await step('cold-start', () =>
        benchFirstRemediation(
          runtimes,
          {
            env: memberEnv(world, account),
            endpoint: world.endpoint,
            accountId: account.accountId,
            topicArn: world.topicArn,
            modeMap: {
              bucket: MODE_MAP.bucket,
              region: MODE_MAP.region,
              key: modeMapKey(account.accountId),
            },
            template,
            newGroup: (name) => createExposedGroup(account, name),
            event: (groupId) => nonCompliantEvent(groupId, account.accountId),
          },
          options.quick ? 3 : 5,
        ),
      );
    }
    await step('sweep', () =>
      benchSweepScale(server, runtimes[runtimes.length - 1] as (typeof runtimes)[number], {
        groups: options.quick ? 1000 : 5000,
        rounds: 2,
      }),
    );
    await step('publisher', () =>
      benchPublisherScale(server, { accounts: options.quick ? 200 : 1000, rounds: 2 }),
    );
    await step('audit', () =>
      benchOrgAudit(server, options.quick ? { repetitions: 2 } : { repetitions: 3 }),
    );
  } finally {
    await moto?.stop();
  }

  const rows = outcomes.flatMap((outcome) => outcome.rows);
  const figures = Object.assign({}, ...outcomes.map((outcome) => outcome.figures));
  const notes = [...warnings, ...outcomes.flatMap((outcome) => outcome.notes)];
  const samples = Object.assign({}, ...outcomes.map((outcome) => outcome.samples ?? {}));
  const paper = extrapolate(figures);
  const elapsed = nowMs() - started;
  const header = `${machineLine(machine)} · total ${formatMs(elapsed)}`;

  process.stdout.write(`\n${header}\n\n${textTable(rows)}\n\n`);
  for (const note of notes) process.stdout.write(`- ${note}\n`);
  if (paper.lines.length > 0) {
    process.stdout.write('\nExtrapolation (1,000 accounts × 17 regions):\n');
    for (const line of paper.lines) process.stdout.write(`- ${line}\n`);
  }
  const markdown = [
    `Measured ${header}.`,
    '',
    markdownTable(rows),
    '',
    ...notes.map((note) => `- ${note}`),
    ...(paper.lines.length > 0
      ? [
          '',
          '**Extrapolation** (1,000 accounts × 17 regions):',
          '',
          ...paper.lines.map((line) => `- ${line}`),
        ]
      : []),
    '',
  ].join('\n');
  process.stdout.write(
    `\n--- Markdown (also in test/bench/results/last-run.md) ---\n\n${markdown}`,
  );
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(join(RESULTS_DIR, 'last-run.md'), markdown);
  await writeFile(
    join(RESULTS_DIR, 'last-run.json'),
    `${JSON.stringify({ machine, elapsedMs: elapsed, rows, figures, extrapolation: paper.figures, notes, samples }, null, 2)}\n`,
  );

  const missed = rows.filter((row) => row.pass === false);
  log(
    missed.length === 0
      ? 'every target met'
      : `${missed.length} target(s) missed: ${missed.map((row) => row.metric).join('; ')}`,
  );
  return options.strict && missed.length > 0 ? 3 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
