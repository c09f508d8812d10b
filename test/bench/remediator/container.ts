/**
 * The remediator as a Lambda container builds it: `createHandler` with the settings the member
 * stack deploys, read by the same `readSettings` as `handler.ts`, and the emulator's endpoint
 * and the member account's credentials in place of the Lambda's.
 */
import { LEDGER_TABLE, type Notice } from '@sg-guard/remediation-core';
import { createHandler, type RemediatorHandler } from '../../../apps/remediator/src/app.js';
import { readSettings } from '../../../apps/remediator/src/settings.js';
import {
  BENCH_REGION,
  type BenchAccount,
  lambdaContext,
  MODE_MAP,
  nonCompliantEvent,
  type RemediatorWorld,
} from './fixture.js';

/** The settings the member stack deploys, read the way `handler.ts` reads them. */
export function remediatorSettings(world: RemediatorWorld) {
  return readSettings({
    AWS_REGION: BENCH_REGION,
    SG_GUARD_TOPIC_ARN: world.topicArn,
    SG_GUARD_MODE_BUCKET: MODE_MAP.bucket,
    SG_GUARD_MODE_BUCKET_REGION: MODE_MAP.region,
    SG_GUARD_LEDGER_TABLE: LEDGER_TABLE.name,
    SG_GUARD_DEFAULT_MODE: 'enforce',
    SG_GUARD_STRATEGY: 'narrow',
    SG_GUARD_PORTS: '22',
  });
}

/** A handler as one container builds it, talking to `endpoint` as the member account. */
export function containerFor(
  world: RemediatorWorld,
  account: BenchAccount,
  endpoint = world.endpoint,
): RemediatorHandler {
  return createHandler(remediatorSettings(world), {
    clientSettings: { endpoint, credentials: account.credentials },
  });
}

let invocations = 0;

/** Invokes the handler on a group and checks that it remediated it. */
export async function remediate(
  handler: RemediatorHandler,
  account: BenchAccount,
  groupId: string,
): Promise<Notice> {
  invocations += 1;
  const summary = await handler(
    nonCompliantEvent(groupId, account.accountId),
    lambdaContext(account.accountId, invocations),
  );
  const outcome = summary.outcomes[0];
  if (summary.outcomes.length !== 1 || outcome?.outcome !== 'remediated' || !outcome.notice) {
    throw new Error(`the handler did not remediate ${groupId}: ${JSON.stringify(summary)}`);
  }
  return outcome.notice;
}
