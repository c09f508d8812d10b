/** Codes callers (and `handleError`) branch on. */
export type CliErrorCode =
  /** An option or argument is missing, malformed or contradicts another. */
  | 'USAGE'
  /** An input file (explain JSON, records) cannot be read or has the wrong shape. */
  | 'INPUT'
  /** A change needs confirmation and there is no terminal to ask on (and no `--yes`). */
  | 'CONFIRMATION_REQUIRED'
  /** The user answered no. */
  | 'ABORTED'
  /** The local AWS emulator (`moto_server`) is not installed or did not start. */
  | 'EMULATOR_UNAVAILABLE';

/**
 * Base of every error the CLI itself raises. `handleError` prints `message` (and `hint`) and
 * exits 1; errors from the core and the adapters are printed the same way with their own codes.
 */
export class CliError extends Error {
  readonly code: CliErrorCode;
  /** A next step for the user, printed under the message. */
  readonly hint?: string;

  constructor(code: CliErrorCode, message: string, options?: ErrorOptions & { hint?: string }) {
    super(message, options);
    this.name = 'CliError';
    this.code = code;
    if (options?.hint) this.hint = options.hint;
  }
}

/** An option value that fails validation; names the option. */
export class UsageError extends CliError {
  constructor(message: string, options?: ErrorOptions & { hint?: string }) {
    super('USAGE', message, options);
    this.name = 'UsageError';
  }
}

/** An input file that cannot be read or parsed; names the file. */
export class InputError extends CliError {
  constructor(
    readonly file: string,
    message: string,
    options?: ErrorOptions & { hint?: string },
  ) {
    super('INPUT', `${file}: ${message}`, options);
    this.name = 'InputError';
  }
}
