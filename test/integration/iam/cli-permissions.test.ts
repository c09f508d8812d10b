/**
 * docs/cli.md's "IAM permissions" table, proven: each command runs in process against moto
 * through a recorder, and every call it made is evaluated with iam-simulate against a policy
 * built from the table (the caller's row for the management credentials, the every-account row
 * for the caller and for the role assumed in each member). Sufficient: every call is allowed.
 * Minimal: every listed action was called, and removing it refuses a call.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIo } from '@sg-guard/cli';
import { EMULATOR_CREDENTIALS, MANAGEMENT_ACCOUNT_ID } from '@sg-guard/emulator';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type IamRequest, iamRequestsOf, type Naming } from '../../support/iam/calls.js';
import {
  type CommandPermissions,
  documentedPermissions,
  policyOf,
} from '../../support/iam/cli-permissions.js';
import { decideAll, refusals, type SimulatedPrincipal } from '../../support/iam/evaluate.js';
import { type RequestRecorder, startRecorder } from '../../support/iam/recorder.js';
import type { PolicyDocument } from '../../support/iam/template.js';
import { motoEndpoint } from '../../support/world.js';
import { createLedger } from '../cli/ledger-support.js';
import { buildCliEstate, type CliEstate, REGIONS, sgGuard } from '../cli/support.js';

const ORGANIZATION_ID = 'o-cli0000000';
const CALLER_ROLE = `arn:aws:iam::${MANAGEMENT_ACCOUNT_ID}:role/SecurityEngineer`;
const MEMBER_ROLE = 'OrganizationAccountAccessRole';

let estate: CliEstate;
let recorder: RequestRecorder;
const records = join(tmpdir(), `sg-guard-iam-records-${process.pid}.jsonl`);
const groupsFile = join(tmpdir(), `sg-guard-iam-groups-${process.pid}.json`);
/** Access key → account, learnt from the caller's key and every AssumeRole answer. */
const keys = new Map<string, string>([[EMULATOR_CREDENTIALS.accessKeyId, MANAGEMENT_ACCOUNT_ID]]);
/** Each run's IAM requests, by command. */
const runs = new Map<string, IamRequest[]>();

beforeAll(async () => {
  estate = await buildCliEstate();
  // Every member account-region has its ledger, as the member stack deploys it.
  for (const credentials of Object.values(estate.credentials)) {
    for (const region of REGIONS)
      await createLedger({ endpoint: estate.organization.endpoint, credentials, region });
  }
  recorder = await startRecorder(motoEndpoint());
  await writeFile(
    groupsFile,
    JSON.stringify({
      SecurityGroups: [
        {
          GroupId: 'sg-0123456789abcdef0',
          GroupName: 'offline',
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          ],
        },
      ],
    }),
  );
}, 120_000);
afterAll(async () => {
  await recorder?.close();
  await rm(records, { force: true });
  await rm(groupsFile, { force: true });
});

const naming: Naming = {
  accountOf: (key) => {
    const account = keys.get(key);
    if (!account) throw new Error(`a call was signed by a key no AssumeRole issued: ${key}`);
    return account;
  },
  rename: (arn) => arn,
  topicKey: () => undefined,
  bucketOwner: () => MANAGEMENT_ACCOUNT_ID,
};

/** Runs one command through the recorder and keeps its calls as IAM requests. */
async function run(label: string, ...args: string[]) {
  recorder.clear();
  const result = await sgGuard(memoryIo(), ...args, '--endpoint-url', recorder.endpoint);
  const requests = recorder.requests();
  for (const request of requests) {
    const key = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(request.response ?? '')?.[1];
    const account = /<Arn>arn:aws:sts::(\d{12}):assumed-role\//.exec(request.response ?? '')?.[1];
    if (key && account) keys.set(key, account);
  }
  runs.set(
    label,
    requests.flatMap((request) => iamRequestsOf(request, naming)),
  );
  return result;
}

function principalOf(
  accessKeyId: string,
  permissions: CommandPermissions,
  drop?: string,
): SimulatedPrincipal {
  const keep = (actions: readonly string[]) => actions.filter((action) => action !== drop);
  const caller = accessKeyId === EMULATOR_CREDENTIALS.accessKeyId;
  const accountId = naming.accountOf(accessKeyId);
  const actions = caller
    ? [...keep(permissions.caller), ...keep(permissions.everyAccount)]
    : keep(permissions.everyAccount);
  return {
    roleArn: caller ? CALLER_ROLE : `arn:aws:iam::${accountId}:role/${MEMBER_ROLE}`,
    accountId,
    organizationId: ORGANIZATION_ID,
    identityPolicies: [{ name: 'documented', document: policyOf(actions) }],
  };
}

/**
 * The resource policies of this estate: OrganizationAccountAccessRole's trust policy, as
 * Organizations creates it in each member; and the `--topic-arn` topic's, which docs/cli.md says
 * must let the caller publish (the central findings topic's does not).
 */
const resourcePolicies = (arn: string): PolicyDocument | undefined =>
  arn === estate.inbox.topicArn
    ? {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: CALLER_ROLE },
            Action: 'sns:Publish',
            Resource: arn,
          },
        ],
      }
    : arn.endsWith(`:role/${MEMBER_ROLE}`)
      ? {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${MANAGEMENT_ACCOUNT_ID}:root` },
              Action: 'sts:AssumeRole',
            },
          ],
        }
      : undefined;

/**
 * The refusals of a run's calls under the documented policies. With `drop`, only the calls of
 * that action are evaluated (the others' decisions do not depend on it); identical requests are
 * evaluated once.
 */
async function refused(label: string, permissions: CommandPermissions, drop?: string) {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const request of runs.get(label) ?? []) {
    if (drop && request.action !== drop) continue;
    const key = JSON.stringify(request);
    if (seen.has(key)) continue;
    seen.add(key);
    const decisions = await decideAll(
      [request],
      principalOf(request.accessKeyId, permissions, drop),
      resourcePolicies,
    );
    lines.push(...refusals(decisions));
  }
  return lines;
}

/** Every documented action of the command refuses a call when removed. */
async function expectEachListedActionNeeded(labels: string[], permissions: CommandPermissions) {
  const unneeded: string[] = [];
  for (const action of new Set([...permissions.caller, ...permissions.everyAccount])) {
    let needed = false;
    for (const label of labels)
      if ((await refused(label, permissions, action)).length > 0) needed = true;
    if (!needed) unneeded.push(action);
  }
  expect(unneeded).toEqual([]);
}

const BOTH = REGIONS.join(',');

describe('the IAM permissions docs/cli.md lists', () => {
  const documented = documentedPermissions();
  const of = (command: string): CommandPermissions => {
    const found = documented[command];
    if (!found) throw new Error(`docs/cli.md lists no permissions for ${command}`);
    return found;
  };

  it('are enough for audit, and each is needed', async () => {
    const org = await run('audit --org', 'audit', '--org', '--regions', BOTH, '--json');
    const own = await run('audit', 'audit', '--json');

    expect([org.code, own.code]).toEqual([0, 0]);
    expect(await refused('audit --org', of('audit'))).toEqual([]);
    expect(await refused('audit', of('audit'))).toEqual([]);
    await expectEachListedActionNeeded(['audit --org', 'audit'], of('audit'));
  });

  it('are enough for fix (with the ledger and --topic-arn), and each is needed', async () => {
    const { code, stdout } = await run(
      'fix',
      'fix',
      '--org',
      '--regions',
      BOTH,
      '--default-mode',
      'enforce',
      '--yes',
      '--records',
      records,
      '--topic-arn',
      estate.inbox.topicArn,
      '--json',
    );

    expect(code).toBe(0);
    const { results } = JSON.parse(stdout) as { results: { ledger: string; outcome: string }[] };
    expect(results.filter((result) => result.ledger === 'table').length).toBeGreaterThan(0);
    expect(await refused('fix', of('fix'))).toEqual([]);
    await expectEachListedActionNeeded(['fix'], of('fix'));
  });

  it('are enough for undo of what fix did (from the file, and from the ledger), and each is needed', async () => {
    expect(runs.has('fix')).toBe(true);
    const remediated = (await readFile(records, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, string>)
      .find((record) => record.action === 'remediated');
    const { groupId, accountId, region } = remediated ?? {};
    const fromLedger = await run(
      'undo --from-ledger',
      'undo',
      '--from-ledger',
      '--group',
      groupId ?? '',
      '--account',
      accountId ?? '',
      '--region',
      region ?? '',
      '--dry-run',
      '--json',
    );
    const { code } = await run('undo', 'undo', '--records', records, '--yes', '--json');

    expect([fromLedger.code, code]).toEqual([0, 0]);
    expect(await refused('undo --from-ledger', of('undo'))).toEqual([]);
    expect(await refused('undo', of('undo'))).toEqual([]);
    await expectEachListedActionNeeded(['undo', 'undo --from-ledger'], of('undo'));
  });

  it('are none for explain, which calls nothing', async () => {
    // explain takes no --endpoint-url: any AWS call would reach the recorder through the SDK's.
    vi.stubEnv('AWS_ENDPOINT_URL', recorder.endpoint);
    recorder.clear();
    const { code } = await sgGuard(memoryIo(), 'explain', '--from-file', groupsFile, '--json');

    expect(code).toBe(0);
    expect(recorder.requests()).toEqual([]);
    expect(of('explain')).toEqual({ caller: [], everyAccount: [] });
  });
});
