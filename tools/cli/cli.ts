/**
 * Shared ending of every command-line script: a config error prints its message (file, key, reason)
 * on stderr and exits 2; any other failure exits 1. Nothing goes to stdout on failure.
 */
import { ConfigError } from "../../config";

export class UsageError extends Error {}

export function runCli(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    if (e instanceof ConfigError || e instanceof UsageError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
