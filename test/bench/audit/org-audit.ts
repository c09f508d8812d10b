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
import { type BenchOutcome, infoRow } from '../support/report.js';
import { formatMs, median, significant, timed } from '../support/stats.js';
import { countAuditCalls } from './audit-calls.js';
import { checkReport, DEFAULT_CONCURRENCY, runAudit } from './cli-audit.js';
import { type AuditEstate, buildAuditEstate } from './estate.js';

/** Options of {@link benchOrgAudit}. */
export interface OrgAuditOptions {
  /** Timed runs of each side (floor, concurrency 1, default). @default 5 */
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

/** Builds the estate, then times floor, concurrency 1 and the default, interleaved. */
export async function benchOrgAudit(
  moto: MotoServer,
  options: OrgAuditOptions = {},
): Promise<BenchOutcome> {
  const repetitions = options.repetitions ?? 5;
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
    const clients = floorClients(moto.endpoint, estate);
    // Untimed: connections, and moto's first describe of each region.
    await runFloor(clients);
    checkReport(await runAudit(moto.endpoint, estate, undefined, directory), estate);

    const sides = {
      floor: () => runFloor(clients),
      sequential: async () =>
        checkReport(await runAudit(moto.endpoint, estate, 1, directory), estate),
      default: async () =>
        checkReport(await runAudit(moto.endpoint, estate, undefined, directory), estate),
    };
    const samples = { floor: [] as number[], sequential: [] as number[], default: [] as number[] };
    const names = Object.keys(sides) as (keyof typeof sides)[];
    for (let round = 0; round < repetitions; round += 1) {
      for (let i = 0; i < names.length; i += 1) {
        const name = names[(i + round) % names.length] as keyof typeof sides;
        samples[name].push((await timed(sides[name])).ms);
      }
    }
    const floor = median(samples.floor);
    const sequential = median(samples.sequential);
    const parallel = median(samples.default);
    const overhead = sequential / floor - 1;
    const accountRegions = estate.accounts.length * estate.regions.length;
    const counts = await countAuditCalls(moto.endpoint, estate, directory);
    return {
      rows: [
        {
          metric: 'audit, concurrency 1 vs floor (sequential describes)',
          value: formatMs(sequential),
          baseline: formatMs(floor),
          ratio: `${overhead < 0 ? '−' : '+'}${significant(Math.abs(overhead) * 100, 2)} %`,
          target: `≤ +${TARGET_OVERHEAD * 100} %`,
          pass: overhead <= TARGET_OVERHEAD,
        },
        infoRow(
          `audit, default concurrency (${DEFAULT_CONCURRENCY}) vs concurrency 1`,
          formatMs(parallel),
          formatMs(sequential),
          `${significant(parallel / sequential)}×`,
        ),
        ...counts.rows,
        infoRow(
          'audit: estate',
          `${estate.accounts.length} accounts × ${estate.regions.length} regions × ${estate.groups / accountRegions} groups, ${estate.rules} rules, ${estate.exposedGroups} exposed`,
        ),
      ],
      figures: {
        auditFloorMs: floor,
        auditSequentialMs: sequential,
        auditDefaultMs: parallel,
        auditDefaultConcurrency: DEFAULT_CONCURRENCY,
        auditAccountRegions: accountRegions,
        auditAccounts: estate.accounts.length,
        auditRules: estate.rules,
        auditSetupMs: setup.ms,
        ...counts.figures,
      },
      notes: [
        `audit: ${repetitions} runs of each side, interleaved; estate built in ${formatMs(setup.ms)} (not measured). moto answers every describe in one page (it ignores MaxResults), and its Python server holds a global interpreter lock, so concurrency gains less here than against AWS.`,
        ...counts.notes,
      ],
    };
  } finally {
    restoreEnv();
    await rm(directory, { recursive: true, force: true });
  }
}
