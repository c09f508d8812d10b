/**
 * The demo, start to end: emulator, organization, audit, the real remediator handler driven by
 * real event shapes, the central inbox and its records, audit again, a verified undo of one
 * record, emulator stopped. Gathers what happened for a reporter; prints nothing itself.
 */
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuditReport, AwsSession, auditWithAws, CliError, type CliIo } from '@sg-guard/cli';
import {
  buildEstate,
  createLedgerTable,
  describeInboundRuleDetails,
  EMULATOR_CREDENTIALS,
  type EmulatorCredentials,
  EmulatorUnavailableError,
  emulatorEc2,
  INSTALL_HINT,
  MANAGEMENT_ACCOUNT_ID,
  type MotoServer,
  startMoto,
} from '@sg-guard/emulator';
import { DEFAULT_GUARDED_PORTS, DEFAULT_MODE, DEFAULT_STRATEGY } from '@sg-guard/remediation-core';
import {
  DEMO_ESTATE,
  DEMO_GROUPS,
  DEMO_REGIONS,
  type DemoAccountName,
  type DemoTrigger,
} from './estate.js';
import {
  cloudTrailAuthorizeEvent,
  configEventBridgeEvent,
  configSnsEvent,
  type EventSubject,
} from './events.js';
import { DemoLambdas } from './lambda.js';
import { DEMO_MODE_MAP, publishDemoModeMap } from './mode-map.js';
import { type DemoUndo, undoOne } from './undo.js';

export type { DemoUndo } from './undo.js';

/** One event sent to a member's remediator and what it decided. */
export interface DemoInvocation {
  readonly trigger: DemoTrigger;
  readonly account: DemoAccountName;
  readonly accountId: string;
  readonly region: string;
  readonly groupId: string;
  readonly groupName: string;
  /** `remediated`, `would-remediate`, `skipped-off`, `not-exposed`… */
  readonly outcome: string;
  /** The same event sent a second time (idempotency). */
  readonly repeat?: boolean;
}

/** One mail of the central inbox. */
export interface DemoMail {
  readonly subject: string;
  readonly text: string;
  /** Whether the central topic's queue received the notice too. */
  readonly delivered: boolean;
}

/** What the reporter is told, as it happens. */
export interface DemoReporter {
  emulatorStarted(endpoint: string): void;
  estateBuilt(estate: {
    accounts: { name: string; accountId: string; note: string }[];
    groups: number;
    exposed: number;
  }): void;
  audited(when: 'before' | 'after', report: AuditReport): void;
  invoked(invocation: DemoInvocation): void;
  inbox(mails: readonly DemoMail[]): void;
  /** The records the central queue received, written as JSON Lines to `file`. */
  recordsWritten(file: string, records: readonly Record<string, unknown>[]): void;
  /** The closing undo of one record of that file, through the CLI's verified undo. */
  undone(undo: DemoUndo): void;
}

/** Where and how the demo runs. */
export interface DemoRunOptions {
  /** JSON Lines file for the inbox's records. @default a new file in the OS temp directory */
  readonly recordsFile?: string;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** Show the in-process functions' own log lines and metrics. @default false */
  readonly lambdaLogs?: boolean;
}

/** `<tmp>/sg-guard-demo-records-<time>.jsonl`: out of the working tree, new per run. */
export function defaultDemoRecordsFile(now: Date): string {
  return join(tmpdir(), `sg-guard-demo-records-${now.toISOString().replace(/[:.]/g, '-')}.jsonl`);
}

const ACCOUNT_NOTES: Readonly<Record<DemoAccountName, string>> = {
  security: 'enforce (no tag: default), holds the central topic',
  analytics: 'notify (account tag sg-guard:mode=notify)',
  legacy: 'off (OU Retired tagged sg-guard:mode=off)',
};

async function start(): Promise<MotoServer> {
  try {
    return await startMoto();
  } catch (error) {
    if (!(error instanceof EmulatorUnavailableError)) throw error;
    throw new CliError(
      'EMULATOR_UNAVAILABLE',
      `the demo needs the AWS emulator: ${error.message.split('\n')[0]}`,
      {
        cause: error,
        hint: INSTALL_HINT,
      },
    );
  }
}

/**
 * Runs the demo. The emulator is stopped at the end, on error, and on Ctrl-C (through
 * `io.onInterrupt`).
 *
 * @throws CliError `EMULATOR_UNAVAILABLE` (with the install hint) when `moto_server` is missing.
 */
export async function runDemo(
  io: CliIo,
  reporter: DemoReporter,
  options: DemoRunOptions = {},
): Promise<void> {
  const moto = await start();
  const removeHook = io.onInterrupt(() => moto.stop());
  try {
    reporter.emulatorStarted(moto.endpoint);
    const estate = await buildEstate(moto.endpoint, DEMO_ESTATE);
    const accounts = estate.organization.accounts;
    reporter.estateBuilt({
      accounts: (Object.keys(accounts) as DemoAccountName[]).map((name) => ({
        name,
        accountId: accounts[name].accountId,
        note: ACCOUNT_NOTES[name],
      })),
      groups: estate.groups.length,
      exposed: estate.groups.filter((group) => group.shape.exposed).length,
    });

    const audit = async () =>
      (
        await auditWithAws({
          org: true,
          regions: DEMO_REGIONS,
          concurrency: 8,
          ports: DEFAULT_GUARDED_PORTS,
          strategy: DEFAULT_STRATEGY,
          allowGroupExemptions: false,
          defaultMode: DEFAULT_MODE,
          orgTags: true,
          roleName: 'OrganizationAccountAccessRole',
          region: DEMO_REGIONS[0],
          endpointUrl: moto.endpoint,
          credentials: EMULATOR_CREDENTIALS,
          // Service-managed StackSets never deploy to the management account: say so.
          scope: { managementAccountId: MANAGEMENT_ACCOUNT_ID, excludedAccounts: [] },
        })
      ).report;
    reporter.audited('before', await audit());

    // What the member stacks and the mode publisher provide: a ledger table in every member
    // account-region, and the mode map resolved from the organization's tags.
    const members = Object.values(accounts).map((account) => account.accountId);
    for (const name of Object.keys(accounts) as DemoAccountName[]) {
      for (const region of DEMO_REGIONS) {
        await createLedgerTable(moto.endpoint, { credentials: estate.credentials[name], region });
      }
    }
    const managementSession = new AwsSession({
      roleName: 'OrganizationAccountAccessRole',
      region: DEMO_MODE_MAP.region,
      endpointUrl: moto.endpoint,
      credentials: EMULATOR_CREDENTIALS,
    });
    await publishDemoModeMap(moto.endpoint, members, managementSession.policies(), new Date());

    const lambdas = new DemoLambdas({
      endpoint: moto.endpoint,
      topicArn: estate.inbox.topicArn,
      modeMap: DEMO_MODE_MAP,
      lambdaLogs: options.lambdaLogs ?? false,
    });
    const sent: { event: unknown; invocation: Omit<DemoInvocation, 'outcome'> }[] = [];
    for (const [index, spec] of DEMO_GROUPS.entries()) {
      const group = estate.groups[index];
      if (!spec.trigger || !group) continue;
      const credentials = estate.credentials[spec.account];
      const subject: EventSubject = {
        groupId: group.groupId,
        accountId: group.accountId,
        region: group.region,
      };
      const event = await eventFor(spec.trigger, subject, moto.endpoint, credentials);
      const invocation = {
        trigger: spec.trigger,
        account: spec.account,
        accountId: group.accountId,
        region: group.region,
        groupId: group.groupId,
        groupName: group.groupName,
      };
      const summary = await lambdas.invoke(group.accountId, group.region, credentials, event);
      reporter.invoked({ ...invocation, outcome: outcomeOf(summary.outcomes) });
      sent.push({ event, invocation });
    }
    // Config re-evaluates and CloudTrail repeats: the same event again changes and mails nothing.
    const first = sent[0];
    if (first) {
      const { accountId, region, account } = first.invocation;
      const summary = await lambdas.invoke(
        accountId,
        region,
        estate.credentials[account],
        first.event,
      );
      reporter.invoked({ ...first.invocation, outcome: outcomeOf(summary.outcomes), repeat: true });
    }

    const notices = await estate.inbox.readNotices();
    const delivered = new Set(notices.map((notice) => notice.messageId));
    reporter.inbox(
      lambdas.sentMails().map((mail) => ({
        subject: mail.subject,
        text: mail.text,
        delivered: delivered.has(mail.messageId),
      })),
    );
    // The records as the central team's queue received them: what `sg-guard undo` reads.
    const records = notices.flatMap((notice) => (notice.record ? [notice.record] : []));
    const file =
      options.recordsFile ?? defaultDemoRecordsFile((options.now ?? (() => new Date()))());
    await writeFile(file, records.map((record) => `${JSON.stringify(record)}\n`).join(''));
    reporter.recordsWritten(file, records);
    reporter.audited('after', await audit());

    // Last, the security team changes its mind about one fix: the record from the file is
    // undone by the CLI's verified undo, which confirms it against the ledger entry the real
    // remediator wrote before it re-opens anything.
    const credentialsOf = (accountId: string): EmulatorCredentials => {
      const name = (Object.keys(accounts) as DemoAccountName[]).find(
        (candidate) => accounts[candidate].accountId === accountId,
      );
      return name ? estate.credentials[name] : EMULATOR_CREDENTIALS;
    };
    const undo = await undoOne(file, first?.invocation.groupId, moto.endpoint, credentialsOf);
    if (undo) reporter.undone(undo);
  } finally {
    removeHook();
    await moto.stop();
  }
}

function outcomeOf(outcomes: readonly { readonly outcome: string }[]): string {
  return outcomes.map((o) => o.outcome).join(', ') || 'ignored';
}

async function eventFor(
  trigger: DemoTrigger,
  subject: EventSubject,
  endpoint: string,
  credentials: EmulatorCredentials,
): Promise<unknown> {
  switch (trigger) {
    case 'config-sns':
      return configSnsEvent(subject);
    case 'config-eventbridge':
      return configEventBridgeEvent(subject);
    default: {
      const ec2 = emulatorEc2(endpoint, { region: subject.region, credentials });
      const rules = await describeInboundRuleDetails(ec2, subject.groupId);
      return cloudTrailAuthorizeEvent(
        subject,
        rules,
        `arn:aws:sts::${subject.accountId}:assumed-role/Developer/dana@example.com`,
      );
    }
  }
}
