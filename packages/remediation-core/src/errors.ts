import type { RemediationRecord } from './model.js';

/** Codes callers branch on. */
export type SgGuardErrorCode =
  | 'INVALID_CIDR'
  | 'INVALID_RULE'
  | 'MALFORMED_EVENT'
  | 'UNSUPPORTED_EVENT'
  | 'INVALID_RECORD'
  | 'INVALID_SETTINGS'
  | 'LEASE_HELD'
  | 'NOTICE_NOT_PUBLISHED'
  | 'LEDGER_NOT_CLOSED';

/**
 * Base of every error the core throws. `code` is stable; `message` is for people.
 *
 * @example
 * try { parseEvent(input) } catch (e) { if (e instanceof SgGuardError && e.code === 'MALFORMED_EVENT') … }
 */
export class SgGuardError extends Error {
  readonly code: SgGuardErrorCode;

  constructor(code: SgGuardErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SgGuardError';
    this.code = code;
  }
}

/** A CIDR string that is not a valid IPv4 or IPv6 network. */
export class InvalidCidrError extends SgGuardError {
  constructor(
    readonly cidr: string,
    options?: ErrorOptions,
  ) {
    super('INVALID_CIDR', `not a valid CIDR: ${JSON.stringify(cidr)}`, options);
    this.name = 'InvalidCidrError';
  }
}

/** A rule or permission that cannot be normalized (no source, bad ports, unknown shape). */
export class InvalidRuleError extends SgGuardError {
  constructor(message: string, options?: ErrorOptions) {
    super('INVALID_RULE', message, options);
    this.name = 'InvalidRuleError';
  }
}

/** An event of an accepted kind whose content does not have the expected shape. */
export class MalformedEventError extends SgGuardError {
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
    options?: ErrorOptions,
  ) {
    super('MALFORMED_EVENT', message, options);
    this.name = 'MalformedEventError';
  }
}

/** An event that is none of the kinds the remediator accepts. */
export class UnsupportedEventError extends SgGuardError {
  constructor(message: string, options?: ErrorOptions) {
    super('UNSUPPORTED_EVENT', message, options);
    this.name = 'UnsupportedEventError';
  }
}

/** A remediation record that cannot be read or reversed. */
export class InvalidRecordError extends SgGuardError {
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
    options?: ErrorOptions,
  ) {
    super('INVALID_RECORD', message, options);
    this.name = 'InvalidRecordError';
  }
}

/** Settings (environment, config file, CLI options) that fail validation; names the setting. */
export class InvalidSettingsError extends SgGuardError {
  constructor(
    readonly setting: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super('INVALID_SETTINGS', `${setting}: ${message}`, options);
    this.name = 'InvalidSettingsError';
  }
}

/**
 * Another run holds the group's lease and did not finish while this one waited. Thrown so the
 * event is retried (Lambda's async retries); by then the holder has finished or its lease has
 * expired and the retry resumes its entry.
 */
export class LeaseHeldError extends SgGuardError {
  constructor(
    readonly groupId: string,
    options?: ErrorOptions,
  ) {
    super('LEASE_HELD', `another run is changing ${groupId}; the event will be retried`, options);
    this.name = 'LeaseHeldError';
  }
}

/**
 * A notice could not be published. The change is made and its ledger entry stays `applied`
 * (pending), so a retry, the next event for the group or the sweep publishes it; `record` is the
 * whole record, for the log.
 */
export class NoticeNotPublishedError extends SgGuardError {
  readonly record?: RemediationRecord;

  constructor(
    readonly groupId: string,
    readonly recordId: string,
    options?: ErrorOptions & { readonly record?: RemediationRecord },
  ) {
    super(
      'NOTICE_NOT_PUBLISHED',
      `the notice of record ${recordId} (${groupId}) could not be published; its ledger entry stays pending: ${
        options?.cause instanceof Error
          ? options.cause.message
          : String(options?.cause ?? 'no cause')
      }`,
      options,
    );
    this.name = 'NoticeNotPublishedError';
    if (options?.record) this.record = options.record;
  }
}

/**
 * The notice went out but its ledger entry could not be closed, even after retries. The entry
 * stays open; when a later run resumes it, the same record (same record id) may be mailed a
 * second time, so subscribers can tell the duplicate. Thrown so the failure is seen.
 */
export class LedgerNotClosedError extends SgGuardError {
  constructor(
    readonly groupId: string,
    readonly recordId: string,
    options?: ErrorOptions,
  ) {
    super(
      'LEDGER_NOT_CLOSED',
      `the notice of record ${recordId} (${groupId}) was published but its ledger entry could not be closed; a later run may mail the same record again`,
      options,
    );
    this.name = 'LedgerNotClosedError';
  }
}
