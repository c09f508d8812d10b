/**
 * The mode reader without Organizations or a mode map: a module of its own, so a bundle that
 * uses only it (the remediator's entry) reaches nothing of the readers that cache and call AWS.
 */
import type { AccountPolicy, AccountPolicyReader, Mode } from '@sg-guard/remediation-core';

/**
 * The reader used when there is no mode map to read (no `SG_GUARD_MODE_BUCKET`): every account
 * gets the deployed default mode, with source `default`, and no API call is made.
 *
 * @example
 * await new DefaultPolicyReader('notify').policyFor('111122223333') // → { mode: 'notify', source: { kind: 'default' }, … }
 */
export class DefaultPolicyReader implements AccountPolicyReader {
  constructor(private readonly defaultMode: Mode) {}

  async policyFor(accountId: string): Promise<AccountPolicy> {
    return { accountId, mode: this.defaultMode, source: { kind: 'default' }, warnings: [] };
  }
}
