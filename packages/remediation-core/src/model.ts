/**
 * The domain vocabulary of sg-guard, shared by every module of the core and by the adapters.
 *
 * Flow: `event → Finding → AccountPolicy (mode) → GroupSnapshot → Assessment (exposures) →
 * RemediationPlan → apply → Notice (with its RemediationRecord)`.
 */

/** Address family of a CIDR source. */
export type AddressFamily = 'ipv4' | 'ipv6';

/**
 * Canonical IP protocol of a rule: `tcp`, `udp`, `icmp`, `icmpv6`, `-1` (all traffic), or the
 * decimal protocol number for anything else (`'47'` for GRE). `'6'` is normalized to `tcp`,
 * `'17'` to `udp`, `'1'` to `icmp`, `'58'` to `icmpv6`.
 */
export type Protocol = string;

/** Where an inbound rule lets traffic come from: exactly one source per rule. */
export type RuleSource =
  | { readonly kind: 'cidr'; readonly family: AddressFamily; readonly cidr: string }
  | { readonly kind: 'prefix-list'; readonly prefixListId: string }
  | {
      readonly kind: 'security-group';
      readonly groupId: string;
      readonly userId?: string;
      readonly vpcId?: string;
    };

/**
 * One inbound rule with one source, whatever shape it was read from (`SecurityGroupRule`,
 * `IpPermission` expanded per source, AWS Config item).
 */
export interface InboundRule {
  /** `sgr-…` when known (DescribeSecurityGroupRules); absent for rules read from permissions. */
  readonly ruleId?: string;
  readonly protocol: Protocol;
  /** First port (or ICMP type); `-1` when the protocol has no ports or covers all. */
  readonly fromPort: number;
  /** Last port (or ICMP code); `-1` when the protocol has no ports or covers all. */
  readonly toPort: number;
  readonly source: RuleSource;
  readonly description?: string;
}

/** A security group as the core sees it: identity plus its inbound rules. */
export interface GroupSnapshot {
  readonly groupId: string;
  readonly groupName?: string;
  readonly vpcId?: string;
  readonly ownerId?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly rules: readonly InboundRule[];
}

/** Entries (CIDRs) of the managed prefix lists the group references, keyed by `pl-…` id. */
export type PrefixListEntries = ReadonlyMap<string, readonly string[]>;

/** Options for {@link assessGroup}. */
export interface AssessmentOptions {
  /** Ports that must not be open to the internet. @default [22] */
  readonly ports?: readonly number[];
  /** Entries of referenced prefix lists; a list absent here is reported as unresolved. */
  readonly prefixLists?: PrefixListEntries;
}

/** Why a source counts as the internet. */
export type ExposureReason =
  /** `0.0.0.0/0` or `::/0` itself. */
  | 'world-cidr'
  /** A managed prefix list whose own entries hold a world CIDR or together cover a family. */
  | 'world-prefix-list'
  /** One of several of the group's sources that together cover a whole address family. */
  | 'union';

/** One rule that lets the internet reach one or more of the guarded ports. */
export interface Exposure {
  readonly rule: InboundRule;
  /** Guarded ports this rule exposes, ascending. */
  readonly ports: readonly number[];
  readonly family: AddressFamily;
  readonly reason: ExposureReason;
}

export type Verdict = 'EXPOSED' | 'NOT_EXPOSED';

/** What {@link assessGroup} returns. */
export interface Assessment {
  readonly groupId: string;
  readonly verdict: Verdict;
  readonly exposures: readonly Exposure[];
  /** The group's normalized inbound rules the verdict was made from. */
  readonly rules: readonly InboundRule[];
  /** Prefix lists referenced by rules on guarded ports whose entries were not supplied. */
  readonly unresolvedPrefixLists: readonly string[];
}

export type RemediationStrategy = 'narrow' | 'revoke';

/** A rule to authorize: an inbound rule without an id yet. */
export type RuleToAuthorize = Omit<InboundRule, 'ruleId'>;

/** Access that a narrowed `-1` rule no longer grants (protocols other than tcp/udp/icmp). */
export interface DroppedAccess {
  /** The original rule the access came from. */
  readonly rule: InboundRule;
  /** Human-readable: e.g. `all protocols other than tcp, udp and icmp (such as GRE 47, ESP 50)`. */
  readonly description: string;
}

/** The smallest change that removes every exposure of one group. */
export interface RemediationPlan {
  readonly groupId: string;
  /** Strategy asked for. */
  readonly strategy: RemediationStrategy;
  /** Strategy actually used: `revoke` when narrowing would pass the rule quota. */
  readonly appliedStrategy: RemediationStrategy;
  /** Set when the plan fell back from `narrow` to `revoke`, with a sentence saying why. */
  readonly fallbackReason?: string;
  /** Rules to authorize first, so other ports never blink. */
  readonly authorize: readonly RuleToAuthorize[];
  /** Exposing rules to revoke (by `ruleId`), after the authorizations. */
  readonly revoke: readonly InboundRule[];
  readonly dropped: readonly DroppedAccess[];
}

/** Options for {@link planRemediation}. */
export interface PlanOptions {
  /** @default 'narrow' */
  readonly strategy?: RemediationStrategy;
  /**
   * Inbound rules allowed per group and family (AWS default quota: 60, enforced separately for
   * IPv4 and IPv6).
   * @default 60
   */
  readonly ruleQuota?: number;
}

/** Per-account mode, from the `sg-guard:mode` tag chain. */
export type Mode = 'enforce' | 'notify' | 'off';

/** Where in the organization a tag was read. */
export type PolicyLevelKind = 'account' | 'ou' | 'root';

/** Tags of one level of the account's chain (account first, then OUs upward, then root). */
export interface PolicyLevel {
  readonly kind: PolicyLevelKind;
  readonly id: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** The mode that applies to an account, and where it came from. */
export interface AccountPolicy {
  readonly accountId: string;
  readonly accountName?: string;
  readonly mode: Mode;
  /** The level whose tag decided, or `default` when none did. */
  readonly source:
    | { readonly kind: PolicyLevelKind; readonly id: string }
    | { readonly kind: 'default' };
  /** Tag values that were present but not understood (ignored, reported in the notice). */
  readonly warnings: readonly string[];
}

/** The result of checking a group's exemption tags. */
export type ExemptionDecision =
  | { readonly exempt: true; readonly reason: string; readonly until?: string }
  | {
      readonly exempt: false;
      readonly why: 'not-tagged' | 'exemptions-disabled' | 'expired' | 'invalid-until';
      readonly detail?: string;
    };

/** The triggers, as records name them. */
export const TRIGGERS = [
  'config-sns',
  'config-eventbridge',
  'cloudtrail',
  'direct',
  'cli',
  'sweep',
] as const;

/** Which kind of event produced a finding (`sweep`: the scheduled sweep of every group). */
export type Trigger = (typeof TRIGGERS)[number];

/** A claim that one security group may be exposed, as read from an event. */
export interface Finding {
  /** `sg-…`; absent when a CloudTrail call named the group by `groupName` only. */
  readonly groupId?: string;
  /** Set when only the name is known (default VPC); the adapter resolves it to an id. */
  readonly groupName?: string;
  /**
   * Set instead of a group by `ModifyManagedPrefixList`: every group of the account-region that
   * references this list must be checked (one finding per group, by the caller).
   */
  readonly prefixListId?: string;
  readonly accountId?: string;
  readonly region?: string;
  readonly trigger: Trigger;
  /** Who made the change (CloudTrail `userIdentity.arn`), when known. */
  readonly actor?: string;
  /** When the event says the change or evaluation happened (ISO 8601). */
  readonly eventTime?: string;
  /** Event id (EventBridge `id`, SNS `MessageId`, CloudTrail `eventID`) for tracing. */
  readonly eventId?: string;
  /** Config rule name, for Config triggers. */
  readonly configRuleName?: string;
}

/** An event (or part of one) that was recognised and deliberately not acted on. */
export interface IgnoredEvent {
  readonly reason: string;
  readonly trigger?: Trigger;
  readonly eventId?: string;
}

/**
 * A part of an event (one record of a multi-record SNS event) that claims to be an accepted
 * kind but cannot be read: truncated JSON, an array, missing fields. The rest of the event is
 * still acted on; the handler counts and alarms on these.
 */
export interface MalformedEventPart {
  /** What is wrong, without quoting the event's values. */
  readonly reason: string;
  /** `path: message` lines, as in `MalformedEventError.issues`. */
  readonly issues: readonly string[];
  readonly trigger?: Trigger;
  readonly eventId?: string;
}

/** What reading one event yields: findings to act on, parts ignored on purpose, parts malformed. */
export interface ParsedEvent {
  readonly findings: readonly Finding[];
  readonly ignored: readonly IgnoredEvent[];
  /** Parts that could not be read while others could (an event with none readable is thrown). */
  readonly malformed: readonly MalformedEventPart[];
}

/** The actions a notice reports (and a mailbox can subscribe to). */
export const NOTICE_ACTIONS = ['remediated', 'would-remediate', 'exempted', 'failed'] as const;

/** What a notice reports. */
export type NoticeAction = (typeof NOTICE_ACTIONS)[number];

export type Severity = 'critical' | 'high' | 'medium' | 'low';

/** A rule as stored in a record: enough to re-create or remove it exactly. */
export interface RecordedRule extends RuleToAuthorize {
  readonly ruleId?: string;
  /**
   * For an authorized rule: `true` when sg-guard created it, `false` when it already existed
   * (AWS answered `InvalidPermission.Duplicate`, or it was in the group before the change).
   * Undo removes only what sg-guard created. Absent on revoked rules and in older records.
   */
  readonly created?: boolean;
}

/**
 * Machine-readable account of one decision about one group. `sg-guard undo` replays it in
 * reverse. Schema version 1.
 */
export interface RemediationRecord {
  readonly schemaVersion: 1;
  /** Unique id of this record (UUID). */
  readonly recordId: string;
  /** ISO 8601 time the decision was made. */
  readonly time: string;
  readonly action: NoticeAction;
  readonly mode: Mode;
  readonly accountId: string;
  readonly accountName?: string;
  readonly region: string;
  readonly groupId: string;
  readonly groupName?: string;
  readonly vpcId?: string;
  readonly trigger: Trigger;
  readonly actor?: string;
  readonly eventId?: string;
  /** When the triggering event says the change or evaluation happened (ISO 8601). */
  readonly eventTime?: string;
  /** The Config rule that reported the group, for Config triggers. */
  readonly configRuleName?: string;
  /**
   * For fixes triggered by a CloudTrail call: seconds from the call that opened the group
   * (`eventTime`) to the change.
   */
  readonly exposureSeconds?: number;
  /** The infrastructure-as-code tool that manages the group (from its tags), when known. */
  readonly managedBy?: { readonly tool: string; readonly stack?: string };
  /** Set when the group was fixed before within a day and is open again. */
  readonly repeat?: { readonly previousRecordId: string; readonly previousTime: string };
  /** For `failed`: what sg-guard meant to do (what `revoked`/`authorized` did not get to). */
  readonly planned?: {
    readonly revoke: readonly RecordedRule[];
    readonly authorize: readonly RecordedRule[];
  };
  readonly strategy: RemediationStrategy;
  readonly appliedStrategy: RemediationStrategy;
  readonly fallbackReason?: string;
  readonly exposures: readonly {
    readonly rule: RecordedRule;
    readonly ports: readonly number[];
    readonly family: AddressFamily;
    readonly reason: ExposureReason;
  }[];
  /** Rules that were revoked (or, for `would-remediate`, would be). */
  readonly revoked: readonly RecordedRule[];
  /** Rules that were authorized, with the ids AWS gave them when known. */
  readonly authorized: readonly RecordedRule[];
  readonly dropped: readonly string[];
  readonly exemption?: { readonly reason: string; readonly until?: string };
  readonly policySource: AccountPolicy['source'];
  readonly warnings: readonly string[];
  readonly error?: {
    readonly code: string;
    readonly message: string;
    /** The IAM action that was denied, e.g. `ec2:RevokeSecurityGroupIngress`. */
    readonly missingPermission?: string;
  };
}

/** A publishable notice: mail text plus the record, with SNS message attributes. */
export interface Notice {
  /** Under 100 characters: action, group, account, region. */
  readonly subject: string;
  /** Readable e-mail body. */
  readonly text: string;
  readonly record: RemediationRecord;
  /** SNS message attributes (`action`, `accountId`, `region`, `severity`), string-valued. */
  readonly attributes: Readonly<Record<'action' | 'accountId' | 'region' | 'severity', string>>;
  /** The `Message` for `MessageStructure: json`: `default` and `sqs` hold the record, `email` the text. */
  readonly message: string;
}

/** The steps that reverse a record. */
export interface UndoPlan {
  readonly recordId: string;
  readonly groupId: string;
  readonly accountId: string;
  readonly region: string;
  /** Rules to re-authorize (what the record revoked). */
  readonly authorize: readonly RuleToAuthorize[];
  /** Rules to revoke (what the record authorized). */
  readonly revoke: readonly RecordedRule[];
}

/** Everything {@link buildNotice} needs to write the mail and the record of one decision. */
export interface NoticeInput {
  readonly action: NoticeAction;
  readonly recordId: string;
  /** ISO 8601. */
  readonly time: string;
  readonly accountId: string;
  readonly region: string;
  readonly finding: Finding;
  readonly policy: AccountPolicy;
  readonly group: GroupSnapshot;
  readonly assessment: Assessment;
  readonly plan: RemediationPlan;
  /** What was actually changed (for `remediated`, and for `failed` after a partial change). */
  readonly applied?: {
    readonly revoked: readonly RecordedRule[];
    readonly authorized: readonly RecordedRule[];
  };
  readonly exemption?: { readonly reason: string; readonly until?: string };
  readonly error?: RemediationRecord['error'];
  /** For `failed`: what was planned (the mail says what did not get done). */
  readonly planned?: Pick<RemediationPlan, 'authorize' | 'revoke'>;
  /** For CloudTrail-triggered fixes: seconds from the call to the change. */
  readonly exposureSeconds?: number;
  readonly managedBy?: RemediationRecord['managedBy'];
  readonly repeat?: RemediationRecord['repeat'];
}
