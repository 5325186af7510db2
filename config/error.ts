/** The one error type of config validation: every problem names the file, the key and the reason. */

/** One problem with one key. */
export interface ConfigIssue {
  readonly file: string;
  readonly key: string;
  readonly message: string;
  /** Set for a required secret that is not configured (the offline render fills these in). */
  readonly kind?: "missing-secret";
}

export class ConfigError extends Error {
  constructor(
    readonly stack: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super([`Invalid configuration for stack "${stack}":`, ...issues.map((i) => `  ${i.file}: ${i.key}: ${i.message}`)].join("\n"));
    this.name = "ConfigError";
  }
}
