/**
 * Per-account mode from the organization's `sg-guard:mode` tags, read through Organizations in
 * the management account (or a delegated administrator).
 */
import {
  DescribeAccountCommand,
  ListParentsCommand,
  type OrganizationsClient,
  paginateListTagsForResource,
} from '@aws-sdk/client-organizations';
import {
  type AccountPolicy,
  type AccountPolicyReader,
  type Mode,
  type PolicyLevel,
  type PolicyLevelKind,
  resolveAccountPolicy,
} from '@sg-guard/remediation-core';
import { AwsAdapterError, callAws } from './errors.js';
import { TtlCache } from './ttl-cache.js';

/** Organizations nests OUs at most five deep; more parents than this means a broken answer. */
const MAX_CHAIN_LENGTH = 7;

/** Options of {@link OrganizationsPolicyReader}. */
export interface OrganizationsPolicyReaderOptions {
  /** A client whose credentials may read the organization (the org reader role). */
  readonly organizations: OrganizationsClient;
  /** The mode when no level of the chain carries a valid tag. */
  readonly defaultMode: Mode;
  /**
   * How long one account's policy is reused. Every member's remediator calls Organizations in the
   * same management account, whose API rate is low, so a warm container asks only once per TTL.
   * @default 300_000 (5 minutes)
   */
  readonly ttlMs?: number;
  /** Clock in epoch milliseconds (tests inject one). @default Date.now */
  readonly now?: () => number;
}

/**
 * {@link AccountPolicyReader} over AWS Organizations. The nearest level wins, so the chain is
 * walked lazily: the account's tags first (with DescribeAccount for its name, concurrently),
 * then ListParents and the parent's tags, up to the root, stopping at the first level whose tag
 * decides. Policies are cached per account for `ttlMs`; a failed read is not cached.
 *
 * @example
 * const reader = new OrganizationsPolicyReader({ organizations, defaultMode: 'enforce' });
 * const { mode, source } = await reader.policyFor('111122223333');
 */
export class OrganizationsPolicyReader implements AccountPolicyReader {
  private readonly organizations: OrganizationsClient;
  private readonly defaultMode: Mode;
  private readonly cache: TtlCache<AccountPolicy>;
  /**
   * Tags and parents per organization resource, for the same TTL: accounts of one OU share its
   * and the root's answers, so an org-wide audit asks for each OU once, not once per account.
   */
  private readonly resources: TtlCache<unknown>;

  constructor(options: OrganizationsPolicyReaderOptions) {
    this.organizations = options.organizations;
    this.defaultMode = options.defaultMode;
    const ttlMs = options.ttlMs ?? 300_000;
    const now = options.now ?? Date.now;
    this.cache = new TtlCache(ttlMs, now);
    this.resources = new TtlCache(ttlMs, now);
  }

  policyFor(accountId: string): Promise<AccountPolicy> {
    return this.cache.get(accountId, () => this.read(accountId));
  }

  /** One read per resource and TTL, shared by concurrent callers; a failed read is forgotten. */
  private remember<T>(key: string, load: () => Promise<T>): Promise<T> {
    return this.resources.get(key, load) as Promise<T>;
  }

  private async read(accountId: string): Promise<AccountPolicy> {
    const [accountName, chain] = await Promise.all([
      this.accountName(accountId),
      this.decidingChain(accountId),
    ]);
    return resolveAccountPolicy({
      accountId,
      ...(accountName ? { accountName } : {}),
      chain,
      defaultMode: this.defaultMode,
    });
  }

  /** The chain from the account upward, up to the first level whose tag decides the mode. */
  private async decidingChain(accountId: string): Promise<PolicyLevel[]> {
    const chain: PolicyLevel[] = [];
    let level: { kind: PolicyLevelKind; id: string } = { kind: 'account', id: accountId };
    for (;;) {
      chain.push({ ...level, tags: await this.tags(level.id) });
      const decided =
        resolveAccountPolicy({ accountId, chain, defaultMode: this.defaultMode }).source.kind !==
        'default';
      if (decided || level.kind === 'root') return chain;
      if (chain.length >= MAX_CHAIN_LENGTH) {
        throw new AwsAdapterError(
          'AWS_ERROR',
          `no organization root above account ${accountId} after ${chain.length} levels`,
        );
      }
      level = await this.parent(level.id);
    }
  }

  private parent(childId: string): Promise<{ kind: PolicyLevelKind; id: string }> {
    return this.remember(`parent:${childId}`, () => this.readParent(childId));
  }

  private async readParent(childId: string): Promise<{ kind: PolicyLevelKind; id: string }> {
    const response = await callAws('organizations:ListParents', () =>
      this.organizations.send(new ListParentsCommand({ ChildId: childId })),
    );
    const parent = response.Parents?.[0];
    if (!parent?.Id) {
      throw new AwsAdapterError('AWS_ERROR', `ListParents returned no parent for ${childId}`);
    }
    return { kind: parent.Type === 'ROOT' ? 'root' : 'ou', id: parent.Id };
  }

  private tags(resourceId: string): Promise<Record<string, string>> {
    return this.remember(`tags:${resourceId}`, () => this.readTags(resourceId));
  }

  private async readTags(resourceId: string): Promise<Record<string, string>> {
    const tags: Record<string, string> = {};
    await callAws('organizations:ListTagsForResource', async () => {
      const pages = paginateListTagsForResource(
        { client: this.organizations },
        { ResourceId: resourceId },
      );
      for await (const page of pages) {
        for (const tag of page.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? '';
      }
    });
    return tags;
  }

  private async accountName(accountId: string): Promise<string | undefined> {
    const response = await callAws('organizations:DescribeAccount', () =>
      this.organizations.send(new DescribeAccountCommand({ AccountId: accountId })),
    );
    return response.Account?.Name;
  }
}

export { DefaultPolicyReader } from './default-policy.js';
