/**
 * The mode publisher at scale (issues 11 and 14): 1,000 accounts in nested OUs in moto, its full
 * pass (the 5-minute schedule's) run by the real handler, against the floor: the Organizations
 * listing calls alone (ListRoots; per parent ListOrganizationalUnitsForParent and
 * ListAccountsForParent; ListTagsForResource per root, OU and account, since the tags are the
 * modes), made directly with the publisher's own client and concurrency (4). AWS calls are
 * counted by a proxy in front of moto.
 */
import {
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { createLimiter, createPublisherOrganizationsClient } from '@sg-guard/aws';
import {
  createOrganizationEstate,
  EMULATOR_CREDENTIALS,
  type MemberAccountSpec,
  type MotoServer,
  type OrganizationalUnitSpec,
} from '@sg-guard/emulator';
import { createHandler } from '../../../apps/mode-publisher/src/app.js';
import { MODE_MAP } from '../../support/mode-map.js';
import { countByName, describeCounts, startCallCounter } from '../support/call-counter.js';
import type { BenchOutcome, BenchRow } from '../support/report.js';
import { formatMs, median, timed } from '../support/stats.js';

const TARGET_RATIO = 1.3;

/** Options of {@link benchPublisherScale}. */
export interface PublisherScaleOptions {
  /** @default 1000 */
  readonly accounts?: number;
  /** Rounds of the steady pass and the floor, in rotation. @default 3 */
  readonly rounds?: number;
}

/** 5 top OUs (one tagged) × 3 children (one tagged) × 2 grandchildren; accounts spread over all. */
function organizationSpec(accounts: number) {
  const units: OrganizationalUnitSpec[] = [];
  for (let t = 0; t < 5; t += 1) {
    units.push({ name: `top-${t}`, ...(t === 1 ? { mode: 'notify' } : {}) });
    for (let c = 0; c < 3; c += 1) {
      units.push({
        name: `top-${t}-${c}`,
        parent: `top-${t}`,
        ...(c === 2 ? { mode: 'off' } : {}),
      });
      for (let g = 0; g < 2; g += 1)
        units.push({ name: `top-${t}-${c}-${g}`, parent: `top-${t}-${c}` });
    }
  }
  const members: MemberAccountSpec[] = [];
  for (let i = 0; i < accounts; i += 1) {
    const unit = units[i % units.length] as OrganizationalUnitSpec;
    members.push({
      name: `acct-${i}`,
      ou: unit.name,
      ...(i % 10 === 0 ? { mode: 'enforce' } : {}),
    });
  }
  return { organizationalUnits: units, accounts: members };
}

/**
 * The floor: every listing and tag read the modes need, nothing else, at most 4 in flight through
 * the publisher's own limiter; a parent's tags and both its listings at once. The accounts found.
 */
async function listingFloor(organizations: OrganizationsClient): Promise<number> {
  const limit = createLimiter(4);
  const pages = async <T>(call: (token?: string) => Promise<{ NextToken?: string } & T>) => {
    const out: T[] = [];
    let token: string | undefined;
    do {
      const page = await limit(() => call(token));
      out.push(page);
      token = page.NextToken;
    } while (token);
    return out;
  };
  const tags = (id: string) =>
    pages((NextToken) =>
      organizations.send(new ListTagsForResourceCommand({ ResourceId: id, NextToken })),
    );
  const root = (await limit(() => organizations.send(new ListRootsCommand({})))).Roots?.[0]
    ?.Id as string;
  const walk = async (parentId: string): Promise<number> => {
    const [units, accounts] = await Promise.all([
      pages((NextToken) =>
        organizations.send(
          new ListOrganizationalUnitsForParentCommand({ ParentId: parentId, NextToken }),
        ),
      ),
      pages((NextToken) =>
        organizations.send(new ListAccountsForParentCommand({ ParentId: parentId, NextToken })),
      ),
      tags(parentId),
    ]);
    const accountIds = accounts.flatMap((page) => page.Accounts ?? []).map((a) => a.Id as string);
    await Promise.all(accountIds.map((id) => tags(id)));
    const nested = await Promise.all(
      units
        .flatMap((page) => page.OrganizationalUnits ?? [])
        .map((unit) => walk(unit.Id as string)),
    );
    return accountIds.length + nested.reduce((sum, n) => sum + n, 0);
  };
  return walk(root);
}

/** Builds the organization, then times the publisher's full pass against the listing floor. */
export async function benchPublisherScale(
  moto: MotoServer,
  options: PublisherScaleOptions = {},
): Promise<BenchOutcome> {
  const accounts = options.accounts ?? 1000;
  const rounds = options.rounds ?? 3;
  await moto.reset();
  await createOrganizationEstate(moto.endpoint, organizationSpec(accounts));
  const counter = await startCallCounter(moto.endpoint);
  try {
    const clientSettings = {
      endpoint: counter.endpoint,
      credentials: EMULATOR_CREDENTIALS,
      forcePathStyle: true,
      region: MODE_MAP.region,
    };
    const container = () =>
      createHandler(
        {
          region: MODE_MAP.region,
          bucket: MODE_MAP.bucket,
          bucketRegion: MODE_MAP.region,
          defaultMode: 'enforce',
          orgMaxAttempts: 3,
        },
        { clientSettings },
      );
    const event = {
      source: 'aws.events',
      'detail-type': 'Scheduled Event',
      id: 'bench-full-pass',
      time: new Date().toISOString(),
      region: MODE_MAP.region,
      resources: [],
      detail: {},
    };
    const pass = async (handler: ReturnType<typeof createHandler>) => {
      counter.reset();
      const { ms, result } = await timed(() => handler(event));
      if (result.outcome !== 'done') throw new Error('the publisher rejected its schedule event');
      return { ms, calls: countByName(counter.calls()), summary: result.summary };
    };
    const floorClient = createPublisherOrganizationsClient({
      endpoint: counter.endpoint,
      credentials: EMULATOR_CREDENTIALS,
      maxAttempts: 3,
    });
    const floor = async () => {
      counter.reset();
      const { ms, result } = await timed(() => listingFloor(floorClient));
      // The management account sits under the root too.
      if (result !== accounts + 1)
        throw new Error(`the floor found ${result} accounts, ${accounts} + 1 made`);
      return { ms, calls: countByName(counter.calls()) };
    };
    await publishEmptyBucket(moto.endpoint);
    const warm = container();
    const first = await pass(warm);
    const freshContainer = await pass(container());
    const steady: number[] = [];
    const floors: number[] = [];
    let steadyCalls: Record<string, number> = {};
    let floorCalls: Record<string, number> = {};
    for (let round = 0; round < rounds; round += 1) {
      const order = round % 2 === 0 ? ['pass', 'floor'] : ['floor', 'pass'];
      for (const side of order) {
        if (side === 'pass') {
          const result = await pass(warm);
          steady.push(result.ms);
          steadyCalls = result.calls;
        } else {
          const result = await floor();
          floors.push(result.ms);
          floorCalls = result.calls;
        }
      }
    }
    const floorMs = median(floors);
    const steadyMs = median(steady);
    const total = (calls: Record<string, number>) =>
      Object.values(calls).reduce((s, n) => s + n, 0);
    const ratio = steadyMs / floorMs;
    const rows: BenchRow[] = [
      {
        metric: `mode publisher, ${accounts} accounts in nested OUs: full pass, warm container, map up to date`,
        value: `${formatMs(steadyMs)}, ${total(steadyCalls)} calls`,
        baseline: `listing floor: ${formatMs(floorMs)}, ${total(floorCalls)} calls`,
        ratio: `${ratio.toFixed(2)}×`,
        target: `≤ ${TARGET_RATIO}×`,
        pass: ratio <= TARGET_RATIO,
      },
      {
        metric: `mode publisher, ${accounts} accounts: first full pass (every object written)`,
        value: `${formatMs(first.ms)}, ${total(first.calls)} calls`,
        baseline: `listing floor: ${formatMs(floorMs)}`,
        ratio: `${(first.ms / floorMs).toFixed(2)}×`,
        target: '—',
      },
      {
        metric: `mode publisher, ${accounts} accounts: full pass, fresh container, map up to date`,
        value: `${formatMs(freshContainer.ms)}, ${total(freshContainer.calls)} calls`,
        baseline: `listing floor: ${formatMs(floorMs)}`,
        ratio: `${(freshContainer.ms / floorMs).toFixed(2)}×`,
        target: '—',
      },
    ];
    return {
      rows,
      figures: {
        publisherAccounts: accounts,
        publisherSteadyMs: steadyMs,
        publisherFloorMs: floorMs,
        publisherRatio: ratio,
        publisherFirstMs: first.ms,
        publisherFreshMs: freshContainer.ms,
        publisherSteadyCalls: total(steadyCalls),
        publisherFloorCalls: total(floorCalls),
        publisherFirstCalls: total(first.calls),
        publisherFreshCalls: total(freshContainer.calls),
      },
      samples: { publisherSteadyMs: steady, publisherFloorMs: floors },
      notes: [
        `publisher: ${accounts} accounts in 40 OUs three levels deep (tags on OUs at two levels and on one account in ten), the real handler's full pass (Scheduled Event), ${rounds} rounds against the floor in rotation, one container kept warm. Calls — first pass: ${describeCounts(first.calls)}; fresh container: ${describeCounts(freshContainer.calls)}; warm: ${describeCounts(steadyCalls)}; floor: ${describeCounts(floorCalls)}.`,
      ],
    };
  } finally {
    await counter.stop();
  }
}

/** The mode map's bucket, empty (the publisher's stack makes it; the first pass fills it). */
async function publishEmptyBucket(endpoint: string): Promise<void> {
  const { CreateBucketCommand } = await import('@aws-sdk/client-s3');
  const { createS3Client } = await import('@sg-guard/aws');
  const s3 = createS3Client({
    endpoint,
    credentials: EMULATOR_CREDENTIALS,
    region: MODE_MAP.region,
    forcePathStyle: true,
  });
  await s3.send(new CreateBucketCommand({ Bucket: MODE_MAP.bucket }));
}
