/**
 * The artefact, not the sources: the remediator bundled exactly as the member stack bundles it
 * (`buildLambdaBundle`, ES module chunks) runs in a fresh Node process with a member account's
 * Lambda environment and remediates, loading the adapters it defers on first use; and what a
 * cold start reads holds no client but EC2's and no Powertools, so a static import that undoes
 * the deferral fails here, not only in the benchmark.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeInboundRules, openSsh } from '@sg-guard/emulator';
import { REMEDIATOR_BUNDLE } from '@sg-guard/remediator/bundle-settings';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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

let outdir: string;
let bundle: BuiltBundle;
beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'sg-guard-remediator-bundle-'));
  bundle = buildLambdaBundle(REMEDIATOR_BUNDLE, outdir);
});
afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

let world: World;
beforeEach(async () => {
  world = await buildWorld();
});

describe('the deployed remediator bundle', () => {
  it('remediates in a fresh process: mode map, describes, ledger, revoke, publish, close', async () => {
    // Prepare
    await publishModeMap(world.endpoint);
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
});
