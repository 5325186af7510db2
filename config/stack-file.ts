/**
 * Reading `Pulumi.yaml` and `Pulumi.<stack>.yaml` as YAML, once, for config validation and the
 * offline render: a syntax error, a document or `config:` block that is not a mapping, a key under a
 * wrong or misspelt project prefix, a key written twice (with and without the prefix) and a key with
 * no value all become a {@link ConfigError} naming the file and the key — never a stack trace, and
 * never the value (it may be a clear-text secret).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { isMap, isScalar, parseDocument } from "yaml";
import { ConfigError, type ConfigIssue } from "./error";

import { PROJECT } from "./stacks";

export { PROJECT };
/** Config namespaces Pulumi itself reads (engine settings); every other foreign namespace is a mistake. */
const ENGINE_NAMESPACES = new Set(["pulumi"]);

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/**
 * Mappings already parsed, by file text. One stack's evaluation reads `Pulumi.yaml` and the tools stack
 * file several times (defaults, promoted commits), and a process may evaluate four stacks: parsing
 * is the costly part, reading the file again is not (so an edited file is parsed afresh).
 */
const parsed = new Map<string, Record<string, Json>>();

/** A YAML file's top-level mapping; {} for an empty file. Throws ConfigError naming the file. */
export function readYamlMapping(file: string, stack: string): Record<string, Json> {
  const source = fs.readFileSync(file, "utf8");
  const known = parsed.get(source);
  if (known) return structuredClone(known);
  const value = parseMapping(source, path.basename(file), stack);
  parsed.set(source, structuredClone(value));
  return value;
}

function parseMapping(source: string, name: string, stack: string): Record<string, Json> {
  const doc = parseDocument(source, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      stack,
      doc.errors.map((e) => {
        const before = source.slice(0, e.pos[0]).split("\n");
        const [line, col] = [before.length, before[before.length - 1].length + 1];
        const dup = e.code === "DUPLICATE_KEY" ? duplicateKeyAt(doc.contents, e.pos[0]) : undefined;
        return {
          file: name,
          key: dup ?? `line ${line}, column ${col}`,
          message: dup ? `is written twice (line ${line}); YAML keys must be unique` : `is not valid YAML: ${e.message.split("\n")[0]}`,
        };
      }),
    );
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError(stack, [{ file: name, key: "(document)", message: "must be a YAML mapping (project:, config: ...)" }]);
  }
  return value as Record<string, Json>;
}

/** The key text of the map entry at `offset` (for a duplicate-key error). */
function duplicateKeyAt(node: unknown, offset: number): string | undefined {
  if (!isMap(node)) return undefined;
  for (const item of node.items) {
    if (isScalar(item.key) && item.key.range && item.key.range[0] === offset) return String(item.key.value);
    const inner = duplicateKeyAt(item.value, offset);
    if (inner) return inner;
  }
  return undefined;
}

/** The `config:` block of a parsed file: a mapping, or absent. */
export function configBlock(doc: Record<string, Json>, file: string, stack: string): Record<string, Json> {
  const config = doc.config;
  if (config === undefined || config === null) return {};
  if (typeof config !== "object" || Array.isArray(config)) {
    throw new ConfigError(stack, [
      {
        file: path.basename(file),
        key: "config",
        message: `must be a mapping of ${PROJECT}:<key>: <value> (it is a ${Array.isArray(config) ? "list" : typeof config})`,
      },
    ]);
  }
  return config;
}

/** One project key of a stack file. */
export interface StackFileEntry {
  /** Key without the project prefix. */
  readonly key: string;
  readonly value: Json;
}

/**
 * The project keys of a stack file's `config:` block, or a ConfigError for keys of another
 * namespace (`hcap:`, `hcap-infa:` — Pulumi would hand them to no one, so the program would run
 * without them), a key written with and without the prefix, and a key without a value.
 */
export function stackFileEntries(file: string, stack: string): StackFileEntry[] {
  if (!fs.existsSync(file)) return [];
  const name = path.basename(file);
  const config = configBlock(readYamlMapping(file, stack), file, stack);
  const issues: ConfigIssue[] = [];
  const seen = new Map<string, string>();
  const out: StackFileEntry[] = [];
  for (const [rawKey, value] of Object.entries(config)) {
    const i = rawKey.indexOf(":");
    const namespace = i < 0 ? PROJECT : rawKey.slice(0, i);
    const key = i < 0 ? rawKey : rawKey.slice(i + 1);
    if (namespace !== PROJECT) {
      if (!ENGINE_NAMESPACES.has(namespace)) {
        issues.push({
          file: name,
          key: rawKey,
          message: `has the prefix ${namespace}:, which this program never reads (its keys are ${PROJECT}:<key>${key ? `, e.g. ${PROJECT}:${key}` : ""}); the value would be ignored`,
        });
      }
      continue;
    }
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      issues.push({ file: name, key: rawKey, message: `is also written as ${earlier}; keep one (Pulumi would use only one of them)` });
      continue;
    }
    seen.set(key, rawKey);
    if (value === null || (typeof value === "string" && value.trim() === "" && value !== "")) {
      issues.push({
        file: name,
        key: rawKey,
        message: "has no value (YAML null or blank); give a value, or delete the line to use the default from Pulumi.yaml",
      });
      continue;
    }
    out.push({ key, value });
  }
  if (issues.length > 0) throw new ConfigError(stack, issues);
  return out;
}

/** `Pulumi.yaml`'s default of each project key (declared `default:`/`value:` or a plain value). */
export function projectDefaults(projectDir: string, stack: string): { defaults: Record<string, Json>; noDefault: Set<string> } {
  const file = path.join(projectDir, "Pulumi.yaml");
  const config = configBlock(readYamlMapping(file, stack), file, stack);
  const defaults: Record<string, Json> = {};
  const noDefault = new Set<string>();
  for (const [rawKey, decl] of Object.entries(config)) {
    const i = rawKey.indexOf(":");
    if (i >= 0 && rawKey.slice(0, i) !== PROJECT) continue;
    const key = i < 0 ? rawKey : rawKey.slice(i + 1);
    if (decl !== null && typeof decl === "object" && !Array.isArray(decl)) {
      if ("default" in decl) defaults[key] = decl.default;
      else if ("value" in decl) defaults[key] = decl.value;
      else noDefault.add(key);
    } else if (decl !== null) {
      defaults[key] = decl;
    }
  }
  return { defaults, noDefault };
}

/** Pulumi hands a program every value as a string: `3` → "3", objects → JSON. */
export function asConfigString(v: Json): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** Whether a stack-file value is `secure:` ciphertext. */
export function isSecure(v: Json): v is { readonly secure: string } {
  return v !== null && typeof v === "object" && !Array.isArray(v) && typeof v.secure === "string";
}
