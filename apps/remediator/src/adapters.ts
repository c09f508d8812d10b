/**
 * The remediator's adapters, built once per container. Only EC2's client is built at load: the
 * first describe needs it at once. The others (and their SDK clients, most of the bundle's load
 * time) are imported on first use, from four modules (`mode-map-use.ts`, `first-use.ts`,
 * `security-hub-use.ts`, `sts-use.ts`: one deferred chunk each), once the {@link LoadGate} is
 * open; `preload` starts that without waiting, the mode map first, so it overlaps the calls in
 * flight.
 */
// Subpath imports, not the package's index: the bundle's entry then reaches no adapter that
// is loaded on first use (esbuild would put one reached both ways in the entry's chunks).
import type {
  ClientSettings,
  createDynamoDbClient,
  createS3Client,
  createSecurityHubClient,
  createSnsClient,
  createStsClient,
} from '@sg-guard/aws';
import { createEc2Client } from '@sg-guard/aws/clients/ec2';
import { DefaultPolicyReader } from '@sg-guard/aws/default-policy';
import { Ec2SecurityGroupGateway } from '@sg-guard/aws/ec2-gateway';
import type {
  AccountPolicyReader,
  NoticePublisher,
  RemediationLedger,
  SecurityHubReporter,
} from '@sg-guard/remediation-core';
import { deferredPort } from './deferred.js';
import { LoadGate } from './load-gate.js';
import type { RemediatorSettings } from './settings.js';

/** The SDK clients the remediator uses, one of each per container. */
export interface RemediatorClients {
  readonly ec2: ReturnType<typeof createEc2Client>;
  readonly sns: ReturnType<typeof createSnsClient>;
  readonly sts: ReturnType<typeof createStsClient>;
  readonly dynamodb: ReturnType<typeof createDynamoDbClient>;
  /** Used only with a mode map. */
  readonly s3: ReturnType<typeof createS3Client>;
  /** Used only with Security Hub on. */
  readonly securityHub: ReturnType<typeof createSecurityHubClient>;
}

/** What tests (and the emulator demo) may replace in the adapters; production passes nothing. */
export interface AdapterOverrides {
  /** Endpoint, credentials and attempts for every client built here (the emulator's). */
  readonly clientSettings?: ClientSettings;
  /** Ready-made clients (e.g. mocked); the others are built from `clientSettings`. */
  readonly clients?: Partial<RemediatorClients>;
  /** How long an account's mode is cached. @default 300_000 */
  readonly policyTtlMs?: number;
}

/** Every method of the ledger port, for {@link deferredPort}. */
const LEDGER_METHODS: Record<keyof RemediationLedger, true> = {
  begin: true,
  takeOver: true,
  interrupt: true,
  markApplied: true,
  close: true,
  getEntry: true,
  listEntries: true,
  getHead: true,
  listUnfinished: true,
  countAttempt: true,
};

/**
 * Builds the EC2 client and gateway now, and the other ports as {@link deferredPort}s that load
 * once `gate` is open.
 *
 * @example
 * const adapters = buildAdapters(readSettings(process.env), {}, gate);
 * setImmediate(adapters.preload); // at an invocation's start
 */
export function buildAdapters(
  settings: RemediatorSettings,
  overrides: AdapterOverrides,
  gate: LoadGate = new LoadGate(),
) {
  const shared: ClientSettings = { ...overrides.clientSettings, region: settings.region };
  const given = overrides.clients ?? {};
  const ec2 = given.ec2 ?? createEc2Client(shared);
  const modeMap = settings.modeMap;
  const policies = modeMap
    ? deferredPort<AccountPolicyReader>({ policyFor: true }, () =>
        gate.after(async () => {
          const { ModeMapPolicyReader, createS3Client } = await import('./mode-map-use.js');
          return new ModeMapPolicyReader({
            s3: given.s3 ?? createS3Client({ ...shared, region: modeMap.region }),
            bucket: modeMap.bucket,
            defaultMode: settings.defaultMode,
            ...(overrides.policyTtlMs !== undefined ? { ttlMs: overrides.policyTtlMs } : {}),
          });
        }),
      )
    : undefined;
  /**
   * When everything but the mode map loads: after the gate and after the mode map's chunk, so a
   * cold container's GetObject goes out before the rest is compiled.
   */
  const afterModeMap = <T>(load: () => Promise<T>): Promise<T> =>
    gate.after(async () => {
      await policies?.preload();
      return load();
    });
  const ledger = deferredPort<RemediationLedger>(LEDGER_METHODS, () =>
    afterModeMap(async () => {
      const { DynamoDbLedger, createDynamoDbClient } = await import('./first-use.js');
      return new DynamoDbLedger({
        dynamodb: given.dynamodb ?? createDynamoDbClient(shared),
        tableName: settings.ledgerTable,
      });
    }),
  );
  const notices = deferredPort<NoticePublisher>({ publish: true }, () =>
    afterModeMap(async () => {
      const { SnsNoticePublisher, createSnsClient } = await import('./first-use.js');
      // The central topic may be in another region than the function.
      const sns = given.sns ?? createSnsClient({ ...shared, region: settings.topicRegion });
      return new SnsNoticePublisher({ sns, topicArn: settings.topicArn });
    }),
  );
  const securityHub = settings.securityHub
    ? deferredPort<SecurityHubReporter>({ report: true }, () =>
        afterModeMap(async () => {
          const { SecurityHubFindingsReporter, createSecurityHubClient } = await import(
            './security-hub-use.js'
          );
          return new SecurityHubFindingsReporter({
            securityHub: given.securityHub ?? createSecurityHubClient(shared),
          });
        }),
      )
    : undefined;
  /** The account, from STS: only when the Lambda context has no function ARN (tests). */
  const callerAccount = async (): Promise<string> => {
    const { getCallerIdentity, createStsClient } = await import('./sts-use.js');
    return (await getCallerIdentity(given.sts ?? createStsClient(shared))).accountId;
  };
  return {
    ec2,
    gateway: new Ec2SecurityGroupGateway({ ec2 }),
    ledger: ledger.port,
    notices: notices.port,
    policies: policies?.port ?? new DefaultPolicyReader(settings.defaultMode),
    securityHub: securityHub?.port,
    callerAccount,
    /** When Powertools may load: with the ledger and notices, after the mode map. */
    afterModeMap,
    /** Starts importing what a remediation needs after its describes (idempotent). */
    preload: () => {
      policies?.preload();
      ledger.preload();
      notices.preload();
      securityHub?.preload();
    },
  };
}
