/**
 * Benchmark 2: cold start. The remediator bundled with `REMEDIATOR_BUNDLE` (the settings the
 * member stack deploys) in three ways, each imported in fresh Node processes:
 * - `bundled`: as configured (the SDK bundled from its ES module builds, tree-shaken);
 * - `sdk-external`: `@aws-sdk/*` left out and loaded from `node_modules` at run time, as a
 *   Lambda would load the runtime's own copy;
 * - `cjs-main-fields`: esbuild's default main fields for `platform=node` (the SDK's CommonJS
 *   builds), for reference.
 * Reported: bundle size and the median import time minus the median of `node -e 0`.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { REMEDIATOR_BUNDLE, remediatorBuildOptions } from '@sg-guard/remediator/bundle-settings';
import { type BuildOptions, build } from 'esbuild';
import type { BenchOutcome, BenchRow } from '../support/report.js';
import { formatBytes, formatMs, median, nowMs, significant } from '../support/stats.js';

/** Options of {@link benchColdStart}. */
export interface ColdStartOptions {
  /** Fresh processes per variant (and for `node -e 0`). @default 21 */
  readonly samples?: number;
}

type VariantName = 'bundled' | 'sdk-external' | 'cjs-main-fields' | 'part-zod' | 'part-sdk';

interface Variant {
  readonly name: VariantName;
  readonly label: string;
  readonly options: Partial<BuildOptions>;
  /** A part of the handler alone, built with the same settings, to tell where the time goes. */
  readonly part?: { readonly contents: string; readonly resolveDir: string };
}

const TARGET_OVERHEAD_MS = 150;

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

// Inside the `test` package, so `@aws-sdk/*` left external resolves from `test/node_modules`.
const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', 'cold-start');

const VARIANTS: readonly Variant[] = [
  { name: 'bundled', label: 'SDK bundled, tree-shaken (as configured)', options: {} },
  {
    name: 'sdk-external',
    label: "SDK external (runtime's copy, from node_modules)",
    options: { external: ['@aws-sdk/*'] },
  },
  {
    name: 'cjs-main-fields',
    label: 'SDK bundled, CommonJS main fields (reference)',
    options: { mainFields: ['main', 'module'] },
  },
  {
    name: 'part-zod',
    label: 'part: zod alone, as the core imports it',
    options: {},
    part: {
      contents: "import * as z from 'zod'; export const schema = z.object({ id: z.string() });",
      resolveDir: join(REPO, 'packages', 'remediation-core', 'src'),
    },
  },
  {
    name: 'part-sdk',
    label: 'part: the four SDK clients alone',
    options: {},
    part: {
      contents: [
        "import { EC2Client, DescribeSecurityGroupRulesCommand } from '@aws-sdk/client-ec2';",
        "import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';",
        "import { STSClient, AssumeRoleCommand } from '@aws-sdk/client-sts';",
        "import { OrganizationsClient, ListParentsCommand } from '@aws-sdk/client-organizations';",
        'export const clients = [new EC2Client({}), new SNSClient({}), new STSClient({}), new OrganizationsClient({})];',
        'export const commands = [DescribeSecurityGroupRulesCommand, PublishCommand, AssumeRoleCommand, ListParentsCommand];',
      ].join('\n'),
      resolveDir: join(REPO, 'packages', 'aws', 'src'),
    },
  },
];

/** What importing the handler needs at module load (it reads its settings then). */
const IMPORT_ENV = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  SG_GUARD_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111111111111:sg-guard-findings',
  SG_GUARD_ORG_READER_ROLE_ARN: 'arn:aws:iam::333333333333:role/sg-guard-org-reader',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

/** Builds one variant with the shared settings (plus the variant's change); returns its path. */
async function bundle(variant: Variant): Promise<string> {
  const outfile = join(OUT_DIR, variant.name, 'index.mjs');
  await rm(dirname(outfile), { recursive: true, force: true });
  await mkdir(dirname(outfile), { recursive: true });
  await build({
    ...(variant.part
      ? { stdin: { ...variant.part, loader: 'ts' as const } }
      : { entryPoints: [REMEDIATOR_BUNDLE.entry] }),
    ...remediatorBuildOptions(),
    outfile,
    logLevel: 'error',
    ...variant.options,
  });
  return outfile;
}

/** Wall time of one fresh `node` process running `args`, in milliseconds. */
function processMs(args: readonly string[]): number {
  const start = nowMs();
  const result = spawnSync(process.execPath, [...args], {
    env: { ...process.env, ...IMPORT_ENV, NODE_OPTIONS: '' },
    encoding: 'utf8',
  });
  const ms = nowMs() - start;
  if (result.status !== 0) {
    throw new Error(`node ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  }
  return ms;
}

const importArgs = (file: string) => [
  '--input-type=module',
  '-e',
  `await import(${JSON.stringify(pathToFileURL(file).href)});`,
];

/**
 * Builds every variant, then samples `node -e 0` and each import in rotation (so drift in the
 * machine's load hits all alike), and reports medians.
 */
export async function benchColdStart(options: ColdStartOptions = {}): Promise<BenchOutcome> {
  const samples = options.samples ?? 21;
  const files = new Map<VariantName, string>();
  const sizes = new Map<VariantName, number>();
  for (const variant of VARIANTS) {
    const file = await bundle(variant);
    files.set(variant.name, file);
    sizes.set(variant.name, (await stat(file)).size);
  }
  // Untimed first runs: the OS file cache, not the import, would otherwise dominate them.
  processMs(['-e', '0']);
  for (const file of files.values()) processMs(importArgs(file));

  const emptyMs: number[] = [];
  const importMs = new Map<VariantName, number[]>(VARIANTS.map((v) => [v.name, []]));
  for (let round = 0; round < samples; round += 1) {
    const order = [...VARIANTS.keys()].map((i) => (i + round) % VARIANTS.length);
    emptyMs.push(processMs(['-e', '0']));
    for (const index of order) {
      const variant = VARIANTS[index] as Variant;
      importMs.get(variant.name)?.push(processMs(importArgs(files.get(variant.name) as string)));
    }
  }

  const empty = median(emptyMs);
  const overhead = (name: VariantName) => median(importMs.get(name) ?? []) - empty;
  const configured = REMEDIATOR_BUNDLE.external.length === 0 ? 'bundled' : 'sdk-external';
  const fastest = (['bundled', 'sdk-external'] as const).reduce((best, name) =>
    overhead(name) < overhead(best) ? name : best,
  );
  const rows: BenchRow[] = VARIANTS.map((variant) => {
    const ms = overhead(variant.name);
    const judged = variant.name === configured;
    return {
      metric: `cold start: import overhead, ${variant.label}`,
      value: `${formatMs(ms)} (${formatBytes(sizes.get(variant.name) ?? 0)})`,
      baseline: `node -e 0: ${formatMs(empty)}`,
      ratio: `${significant((empty + ms) / empty)}×`,
      target: judged ? `≤ ${TARGET_OVERHEAD_MS} ms` : '—',
      ...(judged ? { pass: ms <= TARGET_OVERHEAD_MS } : {}),
    };
  });
  const figures: Record<string, number> = { coldStartNodeEmptyMs: empty };
  for (const variant of VARIANTS) {
    figures[`coldStartOverheadMs_${variant.name}`] = overhead(variant.name);
    figures[`coldStartBytes_${variant.name}`] = sizes.get(variant.name) ?? 0;
  }
  return {
    rows,
    figures,
    notes: [
      `cold start: ${samples} fresh processes per variant, in rotation; ratio = import process / \`node -e 0\`. Configured: ${configured}; faster of the two ways to ship the SDK: ${fastest}${fastest === configured ? ' (kept)' : ' (REMEDIATOR_BUNDLE.external should change)'}.`,
    ],
  };
}
