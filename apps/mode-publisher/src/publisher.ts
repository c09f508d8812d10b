/**
 * The publisher's use case: turn a trigger into mode-map objects. Modes are resolved by the
 * core's `resolveAccountPolicy` (the one implementation of the tag chain); Organizations is read
 * through `OrganizationDirectory`, the bucket written through `ModeMapWriter`.
 */
import {
  createLimiter,
  type Limiter,
  type ModeMapEntry,
  type ModeMapListing,
  type ModeMapWriter,
  type OrganizationDirectory,
  type OrganizationMember,
  type PublishedEntry,
} from '@sg-guard/aws';
import { type AccountPolicy, type Mode, resolveAccountPolicy } from '@sg-guard/remediation-core';
import type { ModeTrigger } from './events.js';

/** What a pass needs. */
export interface ModePublisherDeps {
  /** A fresh directory per pass, so no answer of an earlier pass is reused. */
  readonly directory: () => OrganizationDirectory;
  readonly writer: ModeMapWriter;
  readonly defaultMode: Mode;
  readonly now: () => Date;
  /** S3 writes in flight at once. @default 8 */
  readonly writeConcurrency?: number;
}

/** One object written (created or changed). */
export interface ModeMapChange {
  readonly outcome: 'created' | 'updated';
  readonly entry: ModeMapEntry;
  readonly replacedInvalid?: readonly string[];
}

/** What one trigger did. */
export interface PassSummary {
  readonly trigger: ModeTrigger['kind'];
  /** Accounts whose mode was resolved. */
  readonly resolved: number;
  readonly changes: readonly ModeMapChange[];
  readonly unchanged: number;
  /** Accounts whose object was deleted (they left the organization). */
  readonly deleted: readonly string[];
  /** Tag values that are not modes, per account (also written into the objects). */
  readonly warnings: readonly {
    readonly accountId: string;
    readonly warnings: readonly string[];
  }[];
  /** Why nothing was done, for `skip`. */
  readonly skipped?: string;
}

/**
 * Runs one trigger:
 * - `full`: every account (walked from the root) and one listing of `modes/`; each account's
 *   object written only when its content changed, compared and written as soon as the walk has
 *   the account's chain (the S3 calls overlap the walk); objects of accounts no longer found are
 *   deleted once DescribeAccount confirms the account is gone (an account moved while the walk
 *   ran is resolved on its own instead);
 * - `account`: DescribeAccount and its chain; written when changed, deleted when it is gone;
 * - `below`: every account below the OU or root (one listing of `modes/` when more than one);
 * - `removed`: the account's object deleted;
 * - `skip`: nothing.
 * Any AWS failure throws (typed by `@sg-guard/aws`) before deleting anything it could not check.
 *
 * @example
 * const summary = await runModeTrigger({ kind: 'full' }, deps);
 */
export async function runModeTrigger(
  trigger: ModeTrigger,
  deps: ModePublisherDeps,
): Promise<PassSummary> {
  const pass = new Pass(deps);
  switch (trigger.kind) {
    case 'full':
      await pass.full();
      break;
    case 'account':
      await pass.account(trigger.accountId);
      break;
    case 'below':
      await pass.below(trigger.parent);
      break;
    case 'removed':
      await pass.remove(trigger.accountId);
      break;
    case 'skip':
      return { ...pass.summary(trigger.kind), skipped: trigger.reason };
  }
  return pass.summary(trigger.kind);
}

class Pass {
  private readonly directory: OrganizationDirectory;
  private readonly now: Date;
  private readonly limit: Limiter;
  private resolved = 0;
  private unchanged = 0;
  private readonly changes: ModeMapChange[] = [];
  private readonly deleted: string[] = [];
  private readonly warnings: { accountId: string; warnings: readonly string[] }[] = [];

  constructor(private readonly deps: ModePublisherDeps) {
    this.directory = deps.directory();
    this.now = deps.now();
    this.limit = createLimiter(deps.writeConcurrency ?? 8);
  }

  async full(): Promise<void> {
    // Each account is compared and written as soon as the walk has its chain, so the S3 calls
    // overlap the Organizations walk instead of following it.
    const listing = this.deps.writer.list();
    listing.catch(() => undefined);
    const publishing = new Map<string, Promise<void>>();
    const start = (member: OrganizationMember) => {
      if (publishing.has(member.accountId)) return;
      const done = listing.then((known) => this.limit(() => this.publish(member, known)));
      // Awaited below; until then a failure must not count as unhandled.
      done.catch(() => undefined);
      publishing.set(member.accountId, done);
    };
    let members: OrganizationMember[];
    try {
      members = await this.directory.allAccounts({ onMember: start });
    } catch (error) {
      // No write of this pass outlives it.
      await Promise.allSettled(publishing.values());
      throw error;
    }
    for (const member of members) start(member);
    await Promise.all(publishing.values());
    const known = await listing;
    const present = new Set(members.map((member) => member.accountId));
    const missing = [...known.keys()].filter((accountId) => !present.has(accountId)).sort();
    for (const accountId of missing) await this.account(accountId);
  }

  async account(accountId: string): Promise<void> {
    const member = await this.directory.member(accountId);
    if (member) await this.publish(member);
    else await this.remove(accountId);
  }

  async below(parent: { readonly kind: 'ou' | 'root'; readonly id: string }): Promise<void> {
    const members = await this.directory.accountsBelow(parent);
    const listing = members.length > 1 ? await this.deps.writer.list() : undefined;
    await this.publishAll(members, listing);
  }

  async remove(accountId: string): Promise<void> {
    await this.deps.writer.remove(accountId);
    this.deleted.push(accountId);
  }

  summary(trigger: ModeTrigger['kind']): PassSummary {
    return {
      trigger,
      resolved: this.resolved,
      changes: this.changes,
      unchanged: this.unchanged,
      deleted: this.deleted,
      warnings: this.warnings,
    };
  }

  private async publishAll(
    members: readonly OrganizationMember[],
    listing: ModeMapListing | undefined,
  ): Promise<void> {
    await Promise.all(members.map((member) => this.limit(() => this.publish(member, listing))));
  }

  private async publish(member: OrganizationMember, listing?: ModeMapListing): Promise<void> {
    const policy = this.resolve(member);
    const result: PublishedEntry = await this.deps.writer.publish(policy, this.now, listing);
    if (result.outcome === 'unchanged') this.unchanged += 1;
    else {
      this.changes.push({
        outcome: result.outcome,
        entry: result.entry,
        ...(result.replacedInvalid && { replacedInvalid: result.replacedInvalid }),
      });
    }
  }

  private resolve(member: OrganizationMember): AccountPolicy {
    this.resolved += 1;
    const policy = resolveAccountPolicy({
      accountId: member.accountId,
      ...(member.name !== undefined && { accountName: member.name }),
      chain: member.chain,
      defaultMode: this.deps.defaultMode,
    });
    if (policy.warnings.length > 0) {
      this.warnings.push({ accountId: member.accountId, warnings: policy.warnings });
    }
    return policy;
  }
}
