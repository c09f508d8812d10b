/**
 * The EC2 side of a remediation in one account and region: read a group with its rule ids,
 * resolve prefix lists, authorize narrowing rules, revoke by rule id.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  type EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import {
  type GroupSnapshot,
  type InboundRule,
  type PrefixListEntries,
  type RecordedRule,
  type RevokeRulesResult,
  type RuleToAuthorize,
  rulesFromIpPermissions,
  rulesFromSecurityGroupRules,
  type SecurityGroupGateway,
  sameAccess,
  toIpPermission,
} from '@sg-guard/remediation-core';
import { describeGroup, describeRules, fetchPrefixList, snapshotOf } from './ec2-gateway-reads.js';
import { AwsAdapterError, classifyAwsError, hasAwsCode } from './errors.js';

const RULE_MISSING = ['InvalidPermission.NotFound', 'InvalidSecurityGroupRuleId.NotFound'];

/** Options of {@link Ec2SecurityGroupGateway}. */
export interface Ec2GatewayOptions {
  /** Built once per container (see `createEc2Client`). */
  readonly ec2: EC2Client;
  /**
   * How long fetched prefix list entries are reused. Lists change rarely and are read only when a
   * guarded port references them.
   * @default 300_000 (5 minutes)
   */
  readonly prefixListTtlMs?: number;
  /** Clock in epoch milliseconds (tests inject one). @default Date.now */
  readonly now?: () => number;
}

/**
 * {@link SecurityGroupGateway} over one `EC2Client` (one account and region). Every SDK failure
 * is rethrown as a typed `AwsAdapterError` (`AccessDeniedError` names the denied action).
 *
 * @example
 * const gateway = new Ec2SecurityGroupGateway({ ec2: createEc2Client({ region: 'eu-west-1' }) });
 * const group = await gateway.loadGroup({ groupId: 'sg-0123456789abcdef0' });
 */
export class Ec2SecurityGroupGateway implements SecurityGroupGateway {
  private readonly ec2: EC2Client;
  private readonly prefixListTtlMs: number;
  private readonly now: () => number;
  private readonly prefixLists = new Map<
    string,
    { readonly entries: readonly string[]; readonly expiresAt: number }
  >();

  constructor(options: Ec2GatewayOptions) {
    this.ec2 = options.ec2;
    this.prefixListTtlMs = options.prefixListTtlMs ?? 300_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * By id: DescribeSecurityGroups and DescribeSecurityGroupRules at once. By name only:
   * DescribeSecurityGroups `GroupNames`, which EC2 resolves in the default VPC (exactly where a
   * name-only API call acts), then the rules.
   */
  async loadGroup(ref: {
    readonly groupId?: string;
    readonly groupName?: string;
  }): Promise<GroupSnapshot | undefined> {
    if (ref.groupId) {
      const groupId = ref.groupId;
      const [group, rules] = await Promise.all([
        describeGroup(this.ec2, { GroupIds: [groupId] }, groupId),
        describeRules(this.ec2, groupId),
      ]);
      return group && snapshotOf(group, rules);
    }
    if (ref.groupName) {
      const group = await describeGroup(this.ec2, { GroupNames: [ref.groupName] }, ref.groupName);
      if (!group?.GroupId) return undefined;
      return snapshotOf(group, await describeRules(this.ec2, group.GroupId));
    }
    throw new AwsAdapterError('AWS_ERROR', 'a group reference needs a groupId or a groupName');
  }

  /**
   * Entries of each list, from the container's cache when fresh, else GetManagedPrefixListEntries
   * (all pages, lists fetched concurrently). A list that does not exist is left out, so the
   * assessment reports it as unresolved.
   */
  async loadPrefixLists(prefixListIds: readonly string[]): Promise<PrefixListEntries> {
    const now = this.now();
    const stale = [...new Set(prefixListIds)].filter(
      (id) => (this.prefixLists.get(id)?.expiresAt ?? 0) <= now,
    );
    await Promise.all(
      stale.map(async (id) => {
        const entries = await fetchPrefixList(this.ec2, id);
        if (entries) this.prefixLists.set(id, { entries, expiresAt: now + this.prefixListTtlMs });
        else this.prefixLists.delete(id);
      }),
    );
    const result = new Map<string, readonly string[]>();
    for (const id of prefixListIds) {
      const cached = this.prefixLists.get(id);
      if (cached) result.set(id, cached.entries);
    }
    return result;
  }

  /** Drops cached entries of these lists, so the next read sees a change just made to them. */
  forgetPrefixLists(prefixListIds: readonly string[]): void {
    for (const id of prefixListIds) this.prefixLists.delete(id);
  }

  /**
   * One AuthorizeSecurityGroupIngress for all rules; the ids come from the response's
   * `SecurityGroupRules`. EC2 rejects the whole call when one rule exists already, so on
   * `InvalidPermission.Duplicate` the rules are authorized one by one and the duplicates are
   * returned without an id.
   */
  async authorize(
    groupId: string,
    rules: readonly RuleToAuthorize[],
  ): Promise<readonly RecordedRule[]> {
    if (rules.length === 0) return [];
    try {
      return await this.authorizeBatch(groupId, rules);
    } catch (error) {
      if (!hasAwsCode(error, 'InvalidPermission.Duplicate')) {
        throw classifyAwsError(error, 'ec2:AuthorizeSecurityGroupIngress', groupId);
      }
      if (rules.length === 1) return rules.map(withoutId);
    }
    const recorded: RecordedRule[] = [];
    for (const rule of rules) {
      try {
        recorded.push(...(await this.authorizeBatch(groupId, [rule])));
      } catch (error) {
        if (!hasAwsCode(error, 'InvalidPermission.Duplicate')) {
          throw classifyAwsError(error, 'ec2:AuthorizeSecurityGroupIngress', groupId);
        }
        recorded.push(withoutId(rule));
      }
    }
    return recorded;
  }

  /**
   * One RevokeSecurityGroupIngress by `SecurityGroupRuleIds`. EC2 rejects the whole call when
   * one id is gone, so on a not-found error the ids are revoked one by one to tell what this
   * call removed from what was already gone.
   */
  async revoke(
    groupId: string,
    ruleIds: readonly string[],
  ): Promise<{ readonly revoked: readonly string[]; readonly alreadyGone: readonly string[] }> {
    const ids = [...new Set(ruleIds)];
    if (ids.length === 0) return { revoked: [], alreadyGone: [] };
    if (await this.revokeIds(groupId, ids)) return { revoked: ids, alreadyGone: [] };
    if (ids.length === 1) return { revoked: [], alreadyGone: ids };
    const revoked: string[] = [];
    const alreadyGone: string[] = [];
    for (const id of ids) {
      if (await this.revokeIds(groupId, [id])) revoked.push(id);
      else alreadyGone.push(id);
    }
    return { revoked, alreadyGone };
  }

  /**
   * Revokes rules by their exact content (`IpPermissions`), so a rule that its owner edited since
   * it was read is not touched: EC2 answers `InvalidPermission.NotFound` for content that is no
   * longer there, and such rules come back in `missing`. EC2 rejects the whole call when one rule
   * is missing, so then the rules are revoked one by one.
   */
  async revokeRules(groupId: string, rules: readonly InboundRule[]): Promise<RevokeRulesResult> {
    if (rules.length === 0) return { revoked: [], missing: [], retried: false };
    const batch = await this.revokeContent(groupId, rules);
    if (batch.kind === 'answered') return { ...batch.result, retried: false };
    if (rules.length === 1) {
      return { revoked: [], missing: rules, retried: batch.kind === 'missing-after-retry' };
    }
    // A non-default VPC refuses the whole call when one rule is missing: one by one, then.
    const revoked: InboundRule[] = [];
    const missing: InboundRule[] = [];
    let retried = batch.kind === 'missing-after-retry';
    for (const rule of rules) {
      const single = await this.revokeContent(groupId, [rule]);
      if (single.kind === 'answered') {
        revoked.push(...single.result.revoked);
        missing.push(...single.result.missing);
      } else {
        missing.push(rule);
        retried ||= single.kind === 'missing-after-retry';
      }
    }
    return { revoked, missing, retried };
  }

  /**
   * One revoke by content. `answered`: EC2 accepted the call; rules it lists in
   * `UnknownIpPermissions` (what a default VPC answers for content that is not there, instead of
   * an error) are `missing`, the rest revoked. `missing` / `missing-after-retry`: EC2 refused the
   * call with NotFound (a non-default VPC), to the first attempt or to a retry of the SDK (the
   * first attempt may have applied). Other failures are thrown, typed.
   */
  private async revokeContent(
    groupId: string,
    rules: readonly InboundRule[],
  ): Promise<
    | {
        readonly kind: 'answered';
        readonly result: { revoked: InboundRule[]; missing: InboundRule[] };
      }
    | { readonly kind: 'missing' | 'missing-after-retry' }
  > {
    try {
      const response = await this.ec2.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: groupId,
          // Descriptions are not part of a rule's identity; only access is matched.
          IpPermissions: rules.map(({ description: _description, ...rule }) =>
            toIpPermission(rule),
          ),
        }),
      );
      const unknown = rulesFromIpPermissions(response.UnknownIpPermissions ?? []);
      const isUnknown = (rule: InboundRule) => unknown.some((other) => sameAccess(other, rule));
      return {
        kind: 'answered',
        result: {
          revoked: rules.filter((rule) => !isUnknown(rule)),
          missing: rules.filter(isUnknown),
        },
      };
    } catch (error) {
      if (!hasAwsCode(error, ...RULE_MISSING)) {
        throw classifyAwsError(error, 'ec2:RevokeSecurityGroupIngress', groupId);
      }
      const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
      return { kind: attempts > 1 ? 'missing-after-retry' : 'missing' };
    }
  }

  /** `false` when EC2 says a rule id does not exist; other failures are thrown, typed. */
  private async revokeIds(groupId: string, ids: readonly string[]): Promise<boolean> {
    try {
      await this.ec2.send(
        new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: [...ids] }),
      );
      return true;
    } catch (error) {
      if (hasAwsCode(error, ...RULE_MISSING)) return false;
      throw classifyAwsError(error, 'ec2:RevokeSecurityGroupIngress', groupId);
    }
  }

  private async authorizeBatch(
    groupId: string,
    rules: readonly RuleToAuthorize[],
  ): Promise<RecordedRule[]> {
    const response = await this.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: rules.map(toIpPermission),
      }),
    );
    const created = rulesFromSecurityGroupRules(response.SecurityGroupRules ?? []);
    // Match by access, not position: the response's order is not documented.
    return rules.map((rule) => {
      const match = created.find((candidate) => sameAccess(candidate, rule));
      return match?.ruleId ? { ...rule, ruleId: match.ruleId } : withoutId(rule);
    });
  }
}

function withoutId(rule: RuleToAuthorize): RecordedRule {
  const { ruleId: _ignored, ...rest } = rule as RecordedRule;
  return rest;
}
