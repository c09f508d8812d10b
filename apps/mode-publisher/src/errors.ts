/** Codes callers branch on. */
export type ModePublisherErrorCode =
  /** The event looked like one the publisher handles but its fields are not as documented. */
  | 'MALFORMED_EVENT'
  /** The event is not a schedule or an Organizations event the publisher handles. */
  | 'UNSUPPORTED_EVENT';

/**
 * Base of every error the mode publisher's own code throws (AWS failures are `@sg-guard/aws`'s
 * typed errors; settings failures the core's `InvalidSettingsError`).
 */
export class ModePublisherError extends Error {
  readonly code: ModePublisherErrorCode;

  constructor(code: ModePublisherErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ModePublisherError';
    this.code = code;
  }
}

/** An Organizations CloudTrail event whose fields do not match what the event name implies. */
export class MalformedModeEventError extends ModePublisherError {
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
    options?: ErrorOptions,
  ) {
    super('MALFORMED_EVENT', message, options);
    this.name = 'MalformedModeEventError';
  }
}

/** An event that is neither the schedule nor one of the handled Organizations calls. */
export class UnsupportedModeEventError extends ModePublisherError {
  constructor(message: string, options?: ErrorOptions) {
    super('UNSUPPORTED_EVENT', message, options);
    this.name = 'UnsupportedModeEventError';
  }
}
