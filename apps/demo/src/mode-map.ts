/**
 * The demo's mode map: what the mode publisher writes in the management account
 * (`modes/<accountId>.json` in its bucket), resolved from the organization's `sg-guard:mode`
 * tags with the same policy reader and written with the same `ModeMapWriter` the publisher uses,
 * so each member's remediator reads its own account's mode from S3, as deployed.
 */
import { createS3Client, ModeMapWriter } from '@sg-guard/aws';
import {
  EMULATOR_CREDENTIALS,
  type EmulatorCredentials,
  MANAGEMENT_ACCOUNT_ID,
} from '@sg-guard/emulator';
import type { AccountPolicyReader } from '@sg-guard/remediation-core';

/** The mode bucket, in the management account, in us-east-1 (where Organizations events arrive). */
export const DEMO_MODE_MAP = {
  bucket: `sg-guard-modes-${MANAGEMENT_ACCOUNT_ID}`,
  region: 'us-east-1',
} as const;

/** An S3 client on the emulator (path-style addressing: `<endpoint>/<bucket>`). */
export function demoS3(endpoint: string, credentials: EmulatorCredentials = EMULATOR_CREDENTIALS) {
  return createS3Client({
    endpoint,
    region: DEMO_MODE_MAP.region,
    credentials,
    forcePathStyle: true,
    maxAttempts: 2,
  });
}

/**
 * Creates the bucket and writes every account's object. moto takes an unsigned path-style
 * `PUT /<bucket>` as CreateBucket in its default account (the management account); the CLI has
 * no S3 dependency of its own for that one call.
 */
export async function publishDemoModeMap(
  endpoint: string,
  accountIds: readonly string[],
  policies: AccountPolicyReader,
  now: Date,
): Promise<void> {
  const created = await fetch(`${endpoint}/${DEMO_MODE_MAP.bucket}`, { method: 'PUT' });
  if (!created.ok) {
    throw new Error(`the emulator did not create the mode bucket: HTTP ${created.status}`);
  }
  const writer = new ModeMapWriter({ s3: demoS3(endpoint), bucket: DEMO_MODE_MAP.bucket });
  for (const accountId of accountIds) {
    await writer.publish(await policies.policyFor(accountId), now);
  }
}
