/** Codes callers branch on. */
export type InfraErrorCode = 'INVALID_CONFIG' | 'CONFIG_NOT_FOUND';

/**
 * Base of every error the infrastructure code throws. `code` is stable; `message` is for people.
 *
 * @example
 * try { loadConfig(path) } catch (e) { if (e instanceof InfraError && e.code === 'INVALID_CONFIG') … }
 */
export class InfraError extends Error {
  readonly code: InfraErrorCode;

  constructor(code: InfraErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InfraError';
    this.code = code;
  }
}

/** One problem in the config file, located by its JSON path (`targets.regions[1]`). */
export interface ConfigIssue {
  /** JSON path of the offending field; `(root)` for the document itself. */
  readonly path: string;
  /** What is wrong with it. */
  readonly message: string;
}

/**
 * `sg-guard.config.json` does not validate. The message names every offending field by its JSON
 * path, so the fix is obvious without reading the schema.
 */
export class InvalidConfigError extends InfraError {
  constructor(
    readonly source: string,
    readonly issues: readonly ConfigIssue[],
    options?: ErrorOptions,
  ) {
    super(
      'INVALID_CONFIG',
      `${source} is not a valid sg-guard config:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`,
      options,
    );
    this.name = 'InvalidConfigError';
  }
}

/** The config file does not exist or cannot be read. */
export class ConfigNotFoundError extends InfraError {
  constructor(
    readonly source: string,
    options?: ErrorOptions,
  ) {
    super('CONFIG_NOT_FOUND', `cannot read the sg-guard config file ${source}`, options);
    this.name = 'ConfigNotFoundError';
  }
}
