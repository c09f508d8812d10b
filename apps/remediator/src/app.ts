/**
 * Wires the remediator once per container (adapters, caches, telemetry) and returns the
 * Lambda handler: event → findings → `remediateFinding` each (or the sweep) → logs and metrics.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { scanRegion } from '@sg-guard/aws/inventory';
import {
  ACCOUNT_ID_PATTERN,
  type Finding,
  MalformedEventError,
  NoticeNotPublishedError,
  type ParsedEvent,
  parseEvent,
  RecentNotices,
  type RemediationContext,
  type RemediationDeps,
  type RemediationOutcome,
  remediateFinding,
  UnsupportedEventError,
} from '@sg-guard/remediation-core';
import type { Context } from 'aws-lambda';
import { type AdapterOverrides, buildAdapters } from './adapters.js';
import { LoadGate } from './load-gate.js';
import type { RemediatorSettings } from './settings.js';
import { isScheduledEvent, runSweep, type SweepSummary } from './sweep.js';
import { createTelemetry, type RemediatorTelemetry } from './telemetry.js';

export type { AdapterOverrides, RemediatorClients } from './adapters.js';

/** What tests (and the emulator demo) may replace; production passes nothing. */
export interface RemediatorOverrides extends AdapterOverrides {
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  readonly now?: () => Date;
  readonly newRecordId?: () => string;
  readonly recentNotices?: RecentNotices;
  /** Waits between tries for a group another run holds (tests pass a quick one). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** How long a run owns a group. @default 120_000 (twice the function's timeout) */
  readonly leaseMs?: number;
}

/** What one invocation did (Lambda ignores it; tests and direct invocations read it). */
export interface InvocationSummary {
  /** Findings read from the event. */
  readonly findings: number;
  /** Parts skipped on purpose, events rejected, and findings for another account or region. */
  readonly ignored: number;
  readonly outcomes: readonly RemediationOutcome[];
  /** For a sweep: what it covered. */
  readonly sweep?: SweepSummary;
}

/** The Lambda context fields the handler reads. */
export type InvocationContext = Partial<
  Pick<Context, 'invokedFunctionArn' | 'awsRequestId' | 'getRemainingTimeInMillis'>
>;

/** The remediator's Lambda handler. */
export type RemediatorHandler = (
  event: unknown,
  context?: InvocationContext,
) => Promise<InvocationSummary>;

/** `123456789012` from `arn:aws:lambda:eu-west-1:123456789012:function:name`. */
function accountFromFunctionArn(arn: string | undefined): string | undefined {
  const account = arn?.split(':')[4];
  return account && ACCOUNT_ID_PATTERN.test(account) ? account : undefined;
}

/**
 * Builds everything once (cold start) and returns the handler. The handler rejects events it
 * does not understand without throwing (logged with the event, metric `ignoredEvents`), runs a
 * scheduled event as the sweep, runs every finding for the function's own account and region
 * through {@link remediateFinding}, and throws at the end when any finding threw (throttling
 * after retries, 5xx, a held lease, a failed publish), so Lambda retries the event and then
 * sends it to the DLQ. The account comes from the Lambda context's function ARN, else from one
 * STS GetCallerIdentity per container.
 *
 * @example
 * export const handler = createHandler(readSettings(process.env));
 */
export function createHandler(
  settings: RemediatorSettings,
  overrides: RemediatorOverrides = {},
): RemediatorHandler {
  // Shut at the first invocation, while its describes go out (with real clients only: a
  // mocked one sends no request, and the gate would just wait its fallback out).
  const gate = new LoadGate();
  const armGate = overrides.clients?.ec2 === undefined;
  const adapters = buildAdapters(settings, overrides, gate);
  const { gateway, securityHub } = adapters;
  const deps: RemediationDeps = {
    groups: gateway,
    policies: adapters.policies,
    notices: adapters.notices,
    ledger: adapters.ledger,
  };
  const telemetry = createTelemetry({
    region: settings.region,
    after: adapters.afterModeMap,
    ...(overrides.logger ? { logger: overrides.logger } : {}),
    ...(overrides.metrics ? { metrics: overrides.metrics } : {}),
  });
  const recentNotices = overrides.recentNotices ?? new RecentNotices();
  const now = overrides.now ?? (() => new Date());
  const newRecordId = overrides.newRecordId ?? randomUUID;
  const remediation = {
    ports: settings.ports,
    strategy: settings.strategy,
    allowGroupExemptions: settings.allowGroupExemptions,
  };
  let ownAccount: string | undefined;
  /** Findings of the current invocation for another account or region. */
  let foreignFindings = 0;

  const accountOf = async (context: InvocationContext | undefined): Promise<string> => {
    if (ownAccount === undefined) {
      ownAccount =
        accountFromFunctionArn(context?.invokedFunctionArn) ?? (await adapters.callerAccount());
      telemetry.setAccount(ownAccount);
    }
    return ownAccount;
  };

  const contextFor = (accountId: string, invocation?: InvocationContext): RemediationContext => ({
    accountId,
    region: settings.region,
    now,
    newRecordId,
    recentNotices,
    ...(overrides.sleep ? { sleep: overrides.sleep } : {}),
    ...(overrides.leaseMs !== undefined ? { leaseMs: overrides.leaseMs } : {}),
    ...(invocation?.awsRequestId ? { attemptKey: invocation.awsRequestId } : {}),
  });

  /** A copy for Security Hub; its failure is logged and counted, never thrown. */
  const report = async (outcome: RemediationOutcome) => {
    if (!securityHub) return;
    try {
      // Security Hub is opt-in: its findings' code loads only here, beside its client (a failed
      // load is a Security Hub failure like any other: logged and counted, the fix stands).
      const { securityHubFindingForOutcome } = await import('./security-hub-use.js');
      const finding = securityHubFindingForOutcome(outcome, { now: now() });
      if (finding) await securityHub.report([finding]);
    } catch (error) {
      telemetry.securityHubFailed(outcome.groupId, error);
    }
  };

  /**
   * A prefix list changed: every group of the account-region that references it is checked with
   * the list's fresh entries (one paginated describe of the region, filtered here: EC2's
   * `ip-permission.prefix-list-id` filter is not in the emulator, and a list may be referenced by
   * any group). Lists shared from another account change there; the sweep catches those here.
   */
  const referencingGroups = async (
    prefixListId: string,
    handle: (groupId: string) => Promise<RemediationOutcome[]>,
  ): Promise<RemediationOutcome[]> => {
    gateway.forgetPrefixLists([prefixListId]);
    const groups = await scanRegion(adapters.ec2);
    const outcomes: RemediationOutcome[] = [];
    for (const group of groups) {
      const references = group.rules.some(
        (rule) => rule.source.kind === 'prefix-list' && rule.source.prefixListId === prefixListId,
      );
      if (!references) continue;
      outcomes.push(...(await handle(group.groupId)));
    }
    return outcomes;
  };

  const handleFinding = async (
    finding: Finding,
    accountId: string,
    invocation: InvocationContext | undefined,
  ): Promise<RemediationOutcome[]> => {
    const foreign =
      finding.accountId !== undefined && finding.accountId !== accountId
        ? `the finding is for account ${finding.accountId}; this function acts only in ${accountId}`
        : finding.region !== undefined && finding.region !== settings.region
          ? `the finding is for region ${finding.region}; this function acts only in ${settings.region}`
          : undefined;
    if (foreign) {
      telemetry.foreignFinding(finding, foreign);
      foreignFindings += 1;
      return [];
    }
    if (finding.prefixListId !== undefined) {
      const { prefixListId, ...call } = finding;
      return referencingGroups(prefixListId, (groupId) =>
        handleFinding({ ...call, groupId }, accountId, invocation),
      );
    }
    const outcome = await remediateFinding(
      finding,
      deps,
      remediation,
      contextFor(accountId, invocation),
    );
    telemetry.decision(finding, outcome);
    await report(outcome);
    return [outcome];
  };

  const sweep = async (accountId: string, invocation: InvocationContext | undefined) => {
    const summary = await runSweep({
      ec2: adapters.ec2,
      deps,
      settings: remediation,
      context: contextFor(accountId, invocation),
      remainingMs: () => invocation?.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY,
      onOutcome: async (finding, outcome) => {
        telemetry.decision(finding, outcome);
        await report(outcome);
      },
      onError: (finding, error) => failed(telemetry, finding, error),
    });
    telemetry.sweep(summary);
    // Lambda retries the sweep (1 + 2 attempts): groups that failed get their retry, and an
    // unreadable mode map its final-attempt notice; groups already fixed are no-ops.
    if (summary.failures > 0) {
      throw new Error(
        `${summary.failures} exposed group(s) of the sweep failed; the sweep is retried`,
      );
    }
    return summary;
  };

  return async (event, context) => {
    // What the first describe does not need (adapters, Powertools) loads once it is written.
    if (armGate) gate.arm();
    if (context && 'functionName' in context) telemetry.startInvocation(context as Context);
    setImmediate(() => {
      telemetry.preload();
      adapters.preload();
    });
    try {
      if (isScheduledEvent(event)) {
        const summary = await sweep(await accountOf(context), context);
        return {
          findings: summary.exposed,
          ignored: 0,
          outcomes: summary.outcomes,
          sweep: summary,
        };
      }
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
      for (const part of parsed.malformed) telemetry.malformedPart(part);

      const outcomes: RemediationOutcome[] = [];
      const errors: unknown[] = [];
      foreignFindings = 0;
      const accountId = parsed.findings.length > 0 ? await accountOf(context) : undefined;
      for (const finding of parsed.findings) {
        telemetry.count('findings');
        try {
          outcomes.push(...(await handleFinding(finding, accountId as string, context)));
        } catch (error) {
          // Keep going: one failing finding must not starve the others of the same event.
          failed(telemetry, finding, error);
          errors.push(error);
        }
      }
      if (errors.length === 1) throw errors[0];
      if (errors.length > 1) {
        throw new AggregateError(errors, `${errors.length} findings of this event failed`);
      }
      return {
        findings: parsed.findings.length,
        ignored: parsed.ignored.length + parsed.malformed.length + foreignFindings,
        outcomes,
      };
    } finally {
      await telemetry.flush();
    }
  };
}

/** A finding whose handling threw: a failed publish is counted apart (its entry is pending). */
function failed(telemetry: RemediatorTelemetry, finding: Finding, error: unknown): void {
  if (error instanceof NoticeNotPublishedError) telemetry.publishFailed(error);
  telemetry.findingFailed(finding, error);
}
