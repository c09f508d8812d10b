/**
 * The demo's closing step: one record of the inbox's records file undone by the CLI's verified
 * undo, as `sg-guard undo --records <file> --yes` does it, the group re-described around it.
 */
import { readFile } from 'node:fs/promises';
import {
  AwsSession,
  awsUndoDependencies,
  type UndoPreview,
  type UndoResult,
  undoRecords,
} from '@sg-guard/cli';
import {
  comparableRule,
  describeInboundRuleDetails,
  EMULATOR_CREDENTIALS,
  type EmulatorCredentials,
  emulatorEc2,
  formatRules,
} from '@sg-guard/emulator';
import { parseRecordLines, type RemediationRecord } from '@sg-guard/remediation-core';

/** The demo's last step: one record of the records file undone as `sg-guard undo` does it. */
export interface DemoUndo {
  /** What a security engineer would type for the same undo. */
  readonly command: string;
  readonly recordId: string;
  readonly accountId: string;
  readonly region: string;
  readonly groupId: string;
  readonly groupName?: string;
  /** What the undo said it would re-open to the world, before it changed anything. */
  readonly preview: UndoPreview;
  readonly results: readonly UndoResult[];
  /** The group's inbound rules re-described before and after the undo (`formatRule` lines). */
  readonly rulesBefore: readonly string[];
  readonly rulesAfter: readonly string[];
}

/**
 * Undoes one `remediated` record of `file` (the one of `groupId`, the demo's first group, when
 * there is one) as `sg-guard undo --records <file> --yes` would: the management account's
 * credentials, entering the member by its role. The group is re-described before and after.
 */
export async function undoOne(
  file: string,
  groupId: string | undefined,
  endpoint: string,
  credentialsOf: (accountId: string) => EmulatorCredentials,
): Promise<DemoUndo | undefined> {
  const remediated = parseRecordLines(await readFile(file, 'utf8')).filter(
    (candidate: RemediationRecord) => candidate.action === 'remediated',
  );
  const record = remediated.find((candidate) => candidate.groupId === groupId) ?? remediated[0];
  if (!record) return undefined;
  const memberCredentials = credentialsOf(record.accountId);
  const rules = async () =>
    formatRules(
      (
        await describeInboundRuleDetails(
          emulatorEc2(endpoint, { region: record.region, credentials: memberCredentials }),
          record.groupId,
        )
      ).map(comparableRule),
    );
  const rulesBefore = await rules();
  const session = new AwsSession({
    roleName: 'OrganizationAccountAccessRole',
    region: record.region,
    endpointUrl: endpoint,
    credentials: EMULATOR_CREDENTIALS,
  });
  let preview: UndoPreview = { groups: [] };
  const results = await undoRecords(
    [record],
    {
      ...awsUndoDependencies(session),
      // As `--yes`: the preview is shown, not asked about.
      confirm: async (shown) => {
        preview = shown;
        return true;
      },
    },
    { dryRun: false, force: false },
  );
  return {
    command: `sg-guard undo --records ${file} --yes`,
    recordId: record.recordId,
    accountId: record.accountId,
    region: record.region,
    groupId: record.groupId,
    ...(record.groupName ? { groupName: record.groupName } : {}),
    preview,
    results,
    rulesBefore,
    rulesAfter: await rules(),
  };
}
