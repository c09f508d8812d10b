/**
 * The artefacts, not the sources: the mode publisher and the remediator bundled exactly as their
 * stacks bundle them (`buildLambdaBundle`: ES module chunks, the SDK's schemas tree-shaken) run
 * in fresh Node processes with their Lambda environments; the publisher writes the mode map and
 * the remediator remediates, loading the adapters it defers on first use. What a cold start
 * reads holds no client but EC2's, no Powertools and only the EC2 shapes its commands use, so a
 * static import that undoes the deferral, or a bundle that keeps every shape, fails here, not
 * only in the benchmark.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeInboundRules, openSsh } from '@sg-guard/emulator';
import { REMEDIATOR_BUNDLE } from '@sg-guard/remediator/bundle-settings';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
// The test package does not depend on the mode publisher; its settings are imported directly.
import { MODE_PUBLISHER_BUNDLE } from '../../../apps/mode-publisher/scripts/bundle-settings.js';
import { type BuiltBundle, buildLambdaBundle } from '../../../scripts/lambda-bundle.js';
import { publishModeMap } from '../../support/mode-map.js';
import { readNotices } from '../../support/notices.js';
import { lambdaContextFor, lambdaEnvironment } from '../../support/remediator.js';
import { buildWorld, type World } from '../../support/world.js';

/** Each client's schema namespace: present in its code, and nowhere else. */
const CLIENT_MARKERS = {
  ec2: 'com.amazonaws.ec2',
  dynamodb: 'com.amazonaws.dynamodb',
  sns: 'com.amazonaws.sns',
  s3: 'com.amazonaws.s3',
  sts: 'com.amazonaws.sts',
  securityHub: 'com.amazonaws.securityhub',
} as const;

/** Libraries the first invocation imports while its describe is in flight: names in their code. */
const DEFERRED_LIBRARY_MARKERS = {
  powertoolsLogger: 'POWERTOOLS_LOG_LEVEL',
  powertoolsMetrics: 'POWERTOOLS_METRICS_NAMESPACE',
} as const;

/** EC2 shapes in the schemas of the commands the remediator sends, and one no command uses. */
const EC2_SHAPES = {
  used: 'DescribeSecurityGroupRulesRequest',
  unused: 'AcceptAddressTransferRequest',
} as const;

let outdir: string;
let bundle: BuiltBundle;
let publisherOutdir: string;
let publisherBundle: BuiltBundle;
beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'sg-guard-remediator-bundle-'));
  bundle = buildLambdaBundle(REMEDIATOR_BUNDLE, outdir);
  publisherOutdir = mkdtempSync(join(tmpdir(), 'sg-guard-mode-publisher-bundle-'));
  publisherBundle = buildLambdaBundle(MODE_PUBLISHER_BUNDLE, publisherOutdir);
});
afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
  rmSync(publisherOutdir, { recursive: true, force: true });
});

let world: World;
beforeEach(async () => {
  world = await buildWorld();
});

describe('the deployed remediator bundle', () => {
  it('remediates in a fresh process: mode map, describes, ledger, revoke, publish, close', async () => {
    // Prepare: the bundled publisher writes the mode map
    await publishModeMap(world.endpoint, { bundleEntry: publisherBundle.entryFile });
    const deployment = { account: 'enforced' } as const;
    const opened = await openSsh(world.account('enforced').ec2(), 'tcp-all-ports-world');
    const environment = await lambdaEnvironment(world, deployment);
    const { getRemainingTimeInMillis: _, ...context } = lambdaContextFor(world, deployment);
    const script = [
      `const { handler } = await import(${JSON.stringify(pathToFileURL(bundle.entryFile).href)});`,
      `const context = { ...${JSON.stringify(context)}, getRemainingTimeInMillis: () => 30000 };`,
      `const summary = await handler({ groupId: ${JSON.stringify(opened.groupId)} }, context);`,
      'process.stdout.write(JSON.stringify(summary));',
    ].join('\n');

    // Act
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        PATH: process.env.PATH,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...Object.fromEntries(
          Object.entries(environment).filter((entry): entry is [string, string] => !!entry[1]),
        ),
      },
      encoding: 'utf8',
      timeout: 60_000,
    });

    // Assess
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const summary = JSON.parse(child.stdout) as { outcomes: { outcome: string }[] };
    expect(summary.outcomes.map((outcome) => outcome.outcome)).toEqual(['remediated']);
    expect(await describeInboundRules(world.account('enforced').ec2(), opened.groupId)).toEqual(
      opened.expectedAfter('narrow'),
    );
    const notices = await readNotices(world);
    expect(notices.map((notice) => notice.record?.groupId)).toEqual([opened.groupId]);
  });

  it('loads only the EC2 client at cold start; the other clients and Powertools are chunks read on first use', () => {
    // Prepare
    const atLoad = bundle.loadFiles.map((file) => readFileSync(file, 'utf8')).join('\n');
    const entry = readFileSync(bundle.entryFile, 'utf8');
    const packaged = readdirSync(outdir, { recursive: true, withFileTypes: true })
      .filter((file) => file.isFile())
      .map((file) => readFileSync(join(file.parentPath, file.name), 'utf8'))
      .join('\n');

    // Assess: what a cold start reads
    expect(atLoad).toContain(CLIENT_MARKERS.ec2);
    for (const marker of Object.values(CLIENT_MARKERS).filter((m) => m !== CLIENT_MARKERS.ec2)) {
      expect(atLoad, `${marker} is read at cold start`).not.toContain(marker);
      expect(packaged, `${marker} is not in the package`).toContain(marker);
    }
    for (const marker of Object.values(DEFERRED_LIBRARY_MARKERS)) {
      expect(atLoad, `${marker} is read at cold start`).not.toContain(marker);
      expect(packaged, `${marker} is not in the package`).toContain(marker);
    }
    // Assess: behind dynamic imports of the entry
    expect(entry).toMatch(/import\("\.\/chunks\//);
    expect(bundle.totalBytes).toBeGreaterThan(bundle.loadBytes);
  });

  it('keeps only the SDK shapes its commands use (scripts/sdk-schema-keys.ts)', () => {
    // Prepare
    const atLoad = bundle.loadFiles.map((file) => readFileSync(file, 'utf8')).join('\n');

    // Assess: with every EC2 shape, a cold start read 861 kB; it reads 321 kB without them
    // (Booleans: a failed `toContain` would print the whole bundle.)
    expect(atLoad.includes(`"${EC2_SHAPES.used}"`), "its own commands' shapes").toBe(true);
    expect(atLoad.includes(`"${EC2_SHAPES.unused}"`), 'every EC2 shape is bundled').toBe(false);
    expect(bundle.loadBytes).toBeLessThan(450_000);
  });
});
