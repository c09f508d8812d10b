/** In-memory ports for the use case's unit tests: a tiny EC2, a policy source, an outbox. */
import type {
  AccountPolicy,
  AccountPolicyReader,
  GroupSnapshot,
  InboundRule,
  Mode,
  Notice,
  NoticePublisher,
  PrefixListEntries,
  RecordedRule,
  RuleToAuthorize,
  SecurityGroupGateway,
} from '../../../src/index.js';
import { sameAccess } from '../../../src/index.js';

type Method = 'loadGroup' | 'loadPrefixLists' | 'authorize' | 'revoke';

/** An error shaped like `@sg-guard/aws`'s AccessDeniedError. */
export class DeniedError extends Error {
  readonly code = 'ACCESS_DENIED';
  readonly awsCode = 'UnauthorizedOperation';
  constructor(readonly action: string) {
    super(
      `${action} was denied (UnauthorizedOperation): explicit deny in a service control policy`,
    );
  }
}

/** An error shaped like `@sg-guard/aws`'s GroupNotFoundError. */
export class MissingGroupError extends Error {
  readonly code = 'GROUP_NOT_FOUND';
}

/** An error shaped like `@sg-guard/aws`'s ThrottledError. */
export class ThrottleError extends Error {
  readonly code = 'THROTTLED';
}

/** A tiny EC2: groups with rules, rule ids assigned on authorize, revoke by id. */
export class InMemoryEc2 implements SecurityGroupGateway {
  readonly calls: string[] = [];
  readonly failures: Partial<Record<Method, Error>> = {};
  prefixLists = new Map<string, string[]>();
  /**
   * Called before every authorize or revoke reaches the group (after the failure check): an
   * owner's edit between the read and the change, or a response lost after the change.
   */
  beforeChange: ((method: 'authorize' | 'revoke') => void) | undefined;
  /** When set, loadGroup returns this old copy (an event that raced an earlier fix). */
  staleSnapshot: GroupSnapshot | undefined;
  private readonly groups = new Map<string, GroupSnapshot>();
  private nextId = 1;

  constructor(...groups: GroupSnapshot[]) {
    for (const group of groups) this.groups.set(group.groupId, group);
  }

  rulesOf(groupId: string): readonly InboundRule[] {
    return this.groups.get(groupId)?.rules ?? [];
  }

  async loadGroup(ref: { groupId?: string; groupName?: string }) {
    this.record('loadGroup');
    // Stale once: the read that raced an earlier fix; the next read sees the group as it is.
    const stale = this.staleSnapshot;
    this.staleSnapshot = undefined;
    if (stale) return stale;
    if (ref.groupId) return this.groups.get(ref.groupId);
    return [...this.groups.values()].find((group) => group.groupName === ref.groupName);
  }

  async loadPrefixLists(ids: readonly string[]): Promise<PrefixListEntries> {
    this.record('loadPrefixLists', ids.join(','));
    return new Map(
      ids.flatMap((id) => (this.prefixLists.has(id) ? [[id, this.prefixLists.get(id) ?? []]] : [])),
    );
  }

  async authorize(groupId: string, rules: readonly RuleToAuthorize[]): Promise<RecordedRule[]> {
    this.record('authorize', `${rules.length}`);
    this.beforeChange?.('authorize');
    const group = this.existing(groupId);
    const recorded: RecordedRule[] = [];
    const kept = [...group.rules];
    for (const rule of rules) {
      if (kept.some((other) => sameAccess(other, rule))) {
        recorded.push(rule);
        continue;
      }
      const created = { ...rule, ruleId: `sgr-new${this.nextId++}` };
      kept.push(created);
      recorded.push(created);
    }
    this.groups.set(groupId, { ...group, rules: kept });
    return recorded;
  }

  async revoke(groupId: string, ruleIds: readonly string[]) {
    this.record('revoke', ruleIds.join(','));
    const group = this.existing(groupId);
    const present = new Set(group.rules.flatMap((rule) => (rule.ruleId ? [rule.ruleId] : [])));
    const revoked = ruleIds.filter((id) => present.has(id));
    const alreadyGone = ruleIds.filter((id) => !present.has(id));
    const rules = group.rules.filter((rule) => !rule.ruleId || !revoked.includes(rule.ruleId));
    this.groups.set(groupId, { ...group, rules });
    return { revoked, alreadyGone };
  }

  /** Revoke by content: a rule whose access is no longer in the group comes back in `missing`. */
  async revokeRules(groupId: string, rules: readonly InboundRule[]) {
    this.record('revoke', rules.map((rule) => rule.ruleId ?? 'by-content').join(','));
    this.beforeChange?.('revoke');
    const group = this.existing(groupId);
    const revoked = rules.filter((rule) => group.rules.some((other) => sameAccess(other, rule)));
    const missing = rules.filter((rule) => !revoked.includes(rule));
    const rulesLeft = group.rules.filter(
      (other) => !revoked.some((rule) => sameAccess(other, rule)),
    );
    this.groups.set(groupId, { ...group, rules: rulesLeft });
    return { revoked, missing, retried: false };
  }

  /** Replaces a rule's content under its id, as `ModifySecurityGroupRules` does. */
  modifyRule(groupId: string, ruleId: string, change: Partial<RuleToAuthorize>): void {
    const group = this.existing(groupId);
    const rules = group.rules.map((rule) =>
      rule.ruleId === ruleId ? { ...rule, ...change } : rule,
    );
    this.groups.set(groupId, { ...group, rules });
  }

  private existing(groupId: string): GroupSnapshot {
    const group = this.groups.get(groupId);
    if (!group) throw new MissingGroupError(`security group ${groupId} does not exist`);
    return group;
  }

  private record(method: Method, detail?: string) {
    this.calls.push(detail === undefined ? method : `${method} ${detail}`);
    const failure = this.failures[method];
    if (failure) throw failure;
  }
}

/** Every account gets `mode` (from the account's own tag, unless told otherwise). */
export class FixedPolicies implements AccountPolicyReader {
  calls = 0;
  failure: Error | undefined;
  constructor(private readonly mode: Mode) {}

  async policyFor(accountId: string): Promise<AccountPolicy> {
    this.calls++;
    if (this.failure) throw this.failure;
    return {
      accountId,
      accountName: 'payments-prod',
      mode: this.mode,
      source: { kind: 'account', id: accountId },
      warnings: [],
    };
  }
}

/** Keeps what was published; fails every publish while `failure` is set. */
export class Outbox implements NoticePublisher {
  readonly notices: Notice[] = [];
  failure: Error | undefined;

  async publish(notice: Notice): Promise<void> {
    if (this.failure) throw this.failure;
    this.notices.push(notice);
  }

  get actions(): string[] {
    return this.notices.map((notice) => notice.record.action);
  }
}
