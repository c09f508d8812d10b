/** The environment of a remediator process in one member account (a Lambda's, on the emulator). */
import type { BenchAccount, RemediatorWorld } from './fixture.js';
import { BENCH_REGION, MODE_MAP } from './fixture.js';

/** Credentials, region, endpoint and the member stack's `SG_GUARD_*` settings. */
export function memberEnv(world: RemediatorWorld, account: BenchAccount): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: account.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: account.credentials.secretAccessKey,
    ...(account.credentials.sessionToken
      ? { AWS_SESSION_TOKEN: account.credentials.sessionToken }
      : {}),
    AWS_REGION: BENCH_REGION,
    AWS_DEFAULT_REGION: BENCH_REGION,
    AWS_ENDPOINT_URL: world.endpoint,
    SG_GUARD_TOPIC_ARN: world.topicArn,
    SG_GUARD_MODE_BUCKET: MODE_MAP.bucket,
    SG_GUARD_MODE_BUCKET_REGION: MODE_MAP.region,
    SG_GUARD_DEFAULT_MODE: 'enforce',
    SG_GUARD_STRATEGY: 'narrow',
    SG_GUARD_PORTS: '22',
  };
}
