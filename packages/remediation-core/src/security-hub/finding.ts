/**
 * One ASFF finding per security group, built from the record of a decision (open, exempted,
 * failed, fixed) or from a group found clean again. The same group always gets the same `Id`, so
 * each import updates the group's one finding instead of adding another.
 */
import type { GroupSnapshot, NoticeAction, RecordedRule, RemediationRecord } from '../model.js';
import { exposureWhy, policySourceInWords, portsInWords, ruleInFull } from '../notice/words.js';
import { EXEMPT_TAG_KEY } from '../policy/exemption.js';
import { MODE_TAG_KEY } from '../policy/mode.js';
import { describeRule } from '../rules/format.js';
import { sanitizeText as asffText } from '../text/sanitize.js';
import {
  ASFF_LIMITS,
  ASFF_SCHEMA_VERSION,
  type AsffComplianceStatus,
  type AsffIpPermission,
  type AsffPartition,
  type AsffSecurityGroupResource,
  type AsffSeverityLabel,
  type AsffWorkflowStatus,
  type SecurityHubFinding,
} from './asff.js';
import {
  type AccountRegion,
  defaultProductArn,
  partitionOfRegion,
  securityGroupArn,
} from './partition.js';

/** `ProductName` and `CompanyName` of the findings (allowed for the default product). */
export const SECURITY_HUB_PRODUCT_NAME = 'sg-guard';

/** `GeneratorId`: the check that produces every sg-guard finding. */
export const SECURITY_HUB_GENERATOR_ID = 'sg-guard/restricted-ports';

/** `Types` of every sg-guard finding. */
export const SECURITY_HUB_FINDING_TYPES: readonly string[] = [
  'Software and Configuration Checks/AWS Security Best Practices/Network Reachability',
];

/** Prefix of the `ProductFields` keys sg-guard sets. */
export const PRODUCT_FIELD_PREFIX = 'sg-guard/';

/** What a finding says about its group. */
export type SecurityHubFindingState = NoticeAction | 'clean';

/**
 * What a finding is made from:
 * - `decision`: the record of one decision (`would-remediate`, `exempted`, `failed`,
 *   `remediated`), as the notice carries it;
 * - `clean`: a group assessed `NOT_EXPOSED` whose earlier finding should be closed.
 */
export type SecurityHubFindingSource =
  | {
      readonly kind: 'decision';
      readonly record: RemediationRecord;
      /** The group's owner when it differs from the record's account. @default record.accountId */
      readonly ownerId?: string;
    }
  | {
      readonly kind: 'clean';
      readonly accountId: string;
      readonly region: string;
      /** ISO 8601 time the group was found clean. */
      readonly time: string;
      readonly group: Pick<GroupSnapshot, 'groupId' | 'groupName' | 'vpcId' | 'ownerId'>;
    };

interface StateWords {
  readonly severity: AsffSeverityLabel;
  readonly compliance: AsffComplianceStatus;
  readonly workflow: AsffWorkflowStatus;
}

/**
 * Open exposures are HIGH (the severity AWS gives its own restricted-SSH control), CRITICAL
 * when sg-guard tried to fix one and could not, MEDIUM when someone accepted the risk by an
 * exemption; a fixed or clean group is INFORMATIONAL and `PASSED`/`RESOLVED`.
 */
const STATE: Readonly<Record<SecurityHubFindingState, StateWords>> = {
  'would-remediate': { severity: 'HIGH', compliance: 'FAILED', workflow: 'NEW' },
  exempted: { severity: 'MEDIUM', compliance: 'FAILED', workflow: 'NEW' },
  failed: { severity: 'CRITICAL', compliance: 'FAILED', workflow: 'NEW' },
  remediated: { severity: 'INFORMATIONAL', compliance: 'PASSED', workflow: 'RESOLVED' },
  clean: { severity: 'INFORMATIONAL', compliance: 'PASSED', workflow: 'RESOLVED' },
};

/**
 * A failure before the group could be read leaves no exposure to report: whether the group is
 * open is unknown, which ASFF calls `NOT_AVAILABLE`.
 */
const UNCHECKED: StateWords = { severity: 'HIGH', compliance: 'NOT_AVAILABLE', workflow: 'NEW' };

/**
 * The stable finding id of a group: `sg-guard/<region>/<account>/<groupId>/open-to-internet`.
 *
 * @example
 * securityHubFindingId({ accountId: '111122223333', region: 'eu-west-1' }, 'sg-0123456789abcdef0')
 * // → 'sg-guard/eu-west-1/111122223333/sg-0123456789abcdef0/open-to-internet'
 */
export function securityHubFindingId(where: AccountRegion, groupId: string): string {
  return asffText(
    `sg-guard/${where.region}/${where.accountId}/${groupId}/open-to-internet`,
    ASFF_LIMITS.id,
  );
}

/** One rule as `AwsEc2SecurityGroupIpPermission`: ports only where EC2 uses them. */
export function toAsffIpPermission(rule: RecordedRule): AsffIpPermission {
  const hasPorts = ['tcp', 'udp', 'icmp', 'icmpv6'].includes(rule.protocol);
  const base = {
    IpProtocol: rule.protocol,
    ...(hasPorts ? { FromPort: rule.fromPort, ToPort: rule.toPort } : {}),
  };
  const { source } = rule;
  switch (source.kind) {
    case 'cidr':
      return source.family === 'ipv4'
        ? { ...base, IpRanges: [{ CidrIp: source.cidr }] }
        : { ...base, Ipv6Ranges: [{ CidrIpv6: source.cidr }] };
    case 'prefix-list':
      return { ...base, PrefixListIds: [{ PrefixListId: source.prefixListId }] };
    case 'security-group':
      return {
        ...base,
        UserIdGroupPairs: [
          {
            GroupId: source.groupId,
            ...(source.userId ? { UserId: source.userId } : {}),
            ...(source.vpcId ? { VpcId: source.vpcId } : {}),
          },
        ],
      };
  }
}

/** ISO 8601 in the `…Z` form Security Hub documents, or `undefined` when not a time. */
function isoTime(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

function groupInWords(group: { groupId: string; groupName?: string | undefined }): string {
  return group.groupName ? `${group.groupId} (${quoted(group.groupName, 64)})` : group.groupId;
}

/** `tcp 22 from 0.0.0.0/0 (sgr-1); …`, without descriptions (the mail has them). */
function briefRules(rules: readonly RecordedRule[]): string {
  return rules.map(describeRule).join('; ');
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Distinct exposing rules, in record order (one rule may expose several ports). */
function exposingRules(record: RemediationRecord): RecordedRule[] {
  const seen = new Set<string>();
  const rules: RecordedRule[] = [];
  for (const { rule } of record.exposures) {
    const key = rule.ruleId ?? ruleInFull(rule);
    if (seen.has(key)) continue;
    seen.add(key);
    rules.push(rule);
  }
  return rules;
}

function exposedPorts(record: RemediationRecord): number[] {
  return [...new Set(record.exposures.flatMap((e) => e.ports))].sort((a, b) => a - b);
}

function title(record: RemediationRecord, ports: readonly number[]): string {
  const group = `Security group ${groupInWords(record)}`;
  if (ports.length === 0) return `${group} could not be checked by sg-guard`;
  const open = `${group} is open to the internet on ${portsInWords(ports)}`;
  switch (record.action) {
    case 'remediated':
      return `${group} was open to the internet on ${portsInWords(ports)}; sg-guard closed it`;
    case 'would-remediate':
      return `${open} (notify mode)`;
    case 'exempted':
      return `${open} (exempted)`;
    case 'failed':
      return `${open}; sg-guard failed to close it`;
  }
}

/** Outside text (names, reasons, errors) quoted in a sentence, bounded so the rest still fits. */
function quoted(text: string, max = 200): string {
  return asffText(text, max).replace(/[.\s]+$/, '');
}

function stateSentence(record: RemediationRecord): string {
  switch (record.action) {
    case 'would-remediate':
      return `The account is in notify mode (${policySourceInWords(record.policySource)}), so sg-guard changed nothing.`;
    case 'exempted': {
      const until = record.exemption?.until ? ` until ${quoted(record.exemption.until, 64)}` : '';
      return `The group is exempt${until} (${quoted(record.exemption?.reason ?? 'no reason given')}), so sg-guard changed nothing.`;
    }
    case 'failed': {
      const error = record.error
        ? `${quoted(record.error.code, 64)}: ${quoted(record.error.message)}`
        : 'unknown error';
      return `sg-guard could not fix it: ${error}.`;
    }
    case 'remediated': {
      const window =
        record.exposureSeconds !== undefined
          ? ` (${record.exposureSeconds} s after the change that opened it)`
          : '';
      const authorized =
        record.authorized.length > 0
          ? ` and authorized ${plural(record.authorized.length, 'narrower rule')} so other ports stay open`
          : '';
      return `sg-guard closed it at ${record.time}${window}: it revoked ${plural(record.revoked.length, 'rule')}${authorized}.`;
    }
  }
}

/**
 * Facts first, then the state, then the rules with why each counts as the internet: when the
 * text is cut at ASFF's 1,024 characters, the list loses its tail, not the state.
 */
function description(record: RemediationRecord, rules: readonly RecordedRule[]): string {
  const account = record.accountName
    ? `${record.accountId} (${quoted(record.accountName, 64)})`
    : record.accountId;
  const group = record.groupName
    ? `${record.groupId} (${quoted(record.groupName, 64)})`
    : record.groupId;
  const where = `security group ${group}${record.vpcId ? ` in ${record.vpcId}` : ''}, account ${account}, ${record.region}`;
  const parts: string[] = [];
  if (rules.length === 0) {
    parts.push(`sg-guard could not read ${where}, so whether it is open is unknown.`);
  } else {
    const count = rules.length === 1 ? 'One inbound rule' : `${rules.length} inbound rules`;
    parts.push(
      `${count} of ${where} let the internet reach ${portsInWords(exposedPorts(record))}.`,
    );
  }
  if (record.actor && record.eventTime) {
    parts.push(`Changed by ${quoted(record.actor, 256)} at ${record.eventTime}.`);
  }
  parts.push(stateSentence(record));
  if (record.managedBy) {
    const stack = record.managedBy.stack ? ` stack ${quoted(record.managedBy.stack, 128)}` : '';
    parts.push(
      `The group is managed by ${quoted(record.managedBy.tool, 64)}${stack}: fix the template, or it re-opens.`,
    );
  }
  if (record.repeat) {
    parts.push(
      `sg-guard fixed this group before, at ${record.repeat.previousTime} (record ${record.repeat.previousRecordId}); it is open again.`,
    );
  }
  parts.push(`sg-guard record ${record.recordId}.`);
  if (rules.length > 0) {
    const whys = record.exposures.map(
      (e) => `${ruleInFull(e.rule)}: ${exposureWhy(e.rule, e.family, e.reason)}`,
    );
    parts.push(`Rules: ${[...new Set(whys)].join('; ')}.`);
  }
  return asffText(parts.join(' '), ASFF_LIMITS.description);
}

/**
 * What to do, instructions first: the rule lists come last, so when the text has to be cut at
 * ASFF's 512 characters it is a list that loses its tail, not the instruction.
 */
function recommendation(record: RemediationRecord, rules: readonly RecordedRule[]): string {
  const template = record.managedBy
    ? ` Fix the ${quoted(record.managedBy.tool, 64)} template too, or the next deployment re-opens it.`
    : '';
  const revoke = briefRules(record.revoked.length > 0 ? record.revoked : rules);
  const narrowing =
    record.authorized.length > 0
      ? ` It adds ${briefRules(record.authorized)} first, so other ports stay open.`
      : '';
  switch (record.action) {
    case 'would-remediate':
      return `Set tag ${MODE_TAG_KEY}=enforce on the account (or its OU) to let sg-guard fix it, or remove the exposing rules yourself.${template} sg-guard would revoke ${revoke}.${narrowing}`;
    case 'exempted':
      return `Remove tag ${EXEMPT_TAG_KEY} from the group to let sg-guard fix it, or remove the exposing rules yourself.${template} Exposing: ${revoke}.`;
    case 'failed': {
      const grant = record.error?.missingPermission
        ? `Grant ${quoted(record.error.missingPermission, 128)} to the sg-guard remediator role (or lift the SCP that denies it)`
        : 'Check the remediator logs and let the event be retried';
      const exposing = rules.length > 0 ? ` Exposing: ${briefRules(rules)}.` : '';
      return `${grant}, or remove the exposing rules yourself.${template}${exposing}`;
    }
    case 'remediated':
      return `Nothing left to do. To undo, run sg-guard undo --records <file> with record ${record.recordId} from the sg-guard notice.${template} Revoked: ${revoke}.${record.authorized.length > 0 ? ` Added: ${briefRules(record.authorized)}.` : ''}`;
  }
}

function productFields(
  entries: readonly (readonly [string, string | number | undefined])[],
): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of entries.slice(0, ASFF_LIMITS.productFields)) {
    if (value === undefined || value === '') continue;
    const name = asffText(`${PRODUCT_FIELD_PREFIX}${key}`, ASFF_LIMITS.productFieldKey);
    fields[name] = asffText(String(value), ASFF_LIMITS.productFieldValue);
  }
  return fields;
}

function ruleIds(rules: readonly RecordedRule[]): string | undefined {
  const ids = rules.flatMap((rule) => (rule.ruleId ? [rule.ruleId] : []));
  return ids.length > 0 ? ids.join(',') : undefined;
}

const ASFF_PARTITIONS: ReadonlySet<string> = new Set<AsffPartition>([
  'aws',
  'aws-cn',
  'aws-us-gov',
]);

function asffPartition(partition: string): { Partition?: AsffPartition } {
  return ASFF_PARTITIONS.has(partition) ? { Partition: partition as AsffPartition } : {};
}

function resource(
  where: AccountRegion,
  group: Pick<GroupSnapshot, 'groupId' | 'groupName' | 'vpcId'> & { readonly ownerId: string },
  rules: readonly RecordedRule[] | undefined,
): AsffSecurityGroupResource {
  return {
    Type: 'AwsEc2SecurityGroup',
    Id: securityGroupArn(where, group.groupId),
    ...asffPartition(partitionOfRegion(where.region)),
    Region: where.region,
    Details: {
      AwsEc2SecurityGroup: {
        GroupId: group.groupId,
        ...(group.groupName ? { GroupName: asffText(group.groupName, 255) } : {}),
        ...(group.vpcId ? { VpcId: group.vpcId } : {}),
        OwnerId: group.ownerId,
        ...(rules && rules.length > 0
          ? { IpPermissions: rules.slice(0, ASFF_LIMITS.ipPermissions).map(toAsffIpPermission) }
          : {}),
      },
    },
  };
}

interface Parts {
  readonly where: AccountRegion;
  readonly groupId: string;
  readonly state: StateWords;
  readonly title: string;
  readonly description: string;
  readonly recommendation: string;
  readonly firstObservedAt: string;
  readonly time: string;
  readonly productFields: Record<string, string>;
  readonly resource: AsffSecurityGroupResource;
}

function assemble(parts: Parts): SecurityHubFinding {
  const severity = { Label: parts.state.severity };
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: securityHubFindingId(parts.where, parts.groupId),
    ProductArn: defaultProductArn(parts.where),
    ProductName: SECURITY_HUB_PRODUCT_NAME,
    CompanyName: SECURITY_HUB_PRODUCT_NAME,
    GeneratorId: SECURITY_HUB_GENERATOR_ID,
    AwsAccountId: parts.where.accountId,
    Types: SECURITY_HUB_FINDING_TYPES,
    FirstObservedAt: parts.firstObservedAt,
    LastObservedAt: parts.time,
    CreatedAt: parts.time,
    UpdatedAt: parts.time,
    Severity: severity,
    Title: asffText(parts.title, ASFF_LIMITS.title),
    Description: parts.description,
    Remediation: {
      Recommendation: { Text: asffText(parts.recommendation, ASFF_LIMITS.recommendationText) },
    },
    ProductFields: parts.productFields,
    Resources: [parts.resource],
    Compliance: { Status: parts.state.compliance },
    Workflow: { Status: parts.state.workflow },
    RecordState: 'ACTIVE',
    FindingProviderFields: { Severity: severity, Types: SECURITY_HUB_FINDING_TYPES },
  };
}

function fromRecord(record: RemediationRecord, ownerId: string): SecurityHubFinding {
  const rules = exposingRules(record);
  const ports = exposedPorts(record);
  const where = { accountId: record.accountId, region: record.region };
  const time = isoTime(record.time) ?? record.time;
  const opened = isoTime(record.eventTime);
  const stillOpen = record.action !== 'remediated';
  return assemble({
    where,
    groupId: record.groupId,
    state: rules.length === 0 && record.action === 'failed' ? UNCHECKED : STATE[record.action],
    title: title(record, ports),
    description: description(record, rules),
    recommendation: recommendation(record, rules),
    // The change that opened the group, when the event says when; never after the decision.
    firstObservedAt: opened !== undefined && opened < time ? opened : time,
    time,
    productFields: productFields([
      ['RecordId', record.recordId],
      ['Action', record.action],
      ['Mode', record.mode],
      ['Trigger', record.trigger],
      ['Strategy', record.appliedStrategy],
      ['ExposedPorts', ports.join(',')],
      ['ExposingRuleIds', ruleIds(rules)],
      ['ExposingRuleCount', rules.length],
      ['RevokedRuleIds', record.action === 'remediated' ? ruleIds(record.revoked) : undefined],
      ['AuthorizedRuleIds', ruleIds(record.authorized)],
      ['ExposureSeconds', record.exposureSeconds],
      ['MissingPermission', record.error?.missingPermission],
      ['ErrorCode', record.error?.code],
      ['Actor', record.actor],
      ['EventId', record.eventId],
      ['EventTime', record.eventTime],
      ['ConfigRuleName', record.configRuleName],
      [
        'ManagedBy',
        record.managedBy
          ? [record.managedBy.tool, record.managedBy.stack].filter(Boolean).join(':')
          : undefined,
      ],
      ['RepeatOf', record.repeat?.previousRecordId],
    ]),
    resource: resource(
      where,
      {
        groupId: record.groupId,
        ...(record.groupName ? { groupName: record.groupName } : {}),
        ...(record.vpcId ? { vpcId: record.vpcId } : {}),
        ownerId,
      },
      stillOpen ? rules : undefined,
    ),
  });
}

function fromCleanGroup(
  source: Extract<SecurityHubFindingSource, { kind: 'clean' }>,
): SecurityHubFinding {
  const where = { accountId: source.accountId, region: source.region };
  const time = isoTime(source.time) ?? source.time;
  const group = `Security group ${groupInWords(source.group)}`;
  return assemble({
    where,
    groupId: source.group.groupId,
    state: STATE.clean,
    title: `${group} is no longer open to the internet on the guarded ports`,
    description: asffText(
      `sg-guard checked ${group.toLowerCase()}${source.group.vpcId ? ` in ${source.group.vpcId}` : ''}, account ${source.accountId}, ${source.region} at ${time}: no inbound rule lets the internet reach a guarded port any more.`,
      ASFF_LIMITS.description,
    ),
    recommendation: 'Nothing to do: no inbound rule opens a guarded port to the internet.',
    firstObservedAt: time,
    time,
    productFields: productFields([['Action', 'not-exposed']]),
    resource: resource(
      where,
      { ...source.group, ownerId: source.group.ownerId ?? source.accountId },
      undefined,
    ),
  });
}

/**
 * The ASFF finding of one group, for BatchImportFindings into the account-region's own Security
 * Hub under the default product ARN.
 *
 * - `Id` is stable per account, region and group ({@link securityHubFindingId}), so the finding
 *   of a group is updated, never duplicated.
 * - Open (`would-remediate`, `exempted`, `failed`): `Compliance.Status` `FAILED`,
 *   `Workflow.Status` `NEW`, severity HIGH, MEDIUM (exempted) or CRITICAL (failed), and the
 *   exposing rules in `Resources[0].Details.AwsEc2SecurityGroup.IpPermissions`. A failure
 *   before the group was read is `NOT_AVAILABLE`.
 * - Fixed (`remediated`) or `clean`: `PASSED`, `RESOLVED`, INFORMATIONAL.
 * - Text fields hold no control characters and stay within ASFF's lengths.
 *
 * @example
 * const finding = buildSecurityHubFinding({ kind: 'decision', record: notice.record });
 * finding.Compliance.Status // → 'FAILED' in notify mode, 'PASSED' once remediated
 */
export function buildSecurityHubFinding(source: SecurityHubFindingSource): SecurityHubFinding {
  return source.kind === 'clean'
    ? fromCleanGroup(source)
    : fromRecord(source.record, source.ownerId ?? source.record.accountId);
}
