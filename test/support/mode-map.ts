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

/**
 * Creates the mode map's bucket in the management account and runs the real mode publisher's
 * full pass over the emulator's organization, as its 5-minute schedule does in production.
 * `defaultMode` is the deployed default (the publisher's and the remediators' come from one
 * config).
 */
export async function publishModeMap(
  endpoint: string,
  options: { readonly defaultMode?: 'enforce' | 'notify' | 'off' } = {},
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
  const publish = createHandler(
    {
      region: MODE_MAP.region,
      bucket: MODE_MAP.bucket,
      bucketRegion: MODE_MAP.region,
      defaultMode: options.defaultMode ?? 'enforce',
      orgMaxAttempts: 1,
    },
    { clientSettings: { ...clientSettings, region: MODE_MAP.region } },
  );
  const result = await publish({
    source: 'aws.events',
    'detail-type': 'Scheduled Event',
    id: 'integration-full-pass',
    time: new Date().toISOString(),
    region: MODE_MAP.region,
    resources: [],
    detail: {},
  });
  if (result.outcome !== 'done')
    throw new Error('the mode publisher rejected its own schedule event');
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
