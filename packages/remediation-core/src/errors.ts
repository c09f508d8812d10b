/** Codes callers branch on. */
export type SgGuardErrorCode =
  | 'INVALID_CIDR'
  | 'INVALID_RULE'
  | 'MALFORMED_EVENT'
  | 'UNSUPPORTED_EVENT'
  | 'INVALID_RECORD'
  | 'INVALID_SETTINGS';

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
