/**
 * Wires the remediator once per container (clients, adapters, caches, telemetry) and returns the
 * Lambda handler: event → findings → `remediateFinding` each → logs and metrics.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import {
  assumeRoleCredentials,
  type ClientSettings,
  createEc2Client,
  createOrganizationsClient,
  createSnsClient,
  createStsClient,
  DefaultPolicyReader,
  Ec2SecurityGroupGateway,
  getCallerIdentity,
  OrganizationsPolicyReader,
  SnsNoticePublisher,
} from '@sg-guard/aws';
import {
  type AccountPolicyReader,
  type Finding,
  MalformedEventError,
  type ParsedEvent,
  parseEvent,
  RecentNotices,
  type RemediationDeps,
  type RemediationOutcome,
  remediateFinding,
  UnsupportedEventError,
} from '@sg-guard/remediation-core';
import type { Context } from 'aws-lambda';
import type { RemediatorSettings } from './settings.js';
import { createTelemetry } from './telemetry.js';

/** The SDK clients the remediator uses, one of each per container. */
export interface RemediatorClients {
  readonly ec2: ReturnType<typeof createEc2Client>;
  readonly sns: ReturnType<typeof createSnsClient>;
  readonly sts: ReturnType<typeof createStsClient>;
  /** Used only with an org reader role; it then signs with that role's credentials. */
  readonly organizations: ReturnType<typeof createOrganizationsClient>;
}

/** What tests (and the emulator demo) may replace; production passes nothing. */
export interface RemediatorOverrides {
  /** Endpoint, credentials and attempts for every client built here (the emulator's). */
  readonly clientSettings?: ClientSettings;
  /** Ready-made clients (e.g. mocked); the others are built from `clientSettings`. */
  readonly clients?: Partial<RemediatorClients>;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  readonly now?: () => Date;
  readonly newRecordId?: () => string;
  /** How long an account's mode is cached. @default 300_000 */
  readonly policyTtlMs?: number;
  readonly recentNotices?: RecentNotices;
}

/** What one invocation did (Lambda ignores it; tests and direct invocations read it). */
export interface InvocationSummary {
  /** Findings read from the event. */
  readonly findings: number;
  /** Parts skipped on purpose, events rejected, and findings for another account or region. */
  readonly ignored: number;
  readonly outcomes: readonly RemediationOutcome[];
}

/** The Lambda context fields the handler reads. */
export type InvocationContext = Partial<Pick<Context, 'invokedFunctionArn' | 'awsRequestId'>>;

/** The remediator's Lambda handler. */
export type RemediatorHandler = (
  event: unknown,
  context?: InvocationContext,
) => Promise<InvocationSummary>;

/** `123456789012` from `arn:aws:lambda:eu-west-1:123456789012:function:name`. */
function accountFromFunctionArn(arn: string | undefined): string | undefined {
  const account = arn?.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

function buildClients(settings: RemediatorSettings, overrides: RemediatorOverrides) {
  const shared: ClientSettings = { ...overrides.clientSettings, region: settings.region };
  const { region: _regional, ...global } = shared;
  const given = overrides.clients ?? {};
  const sts = given.sts ?? createStsClient(shared);
  const organizations = settings.orgReaderRoleArn
    ? (given.organizations ??
      createOrganizationsClient({
        ...global,
        credentials: assumeRoleCredentials({ sts, roleArn: settings.orgReaderRoleArn }),
      }))
    : undefined;
  return {
    ec2: given.ec2 ?? createEc2Client(shared),
    // The central topic may be in another region than the function.
    sns: given.sns ?? createSnsClient({ ...shared, region: settings.topicRegion }),
    sts,
    organizations,
  };
}

/**
 * Builds everything once (cold start) and returns the handler. The handler rejects events it
 * does not understand without throwing (logged with the event, metric `ignoredEvents`), runs
 * every finding for the function's own account and region through {@link remediateFinding}, and
 * throws at the end when any finding threw (throttling after retries, 5xx, a failed publish),
 * so Lambda retries the event and then sends it to the DLQ. The account comes from the Lambda
 * context's function ARN, else from one STS GetCallerIdentity per container.
 *
 * @example
 * export const handler = createHandler(readSettings(process.env));
 */
export function createHandler(
  settings: RemediatorSettings,
  overrides: RemediatorOverrides = {},
): RemediatorHandler {
  const clients = buildClients(settings, overrides);
  const policies: AccountPolicyReader = clients.organizations
    ? new OrganizationsPolicyReader({
        organizations: clients.organizations,
        defaultMode: settings.defaultMode,
        ...(overrides.policyTtlMs !== undefined ? { ttlMs: overrides.policyTtlMs } : {}),
      })
    : new DefaultPolicyReader(settings.defaultMode);
  const deps: RemediationDeps = {
    groups: new Ec2SecurityGroupGateway({ ec2: clients.ec2 }),
    policies,
    notices: new SnsNoticePublisher({ sns: clients.sns, topicArn: settings.topicArn }),
  };
  const telemetry = createTelemetry({
    region: settings.region,
    ...(overrides.logger ? { logger: overrides.logger } : {}),
    ...(overrides.metrics ? { metrics: overrides.metrics } : {}),
  });
  const recentNotices = overrides.recentNotices ?? new RecentNotices();
  const now = overrides.now ?? (() => new Date());
  const newRecordId = overrides.newRecordId ?? randomUUID;
  let ownAccount: string | undefined;

  const accountOf = async (context: InvocationContext | undefined): Promise<string> => {
    if (ownAccount === undefined) {
      ownAccount =
        accountFromFunctionArn(context?.invokedFunctionArn) ??
        (await getCallerIdentity(clients.sts)).accountId;
      telemetry.setAccount(ownAccount);
    }
    return ownAccount;
  };

  const handleFinding = async (finding: Finding, accountId: string) => {
    const foreign =
      finding.accountId !== undefined && finding.accountId !== accountId
        ? `the finding is for account ${finding.accountId}; this function acts only in ${accountId}`
        : finding.region !== undefined && finding.region !== settings.region
          ? `the finding is for region ${finding.region}; this function acts only in ${settings.region}`
          : undefined;
    if (foreign) {
      telemetry.foreignFinding(finding, foreign);
      return undefined;
    }
    const outcome = await remediateFinding(
      finding,
      deps,
      {
        ports: settings.ports,
        strategy: settings.strategy,
        allowGroupExemptions: settings.allowGroupExemptions,
      },
      { accountId, region: settings.region, now, newRecordId, recentNotices },
    );
    telemetry.decision(finding, outcome);
    return outcome;
  };

  return async (event, context) => {
    // A real Lambda context adds request id, function name and cold start to every line.
    if (context && 'functionName' in context) telemetry.logger.addContext(context as Context);
    try {
      let parsed: ParsedEvent;
      try {
        parsed = parseEvent(event);
      } catch (error) {
        if (!(error instanceof MalformedEventError || error instanceof UnsupportedEventError)) {
          throw error;
        }
        telemetry.rejectedEvent(event, error);
        return { findings: 0, ignored: 1, outcomes: [] };
      }
      for (const part of parsed.ignored) telemetry.ignoredPart(part);

      const outcomes: RemediationOutcome[] = [];
      const errors: unknown[] = [];
      const accountId = parsed.findings.length > 0 ? await accountOf(context) : undefined;
      for (const finding of parsed.findings) {
        telemetry.count('findings');
        try {
          const outcome = await handleFinding(finding, accountId as string);
          if (outcome) outcomes.push(outcome);
        } catch (error) {
          // Keep going: one failing finding must not starve the others of the same event.
          telemetry.findingFailed(finding, error);
          errors.push(error);
        }
      }
      if (errors.length === 1) throw errors[0];
      if (errors.length > 1) {
        throw new AggregateError(errors, `${errors.length} findings of this event failed`);
      }
      return {
        findings: parsed.findings.length,
        ignored: parsed.ignored.length + parsed.findings.length - outcomes.length,
        outcomes,
      };
    } finally {
      telemetry.flush();
    }
  };
}
