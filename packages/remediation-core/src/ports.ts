import type {
  AccountPolicy,
  GroupSnapshot,
  InboundRule,
  Notice,
  PrefixListEntries,
  RecordedRule,
  RuleToAuthorize,
} from './model.js';

/**
 * What the use cases need from EC2 for one account and region. Implemented in `@sg-guard/aws`
 * (the only code that imports the SDK) and by in-memory fakes in tests.
 */
export interface SecurityGroupGateway {
  /**
   * The group with every inbound rule (with rule ids), its name, VPC and tags; `undefined` when
   * the group does not exist. A name-only reference resolves in the default VPC.
   */
  loadGroup(ref: {
    readonly groupId?: string;
    readonly groupName?: string;
  }): Promise<GroupSnapshot | undefined>;
  /** Entries of the given managed prefix lists (cached by the implementation). */
  loadPrefixLists(prefixListIds: readonly string[]): Promise<PrefixListEntries>;
  /**
   * Authorizes the rules; returns them with the ids AWS assigned. A rule that already exists
   * (`InvalidPermission.Duplicate`) is returned without an id, not an error.
   */
  authorize(groupId: string, rules: readonly RuleToAuthorize[]): Promise<readonly RecordedRule[]>;
  /**
   * Revokes rules by `SecurityGroupRuleIds`. Ids already gone (`InvalidPermission.NotFound`)
   * are reported in `alreadyGone`, not thrown.
   */
  revoke(
    groupId: string,
    ruleIds: readonly string[],
  ): Promise<{ readonly revoked: readonly string[]; readonly alreadyGone: readonly string[] }>;
  /**
   * Revokes rules by their exact content (compare-and-swap): a rule whose content is no longer in
   * the group (edited or removed since it was read) is reported in `missing`, never touched.
   */
  revokeRules(groupId: string, rules: readonly InboundRule[]): Promise<RevokeRulesResult>;
}

/** What {@link SecurityGroupGateway.revokeRules} did. */
export interface RevokeRulesResult {
  readonly revoked: readonly InboundRule[];
  /** Rules whose content was not in the group (edited or removed since they were read). */
  readonly missing: readonly InboundRule[];
  /**
   * Whether a `missing` answer came to a retried call: its first attempt may have applied (a
   * lost response), so a missing rule may be this run's own revoke.
   */
  readonly retried: boolean;
}

/** The account's mode and name from the organization's tags (cached by the implementation). */
export interface AccountPolicyReader {
  policyFor(accountId: string): Promise<AccountPolicy>;
}

/** Sends one notice to the central topic; throws when it cannot (a notice is never lost silently). */
export interface NoticePublisher {
  publish(notice: Notice): Promise<void>;
}
