import { createLedgerTable, type EmulatorCredentials } from '@sg-guard/emulator';
import { onTestFinished, vi } from 'vitest';
import { MODE_MAP } from './mode-map.js';
import { HOME_REGION, type TestAccountName, type World } from './world.js';

/** The remediator's settings as a test chooses them; each becomes one `SG_GUARD_*` variable. */
export interface RemediatorSettings {
  /** @default 'narrow' (unset) */
  readonly strategy?: 'narrow' | 'revoke';
  /** @default unset (the handler's default, enforce) */
  readonly defaultMode?: 'enforce' | 'notify' | 'off';
  /** @default unset (the handler's default, 22) */
  readonly ports?: string;
  /** @default unset (the handler's default, false) */
  readonly allowGroupExemptions?: boolean;
  /** `false` deploys without the mode map (every account gets the default mode). @default true */
  readonly modeMap?: boolean;
  /** `false` leaves the account-region without its ledger table. @default true */
  readonly ledger?: boolean;
  /** @default the world's central topic */
  readonly topicArn?: string;
}

/** Where the Lambda runs: which member account and region. */
export interface Deployment {
  readonly account: TestAccountName;
  /** @default HOME_REGION */
  readonly region?: string;
  readonly settings?: RemediatorSettings;
  /**
   * Where the handler's SDK clients send their calls (e.g. a fault proxy in front of the
   * emulator). @default the world's emulator
   */
  readonly endpoint?: string;
}

/** A cold-started remediator container; each `invoke` is one warm invocation. */
export interface Remediator {
  readonly accountId: string;
  readonly region: string;
  /**
   * One invocation; `delivery.awsRequestId` repeats a delivery's request id, as Lambda's async
   * retries of one event do.
   */
  invoke(event: unknown, delivery?: { readonly awsRequestId?: string }): Promise<unknown>;
}

type RemediatorModule = typeof import('@sg-guard/remediator');

/** The whole Lambda context, as the runtime passes it (the handler reads only some fields). */
export interface LambdaContext {
  readonly callbackWaitsForEmptyEventLoop: boolean;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  getRemainingTimeInMillis(): number;
}

let invocations = 0;

function lambdaContext(accountId: string, region: string): LambdaContext {
  invocations += 1;
  const functionName = 'sg-guard-remediator';
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: `00000000-0000-4000-8000-${String(invocations).padStart(12, '0')}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/27/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 30_000,
  };
}

/**
 * The environment a Lambda in the deployment's member account would see: the member's role
 * credentials, region, `AWS_ENDPOINT_URL` of the emulator and the `SG_GUARD_*` settings (unset
 * ones `undefined`). Creates the account-region's ledger table unless the settings say not to.
 */
export async function lambdaEnvironment(
  world: World,
  deployment: Deployment,
): Promise<Record<string, string | undefined>> {
  const account = world.account(deployment.account);
  const region = deployment.region ?? HOME_REGION;
  const settings = deployment.settings ?? {};
  if (settings.ledger !== false) await ensureLedgerTable(world, account.credentials, region);
  return {
    AWS_ACCESS_KEY_ID: account.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: account.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: account.credentials.sessionToken,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ENDPOINT_URL: deployment.endpoint ?? world.endpoint,
    AWS_LAMBDA_FUNCTION_NAME: 'sg-guard-remediator',
    AWS_PROFILE: undefined,
    SG_GUARD_TOPIC_ARN: settings.topicArn ?? world.inbox.topicArn,
    SG_GUARD_STRATEGY: settings.strategy,
    SG_GUARD_DEFAULT_MODE: settings.defaultMode,
    SG_GUARD_PORTS: settings.ports,
    SG_GUARD_ALLOW_GROUP_EXEMPTIONS:
      settings.allowGroupExemptions === undefined
        ? undefined
        : String(settings.allowGroupExemptions),
    SG_GUARD_MODE_BUCKET: settings.modeMap === false ? undefined : MODE_MAP.bucket,
    SG_GUARD_MODE_BUCKET_REGION: settings.modeMap === false ? undefined : MODE_MAP.region,
    // Quiet by default; set SG_GUARD_TEST_LOG_LEVEL=DEBUG to see the handler's decisions.
    POWERTOOLS_LOG_LEVEL: process.env.SG_GUARD_TEST_LOG_LEVEL ?? 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sg-guard',
    POWERTOOLS_SERVICE_NAME: 'sg-guard-remediator',
  };
}

/** A Lambda context for one invocation in the deployment's account-region. */
export function lambdaContextFor(world: World, deployment: Deployment): LambdaContext {
  return lambdaContext(
    world.account(deployment.account).accountId,
    deployment.region ?? HOME_REGION,
  );
}

/**
 * Deploys the real handler into a member account, in process: sets the
 * {@link lambdaEnvironment} a Lambda there would see, then imports `@sg-guard/remediator` afresh
 * so its cold start reads it. The environment stays stubbed until the test ends, because the
 * SDK resolves credentials on the first call, not at import. Call it inside a test (not a hook).
 */
export async function coldStart(world: World, deployment: Deployment): Promise<Remediator> {
  const account = world.account(deployment.account);
  const region = deployment.region ?? HOME_REGION;
  const environment = await lambdaEnvironment(world, deployment);
  for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
  onTestFinished(() => {
    vi.unstubAllEnvs();
  });
  vi.resetModules();
  const { handler }: RemediatorModule = await import('@sg-guard/remediator');
  return {
    accountId: account.accountId,
    region,
    invoke: (event, delivery) =>
      handler(event, { ...lambdaContext(account.accountId, region), ...delivery }),
  };
}

const ledgers = new WeakMap<World, Set<string>>();

/** The account-region's ledger table, as the member stack creates it (once per world). */
async function ensureLedgerTable(
  world: World,
  credentials: EmulatorCredentials,
  region: string,
): Promise<void> {
  const made = ledgers.get(world) ?? new Set<string>();
  ledgers.set(world, made);
  const key = `${credentials.accessKeyId}/${region}`;
  if (made.has(key)) return;
  await createLedgerTable(world.endpoint, { credentials, region });
  made.add(key);
}
