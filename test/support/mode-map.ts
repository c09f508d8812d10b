import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { createS3Client } from '@sg-guard/aws';
import { EMULATOR_CREDENTIALS, MANAGEMENT_ACCOUNT_ID } from '@sg-guard/emulator';
// The test package does not depend on the app; its source is imported directly.
import { createHandler } from '../../apps/mode-publisher/src/app.js';

/** The mode map of every integration test: the publisher's bucket in the management account. */
export const MODE_MAP = {
  bucket: `sg-guard-modes-${MANAGEMENT_ACCOUNT_ID}`,
  region: 'us-east-1',
} as const;

/** Options of {@link publishModeMap}. */
export interface PublishModeMapOptions {
  /** The deployed default (the publisher's and the remediators' come from one config). */
  readonly defaultMode?: 'enforce' | 'notify' | 'off';
  /**
   * The entry of a bundled mode publisher (`buildLambdaBundle` of `MODE_PUBLISHER_BUNDLE`): the
   * pass runs in a fresh Node process with the function's environment instead of from source.
   */
  readonly bundleEntry?: string;
}

/**
 * Creates the mode map's bucket in the management account and runs the real mode publisher's
 * full pass over the emulator's organization, as its 5-minute schedule does in production.
 */
export async function publishModeMap(
  endpoint: string,
  options: PublishModeMapOptions = {},
): Promise<void> {
  const clientSettings = {
    endpoint,
    credentials: EMULATOR_CREDENTIALS,
    maxAttempts: 1,
    forcePathStyle: true,
  };
  const s3 = createS3Client({ ...clientSettings, region: MODE_MAP.region });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: MODE_MAP.bucket }));
  } catch (error) {
    // A second pass (another default) over the same emulator state.
    if ((error as { name?: string }).name !== 'BucketAlreadyOwnedByYou') throw error;
  }
  const event = {
    source: 'aws.events',
    'detail-type': 'Scheduled Event',
    id: 'integration-full-pass',
    account: MANAGEMENT_ACCOUNT_ID,
    time: new Date().toISOString(),
    region: MODE_MAP.region,
    resources: [],
    detail: {},
  };
  const defaultMode = options.defaultMode ?? 'enforce';
  const result = options.bundleEntry
    ? runBundledPublisher(options.bundleEntry, endpoint, defaultMode, event)
    : await createHandler(
        {
          region: MODE_MAP.region,
          bucket: MODE_MAP.bucket,
          bucketRegion: MODE_MAP.region,
          defaultMode,
          orgMaxAttempts: 1,
        },
        { clientSettings: { ...clientSettings, region: MODE_MAP.region } },
      )(event);
  if (result.outcome !== 'done')
    throw new Error('the mode publisher rejected its own schedule event');
}

/** One invocation of the bundled publisher in a fresh process, with a function's environment. */
function runBundledPublisher(
  entry: string,
  endpoint: string,
  defaultMode: string,
  event: Record<string, unknown>,
): { outcome: string } {
  const script = [
    `const { handler } = await import(${JSON.stringify(pathToFileURL(entry).href)});`,
    `process.stdout.write(JSON.stringify(await handler(${JSON.stringify(event)})));`,
  ].join('\n');
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      PATH: process.env.PATH,
      AWS_REGION: MODE_MAP.region,
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL: endpoint,
      SG_GUARD_MODE_BUCKET: MODE_MAP.bucket,
      SG_GUARD_DEFAULT_MODE: defaultMode,
      SG_GUARD_ORG_MAX_ATTEMPTS: '1',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (child.status !== 0 || child.stderr !== '') {
    throw new Error(`the bundled mode publisher failed (${child.status}): ${child.stderr}`);
  }
  return JSON.parse(child.stdout) as { outcome: string };
}

function managementS3(endpoint: string) {
  return createS3Client({
    endpoint,
    credentials: EMULATOR_CREDENTIALS,
    maxAttempts: 1,
    forcePathStyle: true,
    region: MODE_MAP.region,
  });
}

/** Removes one account's object, as for an account that joined after the last pass. */
export async function deleteModeObject(endpoint: string, accountId: string): Promise<void> {
  await managementS3(endpoint).send(
    new DeleteObjectCommand({ Bucket: MODE_MAP.bucket, Key: `modes/${accountId}.json` }),
  );
}

/** Removes the whole mode map, so every read of it fails. */
export async function deleteModeMap(endpoint: string): Promise<void> {
  const s3 = managementS3(endpoint);
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: MODE_MAP.bucket })) {
    for (const object of page.Contents ?? []) {
      await s3.send(new DeleteObjectCommand({ Bucket: MODE_MAP.bucket, Key: object.Key }));
    }
  }
  await s3.send(new DeleteBucketCommand({ Bucket: MODE_MAP.bucket }));
}
