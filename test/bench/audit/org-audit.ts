/**
 * Benchmark 3: org-wide audit. `sg-guard audit` (the CLI's program, in process) over an emulated
 * estate at the default concurrency and at concurrency 1, against the floor: the describe calls
 * alone (DescribeSecurityGroupRules + DescribeSecurityGroups, paginated, per account-region)
 * made one after another in the same run. Plus the calls per account-region.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type EC2Client,
  paginateDescribeSecurityGroupRules,
  paginateDescribeSecurityGroups,
} from '@aws-sdk/client-ec2';
import { createEc2Client } from '@sg-guard/aws';
import { EMULATOR_CREDENTIALS, type MotoServer } from '@sg-guard/emulator';
import { SIMULATED_LATENCY_MS, startCallCounter } from '../support/call-counter.js';
import { type BenchOutcome, infoRow } from '../support/report.js';
import { formatMs, median, significant, timed } from '../support/stats.js';
import { countAuditCalls } from './audit-calls.js';
import { checkReport, DEFAULT_CONCURRENCY, runAudit } from './cli-audit.js';
import { type AuditEstate, buildAuditEstate } from './estate.js';

/** Options of {@link benchOrgAudit}. */
export interface OrgAuditOptions {
  /** Timed rounds of the three sides (floor, concurrency 1, default). @default 7 */
  readonly repetitions?: number;
}

const TARGET_OVERHEAD = 0.15;

async function describeRegion(ec2: EC2Client): Promise<number> {
  let items = 0;
  for await (const page of paginateDescribeSecurityGroupRules(
    { client: ec2, pageSize: 1000 },
    { MaxResults: 1000 },
  )) {
    items += page.SecurityGroupRules?.length ?? 0;
  }
  for await (const page of paginateDescribeSecurityGroups(
    { client: ec2, pageSize: 1000 },
    { MaxResults: 1000 },
  )) {
    items += page.SecurityGroups?.length ?? 0;
  }
  return items;
}

/** The floor: both paginated describes of every account-region, one after another. */
function floorClients(endpoint: string, estate: AuditEstate): EC2Client[] {
  return estate.accounts.flatMap((account) =>
    estate.regions.map((region) =>
      createEc2Client({ region, endpoint, credentials: account.credentials }),
    ),
  );
}

async function runFloor(clients: readonly EC2Client[]): Promise<void> {
  for (const ec2 of clients) await describeRegion(ec2);
}

/** Sets (or, for `undefined`, removes) environment variables; returns how to put them back. */
function useEnv(values: Readonly<Record<string, string | undefined>>): () => void {
  const before = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  const apply = (entries: Readonly<Record<string, string | undefined>>) => {
    for (const [name, value] of Object.entries(entries)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(values);
  return () => apply(before);
}

/** Medians of one measurement, and the median of the per-round ratios audit ÷ floor. */
interface AuditMedians {
  readonly floor: number;
  readonly sequential: number;
  readonly parallel: number;
  /** Per round, concurrency 1 ÷ floor (run next to each other, so drift cancels); median. */
  readonly pairedRatio: number;
  /** Every sample, in milliseconds, by side. */
  readonly samples: Readonly<Record<'floor' | 'sequential' | 'default', readonly number[]>>;
}

/**
 * Times floor, concurrency 1 and the default against `endpoint`, interleaved with their order
 * rotating; every audit's report is checked against the estate.
 */
async function measureAudit(
  endpoint: string,
  estate: AuditEstate,
  directory: string,
  rounds: number,
): Promise<AuditMedians> {
  const clients = floorClients(endpoint, estate);
  // Untimed: connections, and moto's first describe of each region.
  await runFloor(clients);
  checkReport(await runAudit(endpoint, estate, undefined, directory), estate);
  const sides = {
    floor: () => runFloor(clients),
    sequential: async () => checkReport(await runAudit(endpoint, estate, 1, directory), estate),
    default: async () =>
      checkReport(await runAudit(endpoint, estate, undefined, directory), estate),
  };
  const samples = { floor: [] as number[], sequential: [] as number[], default: [] as number[] };
  const names = Object.keys(sides) as (keyof typeof sides)[];
  for (let round = 0; round < rounds; round += 1) {
    for (let i = 0; i < names.length; i += 1) {
      const name = names[(i + round) % names.length] as keyof typeof sides;
      samples[name].push((await timed(sides[name])).ms);
    }
  }
  return {
    floor: median(samples.floor),
    sequential: median(samples.sequential),
    parallel: median(samples.default),
    pairedRatio: median(
      samples.sequential.map((ms, round) => ms / (samples.floor[round] as number)),
    ),
    samples,
  };
}

const percent = (ratio: number) => {
  const change = ratio - 1;
  return `${change < 0 ? '−' : '+'}${significant(Math.abs(change) * 100, 2)} %`;
};

/**
 * Builds the estate, then measures straight against the emulator (the judged figure) and again
 * through a proxy adding {@link SIMULATED_LATENCY_MS} per call, where concurrency pays as it does
 * against AWS.
 */
export async function benchOrgAudit(
  moto: MotoServer,
  options: OrgAuditOptions = {},
): Promise<BenchOutcome> {
  const repetitions = options.repetitions ?? 7;
  await moto.reset();
  const setup = await timed(() => buildAuditEstate(moto.endpoint));
  const estate = setup.result;
  const directory = await mkdtemp(join(tmpdir(), 'sg-guard-bench-'));
  // The CLI takes the caller's credentials from the SDK's chain: the management account.
  const restoreEnv = useEnv({
    AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
  });
  try {
    const direct = await measureAudit(moto.endpoint, estate, directory, repetitions);
    const proxy = await startCallCounter(moto.endpoint, { latencyMs: SIMULATED_LATENCY_MS });
    let slow: AuditMedians;
    try {
      slow = await measureAudit(proxy.endpoint, estate, directory, 2);
    } finally {
      await proxy.stop();
    }
    const accountRegions = estate.accounts.length * estate.regions.length;
    const counts = await countAuditCalls(moto.endpoint, estate, directory);
    return {
      rows: [
        {
          metric: 'audit, concurrency 1 vs floor (sequential describes)',
          value: formatMs(direct.sequential),
          baseline: formatMs(direct.floor),
          ratio: percent(direct.pairedRatio),
          target: `≤ +${TARGET_OVERHEAD * 100} %`,
          pass: direct.pairedRatio - 1 <= TARGET_OVERHEAD,
        },
        infoRow(
          `audit, default concurrency (${DEFAULT_CONCURRENCY}) vs concurrency 1`,
          formatMs(direct.parallel),
          formatMs(direct.sequential),
          `${significant(direct.parallel / direct.sequential)}×`,
        ),
        infoRow(
          `audit, +${SIMULATED_LATENCY_MS} ms per call, concurrency 1 vs floor`,
          formatMs(slow.sequential),
          formatMs(slow.floor),
          percent(slow.pairedRatio),
        ),
        infoRow(
          `audit, +${SIMULATED_LATENCY_MS} ms per call, default concurrency vs concurrency 1`,
          formatMs(slow.parallel),
          formatMs(slow.sequential),
          `${significant(slow.parallel / slow.sequential)}×`,
        ),
        ...counts.rows,
        infoRow(
          'audit: estate',
          `${estate.accounts.length} accounts × ${estate.regions.length} regions × ${estate.groups / accountRegions} groups, ${estate.rules} rules, ${estate.exposedGroups} exposed`,
        ),
      ],
      figures: {
        auditFloorMs: direct.floor,
        auditSequentialMs: direct.sequential,
        auditDefaultMs: direct.parallel,
        auditOverheadRatio: direct.pairedRatio,
        auditLatencyFloorMs: slow.floor,
        auditLatencySequentialMs: slow.sequential,
        auditLatencyDefaultMs: slow.parallel,
        auditDefaultConcurrency: DEFAULT_CONCURRENCY,
        auditAccountRegions: accountRegions,
        auditAccounts: estate.accounts.length,
        auditRules: estate.rules,
        auditSetupMs: setup.ms,
        ...counts.figures,
      },
      samples: {
        auditFloorMs: direct.samples.floor,
        auditSequentialMs: direct.samples.sequential,
        auditDefaultMs: direct.samples.default,
      },
      notes: [
        `audit: ${repetitions} rounds of the three sides against the emulator (2 with the added latency), order rotating; the overhead is the median of each round's ratio, so drift in the machine's load cancels; estate built in ${formatMs(setup.ms)} (not measured). moto answers every describe in one page (it ignores MaxResults), and its Python server holds a global interpreter lock, so concurrency gains less there than against AWS.`,
        ...counts.notes,
      ],
    };
  } finally {
    restoreEnv();
    await rm(directory, { recursive: true, force: true });
  }
}
