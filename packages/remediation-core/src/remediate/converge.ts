/**
 * Applying one ledger entry's plan to a group, compare-and-swap: rules are revoked only while
 * they are still what was read; a rule found changed has what was authorized for it taken back,
 * and the group is planned again from a fresh read. Works the same for a first run and for a
 * run that resumes an entry cut short (lost response, crash, timeout): what is already there,
 * or already gone, is resolved against the entry, never assumed to be someone else's work.
 */
import type { AppliedChanges, LedgerEntry } from '../ledger/ledger.js';
import type {
  AccountPolicy,
  DroppedAccess,
  Exposure,
  GroupSnapshot,
  InboundRule,
  PrefixListEntries,
  RecordedRule,
  RuleToAuthorize,
} from '../model.js';
import { narrowExposure } from '../plan/narrow.js';
import type { SecurityGroupGateway } from '../ports.js';
import { sameAccess } from '../rules/permission.js';
import { decide, type GroupDecision, type RemediationSettings } from './decide.js';

/** How many times a group is planned again after its rules changed under a run. */
export const MAX_REPLANS = 3;

/** What converging produced. */
export interface Convergence {
  /** Net changes: what was revoked, and what was authorized (with `created`). */
  readonly applied: AppliedChanges;
  /** The exposures of the revoked rules, across every round. */
  readonly exposures: readonly Exposure[];
  readonly dropped: readonly DroppedAccess[];
  /** The last decision (its plan and strategy go into the record). */
  readonly decision: GroupDecision;
  /** Set when the rules kept changing after {@link MAX_REPLANS} plans. */
  readonly unsettled?: boolean;
  /** Set when the group disappeared while it was being changed. */
  readonly gone?: boolean;
}

/** What converging needs besides the entry. */
export interface ConvergeContext {
  readonly groups: SecurityGroupGateway;
  readonly settings: RemediationSettings;
  readonly policy: AccountPolicy;
  readonly now: () => Date;
  /** Loads the group and its prefix lists afresh; `undefined` when it is gone. */
  readonly reload: () => Promise<
    { group: GroupSnapshot; prefixLists: PrefixListEntries } | undefined
  >;
  /** Called after every change, so a run cut short leaves what it did in the ledger. */
  readonly progress: (applied: AppliedChanges) => void;
  /**
   * Whether this run resumes an entry that an earlier run started (cut short, lost response):
   * a planned rule already gone is then that run's revoke.
   */
  readonly resuming: boolean;
}

const byId = (group: GroupSnapshot, ruleId: string | undefined) =>
  ruleId === undefined ? undefined : group.rules.find((rule) => rule.ruleId === ruleId);
const withAccess = (group: GroupSnapshot, rule: RuleToAuthorize) =>
  group.rules.find((candidate) => sameAccess(candidate, rule));

function recorded(
  rule: RuleToAuthorize & { readonly ruleId?: string },
  created?: boolean,
): RecordedRule {
  const { ruleId, protocol, fromPort, toPort, source, description } = rule;
  return {
    ...(ruleId !== undefined && { ruleId }),
    protocol,
    fromPort,
    toPort,
    source,
    ...(description !== undefined && { description }),
    ...(created !== undefined && { created }),
  };
}

/**
 * Brings the group to the entry's plan and says exactly what changed. Throws what the gateway
 * throws (access denied, throttling, 5xx); `progress` has been told every change made before.
 */
export async function converge(
  entry: LedgerEntry,
  start: GroupSnapshot,
  context: ConvergeContext,
): Promise<Convergence> {
  const before = entry.decision.group;
  const revoked: RecordedRule[] = [...entry.applied.revoked];
  const authorized: RecordedRule[] = [...entry.applied.authorized];
  const exposures: Exposure[] = [];
  const dropped: DroppedAccess[] = [];
  const existedBefore = (rule: RuleToAuthorize) => withAccess(before, rule) !== undefined;
  const report = () => context.progress({ revoked: [...revoked], authorized: [...authorized] });
  const settle = () => ({ applied: { revoked, authorized }, exposures, dropped, decision });

  let group = start;
  let decision: GroupDecision = {
    kind: 'enforce',
    group: before,
    assessment: {
      groupId: before.groupId,
      verdict: 'EXPOSED',
      exposures: entry.decision.exposures,
      rules: before.rules,
      unresolvedPrefixLists: [],
    },
    plan: entry.decision.plan,
  };

  for (let round = 0; round <= MAX_REPLANS; round += 1) {
    const { plan } = decision;
    // 1. Authorize first, so other ports never blink; what is there already is not authorized again.
    const missingAuthorizations: RuleToAuthorize[] = [];
    for (const rule of plan.authorize) {
      if (authorized.some((done) => sameAccess(done, rule))) continue;
      const present = withAccess(group, rule);
      if (present)
        authorized.push(recorded({ ...rule, ruleId: present.ruleId }, !existedBefore(rule)));
      else missingAuthorizations.push(rule);
    }
    let ambiguous = false;
    if (missingAuthorizations.length > 0) {
      for (const rule of await context.groups.authorize(group.groupId, missingAuthorizations)) {
        // No id back: EC2 said Duplicate. Ours if it was not there before (a retried call that
        // had applied); the fresh read below finds its id.
        if (rule.ruleId === undefined) ambiguous = true;
        authorized.push(recorded(rule, rule.ruleId !== undefined || !existedBefore(rule)));
      }
      report();
    }

    // 2. Revoke by content only what is still exactly what was read.
    const stillThere: InboundRule[] = [];
    const changed: InboundRule[] = [];
    for (const rule of plan.revoke) {
      const current = byId(group, rule.ruleId);
      if (current && sameAccess(current, rule)) stillThere.push(current);
      else if (current) changed.push(rule);
      else if (withAccess(group, rule)) stillThere.push(rule);
      // Gone already: the entry meant to revoke it, so a retried call did (resolved against it).
      else revoked.push(recorded(rule));
    }
    if (stillThere.length > 0) {
      const result = await context.groups.revokeRules(group.groupId, stillThere);
      revoked.push(...result.revoked.map((rule) => recorded(rule)));
      if (result.missing.length > 0) ambiguous = true;
      report();
      if (ambiguous) {
        const fresh = await context.reload();
        if (!fresh) return { ...settle(), gone: true };
        for (const rule of result.missing) {
          const gone = !byId(fresh.group, rule.ruleId) && !withAccess(fresh.group, rule);
          // Gone after a retried call or in a resumed entry: resolved against the intent, ours.
          // Gone on a first attempt, or edited: the owner's doing; what was authorized for it goes.
          if (gone && (result.retried || context.resuming)) revoked.push(recorded(rule));
          else changed.push(rule);
        }
        group = fresh.group;
      }
    } else if (ambiguous) {
      const fresh = await context.reload();
      if (!fresh) return { ...settle(), gone: true };
      group = fresh.group;
    }
    // Authorized rules that came back without an id get the id the group now shows.
    for (const [index, rule] of authorized.entries()) {
      if (rule.ruleId !== undefined || !rule.created) continue;
      const present = withAccess(group, rule);
      if (present?.ruleId) authorized[index] = { ...rule, ruleId: present.ruleId };
    }

    for (const exposure of decision.assessment.exposures) {
      if (revoked.some((rule) => sameAccess(rule, exposure.rule))) {
        if (!exposures.some((known) => sameAccess(known.rule, exposure.rule)))
          exposures.push(exposure);
        const narrowing = narrowExposure(exposure);
        if (narrowing.dropped && plan.appliedStrategy === 'narrow') dropped.push(narrowing.dropped);
      }
    }
    if (changed.length === 0) return settle();

    // 3. Someone edited a rule under us: take back what was authorized for rules not revoked,
    // then plan again from what the group is now.
    const justified = exposures.flatMap((exposure) =>
      decision.plan.appliedStrategy === 'narrow' ? narrowExposure(exposure).authorize : [],
    );
    const takeBack = authorized.filter(
      (rule) => rule.created && !justified.some((keep) => sameAccess(keep, rule)),
    );
    if (takeBack.length > 0) {
      await context.groups.revokeRules(
        group.groupId,
        takeBack.map(({ created: _created, ...rule }) => rule),
      );
      for (const rule of takeBack) authorized.splice(authorized.indexOf(rule), 1);
      report();
    }
    const fresh = await context.reload();
    if (!fresh) return { ...settle(), gone: true };
    group = fresh.group;
    decision = decide({
      group,
      policy: context.policy,
      prefixLists: fresh.prefixLists,
      settings: context.settings,
      now: context.now(),
    });
    if (decision.kind !== 'enforce') return settle();
  }
  return { ...settle(), unsettled: true };
}
