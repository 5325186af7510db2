/**
 * Reads `Pulumi.yaml` and `Pulumi.<stack>.yaml` the way the Pulumi CLI merges them, for the offline
 * render: project defaults first, stack values over them. Values become the strings Pulumi hands a
 * program (`3` → "3", objects → JSON).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { stackFileName } from "../config/stacks";
import { asConfigString, isSecure, projectDefaults, stackFileEntries } from "../config/stack-file";

export interface StackFiles {
  /** Config values keyed without the project prefix. */
  readonly values: Record<string, string>;
  /** Keys whose stack-file value is `secure:` ciphertext: unreadable offline. */
  readonly encryptedKeys: Set<string>;
  /** The `secure:` ciphertext of each encrypted key (public: it is committed), so a rotation can be seen offline. */
  readonly ciphertexts: Record<string, string>;
  /** Keys written in the stack file. */
  readonly stackFileKeys: Set<string>;
  readonly stackFile: string;
  readonly stackFileExists: boolean;
  /**
   * Keys Pulumi.yaml declares without a default that the stack file does not set: the Pulumi CLI
   * refuses to run such a stack ("missing configuration value"), so the offline render does too.
   */
  readonly missingDeclared: string[];
}

/** Merged config of `stack`, read from `projectDir`. Throws ConfigError (naming the file) for unreadable YAML. */
export function readStackFiles(projectDir: string, stack: string): StackFiles {
  const { defaults, noDefault } = projectDefaults(projectDir, stack);
  const values: Record<string, string> = {};
  for (const [key, v] of Object.entries(defaults)) if (v !== null) values[key] = asConfigString(v);

  const stackFile = stackFileName(stack);
  const stackPath = path.join(projectDir, stackFile);
  const encryptedKeys = new Set<string>();
  const ciphertexts: Record<string, string> = {};
  const stackFileKeys = new Set<string>();
  const stackFileExists = fs.existsSync(stackPath);
  for (const { key, value } of stackFileEntries(stackPath, stack)) {
    stackFileKeys.add(key);
    if (isSecure(value)) {
      encryptedKeys.add(key);
      ciphertexts[key] = value.secure;
      values[key] = "";
    } else {
      values[key] = asConfigString(value);
    }
  }
  const missingDeclared = [...noDefault].filter((k) => !stackFileKeys.has(k));
  return { values, encryptedKeys, ciphertexts, stackFileKeys, stackFile, stackFileExists, missingDeclared };
}
