/**
 * The organization as the mode publisher sees it: every account with the tags of its chain
 * (account, OUs upward, root), read top-down through Organizations with one answer per OU and
 * root per pass.
 */
import {
  DescribeAccountCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import type { PolicyLevel, PolicyLevelKind } from '@sg-guard/remediation-core';
import type { ClientSettings } from './clients.js';
import { createLimiter, type Limiter } from './concurrency.js';
import { AwsAdapterError, callAws, hasAwsCode } from './errors.js';

/** Organizations nests OUs at most five deep; more parents than this means a broken answer. */
const MAX_CHAIN_LENGTH = 7;

/** One account of the organization with everything its mode depends on. */
export interface OrganizationMember {
  readonly accountId: string;
  readonly name?: string;
  /** `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`… (State, else the older Status). */
  readonly status: string;
  /** The account's tags, then its OUs' from the nearest upward, then the root's. */
  readonly chain: readonly PolicyLevel[];
}

/** Options of {@link OrganizationDirectory.allAccounts} and {@link OrganizationDirectory.accountsBelow}. */
export interface WalkOptions {
  /**
   * Called once per account as soon as its chain is complete, while the walk goes on (an
   * account seen under two parents, moved while the walk ran, is passed the first time only).
   * It must not throw; the walk's result is the same with or without it.
   */
  readonly onMember?: (member: OrganizationMember) => void;
}

/** A container of the organization: an OU or the root. */
export interface OrganizationParent {
  readonly kind: Exclude<PolicyLevelKind, 'account'>;
  readonly id: string;
}

/** Options of {@link OrganizationDirectory}. */
export interface OrganizationDirectoryOptions {
  /** Management-account (or delegated administrator) client; see {@link createPublisherOrganizationsClient}. */
  readonly organizations: OrganizationsClient;
  /**
   * Organizations calls in flight at once. Organizations throttles per account at a low rate,
   * so a few at a time plus the SDK's adaptive retry is faster than many retried ones.
   * @default 4
   */
  readonly concurrency?: number;
}

/**
 * A read of the organization for one pass. Tags, parents and listings are cached for the
 * directory's life (build one per invocation, so a pass never sees answers of an earlier one);
 * a failed read is not cached. Every listing follows `NextToken` to the last page.
 *
 * Calls for a full pass over N accounts in P containers (root + OUs), each listing fitting one
 * page: 1 ListRoots + P ListTagsForResource + P ListOrganizationalUnitsForParent + P
 * ListAccountsForParent + N ListTagsForResource (Organizations returns no tags in listings).
 *
 * @example
 * const directory = new OrganizationDirectory({ organizations });
 * for (const member of await directory.allAccounts()) {
 *   resolveAccountPolicy({ accountId: member.accountId, chain: member.chain, defaultMode });
 * }
 */
export class OrganizationDirectory {
  private readonly organizations: OrganizationsClient;
  private readonly limit: Limiter;
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(options: OrganizationDirectoryOptions) {
    this.organizations = options.organizations;
    this.limit = createLimiter(options.concurrency ?? 4);
  }

  /** Every account of the organization (walked from the root), sorted by id. */
  async allAccounts(options: WalkOptions = {}): Promise<OrganizationMember[]> {
    return this.accountsBelow(await this.root(), options);
  }

  /** The organization's root (ListRoots). */
  root(): Promise<OrganizationParent> {
    return this.remember('root', async () => {
      const response = await this.call('organizations:ListRoots', () =>
        this.organizations.send(new ListRootsCommand({})),
      );
      const id = response.Roots?.[0]?.Id;
      if (!id) throw new AwsAdapterError('AWS_ERROR', 'ListRoots returned no root');
      return { kind: 'root' as const, id };
    });
  }

  /**
   * Every account below an OU or the root, at any depth, with its full chain (the part above
   * `parent` is read with ListParents), sorted by id.
   */
  async accountsBelow(
    parent: OrganizationParent,
    options: WalkOptions = {},
  ): Promise<OrganizationMember[]> {
    const above = parent.kind === 'root' ? [] : await this.levelsAbove(parent.id);
    const seen = new Set<string>();
    const found = options.onMember
      ? (member: OrganizationMember) => {
          if (seen.has(member.accountId)) return;
          seen.add(member.accountId);
          options.onMember?.(member);
        }
      : undefined;
    const members = await this.walk(parent, above, found);
    // An account moved while the walk ran can be seen under both parents: keep one.
    const unique = new Map(members.map((member) => [member.accountId, member]));
    return [...unique.values()].sort((a, b) => a.accountId.localeCompare(b.accountId));
  }

  /**
   * One account with its chain (DescribeAccount, then ListParents up to the root), or
   * `undefined` when the organization has no such account (`AccountNotFoundException`).
   */
  async member(accountId: string): Promise<OrganizationMember | undefined> {
    let account: { Name?: string; State?: string; Status?: string } | undefined;
    try {
      const response = await this.limit(() =>
        this.organizations.send(new DescribeAccountCommand({ AccountId: accountId })),
      );
      account = response.Account;
    } catch (error) {
      if (hasAwsCode(error, 'AccountNotFoundException')) return undefined;
      return callAws('organizations:DescribeAccount', () => Promise.reject(error));
    }
    const own: PolicyLevel = { kind: 'account', id: accountId, tags: await this.tags(accountId) };
    const parent = await this.parentOf(accountId);
    const parentLevel: PolicyLevel = { ...parent, tags: await this.tags(parent.id) };
    const above = parent.kind === 'root' ? [] : await this.levelsAbove(parent.id);
    return {
      accountId,
      ...(account?.Name ? { name: account.Name } : {}),
      status: account?.State ?? account?.Status ?? 'ACTIVE',
      chain: [own, parentLevel, ...above],
    };
  }

  private async walk(
    parent: OrganizationParent,
    above: readonly PolicyLevel[],
    found: ((member: OrganizationMember) => void) | undefined,
  ): Promise<OrganizationMember[]> {
    // The parent's tags and both listings are independent reads: queue the three at once.
    const [tags, units, accounts] = await Promise.all([
      this.tags(parent.id),
      this.unitsIn(parent.id),
      this.accountsIn(parent.id),
    ]);
    const chain = [{ ...parent, tags }, ...above];
    if (chain.length >= MAX_CHAIN_LENGTH) {
      throw new AwsAdapterError(
        'AWS_ERROR',
        `OU ${parent.id} is nested deeper than Organizations allows`,
      );
    }
    const direct = await Promise.all(
      accounts.map(async (account) => {
        const member: OrganizationMember = {
          accountId: account.id,
          ...(account.name ? { name: account.name } : {}),
          status: account.status,
          chain: [
            { kind: 'account' as const, id: account.id, tags: await this.tags(account.id) },
            ...chain,
          ],
        };
        found?.(member);
        return member;
      }),
    );
    const nested = await Promise.all(
      units.map((id) => this.walk({ kind: 'ou', id }, chain, found)),
    );
    return [...direct, ...nested.flat()];
  }

  /** Levels above an OU, nearest first, up to and including the root. */
  private async levelsAbove(ouId: string): Promise<PolicyLevel[]> {
    const levels: PolicyLevel[] = [];
    let child = ouId;
    for (;;) {
      const parent = await this.parentOf(child);
      levels.push({ ...parent, tags: await this.tags(parent.id) });
      if (parent.kind === 'root') return levels;
      if (levels.length >= MAX_CHAIN_LENGTH) {
        throw new AwsAdapterError(
          'AWS_ERROR',
          `no organization root above ${ouId} after ${levels.length} levels`,
        );
      }
      child = parent.id;
    }
  }

  private parentOf(childId: string): Promise<OrganizationParent> {
    return this.remember(`parent:${childId}`, async () => {
      const response = await this.call('organizations:ListParents', () =>
        this.organizations.send(new ListParentsCommand({ ChildId: childId })),
      );
      const parent = response.Parents?.[0];
      if (!parent?.Id) {
        throw new AwsAdapterError('AWS_ERROR', `ListParents returned no parent for ${childId}`);
      }
      return { kind: parent.Type === 'ROOT' ? ('root' as const) : ('ou' as const), id: parent.Id };
    });
  }

  /** Tags of an account, OU or root (every page of ListTagsForResource). */
  private tags(resourceId: string): Promise<Record<string, string>> {
    return this.remember(`tags:${resourceId}`, async () => {
      const tags: Record<string, string> = {};
      let token: string | undefined;
      do {
        const page = await this.call('organizations:ListTagsForResource', () =>
          this.organizations.send(
            new ListTagsForResourceCommand({ ResourceId: resourceId, NextToken: token }),
          ),
        );
        for (const tag of page.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? '';
        token = page.NextToken;
      } while (token);
      return tags;
    });
  }

  private unitsIn(parentId: string): Promise<string[]> {
    return this.remember(`units:${parentId}`, async () => {
      const ids: string[] = [];
      let token: string | undefined;
      do {
        const page = await this.call('organizations:ListOrganizationalUnitsForParent', () =>
          this.organizations.send(
            new ListOrganizationalUnitsForParentCommand({ ParentId: parentId, NextToken: token }),
          ),
        );
        for (const unit of page.OrganizationalUnits ?? []) if (unit.Id) ids.push(unit.Id);
        token = page.NextToken;
      } while (token);
      return ids;
    });
  }

  private accountsIn(
    parentId: string,
  ): Promise<{ readonly id: string; readonly name?: string; readonly status: string }[]> {
    return this.remember(`accounts:${parentId}`, async () => {
      const accounts: { id: string; name?: string; status: string }[] = [];
      let token: string | undefined;
      do {
        const page = await this.call('organizations:ListAccountsForParent', () =>
          this.organizations.send(
            new ListAccountsForParentCommand({ ParentId: parentId, NextToken: token }),
          ),
        );
        for (const account of page.Accounts ?? []) {
          if (!account.Id) continue;
          accounts.push({
            id: account.Id,
            ...(account.Name ? { name: account.Name } : {}),
            status: account.State ?? account.Status ?? 'ACTIVE',
          });
        }
        token = page.NextToken;
      } while (token);
      return accounts;
    });
  }

  /** One SDK call under the concurrency limit, its failure classified. */
  private call<T>(action: string, send: () => Promise<T>): Promise<T> {
    return this.limit(() => callAws(action, send));
  }

  /** One read per key for the directory's life, shared by concurrent callers; failures forgotten. */
  private remember<T>(key: string, load: () => Promise<T>): Promise<T> {
    const cached = this.cache.get(key);
    if (cached) return cached as Promise<T>;
    const value = load();
    this.cache.set(key, value);
    value.catch(() => {
      if (this.cache.get(key) === value) this.cache.delete(key);
    });
    return value;
  }
}

/**
 * The publisher's Organizations client (us-east-1): the SDK's **adaptive** retry mode, which
 * backs off exponentially with jitter on `TooManyRequestsException` and also slows the client's
 * own send rate after throttling, with more attempts than the other clients.
 *
 * @example
 * const organizations = createPublisherOrganizationsClient({ maxAttempts: 10 });
 */
export function createPublisherOrganizationsClient(
  settings: ClientSettings = {},
): OrganizationsClient {
  return new OrganizationsClient({
    region: settings.region ?? 'us-east-1',
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    retryMode: 'adaptive',
    maxAttempts: settings.maxAttempts ?? 10,
  });
}
