/**
 * Reads `Pulumi.yaml` and `Pulumi.<stack>.yaml` the way the Pulumi CLI merges them, for the offline
 * render: project defaults first, stack values over them. Values become the strings Pulumi hands a
 * program (`3` → "3", objects → JSON).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { YAMLError, parse as parseYaml } from "yaml";
import { PROJECT, stackFileName } from "../config/stacks";
import { InputError } from "./cli";

export interface StackFiles {
  /** Config values keyed without the project prefix. */
  readonly values: Record<string, string>;
  /** Keys whose stack-file value is `secure:` ciphertext: unreadable offline. */
  readonly encryptedKeys: Set<string>;
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

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

function asConfigString(v: Json): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

function stripPrefix(key: string): string | undefined {
  if (!key.includes(":")) return key;
  return key.startsWith(`${PROJECT}:`) ? key.slice(PROJECT.length + 1) : undefined;
}

function readYaml(file: string): Record<string, Json> {
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(file, "utf8"));
  } catch (e) {
    // The yaml package's message says where, never which file.
    if (e instanceof YAMLError) throw new InputError(`${path.basename(file)}: not valid YAML: ${e.message.split("\n")[0]}`);
    throw e;
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== "object" || Array.isArray(doc)) throw new InputError(`${path.basename(file)}: expected a YAML mapping`);
  return doc as Record<string, Json>;
}

/** Merged config of `stack`, read from `projectDir`. Throws if `Pulumi.yaml` is missing or not YAML. */
export function readStackFiles(projectDir: string, stack: string): StackFiles {
  const project = readYaml(path.join(projectDir, "Pulumi.yaml"));
  const values: Record<string, string> = {};
  const noDefault = new Set<string>();
  const projectConfig = (project.config ?? {}) as Record<string, Json>;
  for (const [rawKey, decl] of Object.entries(projectConfig)) {
    const key = stripPrefix(rawKey);
    if (key === undefined) continue;
    if (decl !== null && typeof decl === "object" && !Array.isArray(decl)) {
      if ("default" in decl) values[key] = asConfigString(decl.default);
      else if ("value" in decl) values[key] = asConfigString(decl.value);
      else noDefault.add(key);
    } else if (decl !== null) {
      values[key] = asConfigString(decl);
    }
  }

  const stackFile = stackFileName(stack);
  const stackPath = path.join(projectDir, stackFile);
  const encryptedKeys = new Set<string>();
  const stackFileKeys = new Set<string>();
  const stackFileExists = fs.existsSync(stackPath);
  if (stackFileExists) {
    const doc = readYaml(stackPath);
    const config = (doc.config ?? {}) as Record<string, Json>;
    for (const [rawKey, v] of Object.entries(config)) {
      const key = stripPrefix(rawKey);
      if (key === undefined) continue;
      stackFileKeys.add(key);
      if (v !== null && typeof v === "object" && !Array.isArray(v) && typeof v.secure === "string") {
        encryptedKeys.add(key);
        values[key] = "";
      } else if (v !== null) {
        values[key] = asConfigString(v);
      }
    }
  }
  const missingDeclared = [...noDefault].filter((k) => !stackFileKeys.has(k));
  return { values, encryptedKeys, stackFileKeys, stackFile, stackFileExists, missingDeclared };
}
