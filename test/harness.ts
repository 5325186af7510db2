/**
 * The one place tests evaluate stacks: the real program under Pulumi's mock runtime (tools/evaluate/evaluate.ts),
 * optionally over a copy of the project whose stack file a test has edited.
 *
 * Renders are memoised per test worker by what determines them (stack, secrets, the text of every
 * Pulumi*.yaml in the project folder): the suite asks for the same few stacks hundreds of times,
 * and with `isolate: false` (vitest.config.mts) the memo is shared by every file the worker runs.
 * A memoised render is deep-frozen, so a test that edits one fails instead of corrupting the next.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parseDocument } from "yaml";
import { ConfigError, STACKS, parseConfig, type StackConfig } from "../config";
import { SecretValue } from "../tools/kube/secret";
import { evaluateStack, type StackEvaluation } from "../tools/evaluate/evaluate";
import { PROJECT_DIR } from "../tools/cli/project";
import { kubernetesObjects, plan, type PlanEntry } from "../tools/evaluate/render";
import type { KubeObject } from "../tools/kube/object";
import { expect } from "vitest";
import { readStackFiles } from "../tools/evaluate/stack-files";

export interface Rendered {
  readonly ev: StackEvaluation;
  readonly objects: readonly KubeObject[];
  readonly plan: readonly PlanEntry[];
}

export interface RenderOptions {
  readonly projectDir?: string;
  readonly secrets?: Readonly<Record<string, string>>;
  /**
   * Evaluate again, bypassing the memo: for the tests that prove a render depends on nothing but
   * its inputs (the memo's premise).
   */
  readonly fresh?: boolean;
}

const renders = new Map<string, Rendered>();

/** What a render depends on besides the code: the stack, the secrets and the project's stack files. */
function renderKey(stack: string, projectDir: string, secrets: Readonly<Record<string, string>> | undefined): string {
  const hash = createHash("sha256").update(`${stack}\0${JSON.stringify(Object.entries(secrets ?? {}).sort())}\0`);
  for (const f of fs
    .readdirSync(projectDir)
    .filter((n) => /^Pulumi(\..+)?\.yaml$/.test(n))
    .sort()) {
    hash
      .update(`${f}\0`)
      .update(fs.readFileSync(path.join(projectDir, f)))
      .update("\0");
  }
  return hash.digest("hex");
}

/** Freezes plain objects, arrays and captured secrets (never a library's class instances). */
function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null && !(value instanceof SecretValue)) return value;
  Object.freeze(value);
  for (const v of Object.values(value as object)) deepFreeze(v);
  return value;
}

/**
 * The stack evaluated offline (memoised; see the file comment). A rejected config is never memoised:
 * it costs nothing to evaluate, and {@link registeredCount} must see that evaluation.
 */
export async function render(stack: string, options: RenderOptions = {}): Promise<Rendered> {
  const projectDir = options.projectDir ?? PROJECT_DIR;
  const key = renderKey(stack, projectDir, options.secrets);
  const hit = renders.get(key);
  if (hit && !options.fresh) return hit;
  const ev = await evaluateStack(stack, { projectDir, secrets: options.secrets });
  const rendered = deepFreeze({ ev, objects: kubernetesObjects(ev), plan: plan(ev) });
  if (!hit) renders.set(key, rendered);
  return rendered;
}

/** Renders `stack` with `edit` applied to its stack file; returns the rejection, which must declare nothing. */
export async function configError(stack: string, edit: Record<string, unknown>): Promise<ConfigError> {
  try {
    await render(stack, { projectDir: projectWith(stack, edit) });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect(registeredCount()).toBe(0);
    return e as ConfigError;
  }
  throw new Error(`expected ${stack}'s config to be rejected`);
}

/** The object of `kind` named `name`; fails the test if there is not exactly one. */
export function find(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const hits = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (hits.length !== 1) {
    throw new Error(
      `expected one ${kind}/${name}, found ${hits.length}; have: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(", ")}`,
    );
  }
  return hits[0];
}

export function ofKind(objects: readonly KubeObject[], kind: string): KubeObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** The plan entry of the resource of `type` (suffix match on the type token) named `name`. */
export function planEntry(entries: readonly PlanEntry[], type: string, name: string): PlanEntry {
  const hits = entries.filter((e) => (e.type === type || e.type.endsWith(`:${type}`)) && e.name === name);
  if (hits.length !== 1) throw new Error(`expected one ${type} ${name} in the plan, found ${hits.length}`);
  return hits[0];
}

/**
 * A temporary copy of the project's Pulumi.yaml and stack files, with `edit` applied to the config
 * block of `Pulumi.<stack>.yaml` (`undefined` deletes a key). Returns the folder.
 */
export function projectWith(stack: string, edit: Record<string, unknown>): string {
  return projectWithStacks({ [stack]: edit });
}

/** {@link projectWith} for several stack files at once: `edits` maps a stack to its edit. */
export function projectWithStacks(edits: Readonly<Record<string, Record<string, unknown>>>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hcap-infra-"));
  for (const f of ["Pulumi.yaml", ...STACKS.map((s) => `Pulumi.${s}.yaml`)]) {
    fs.copyFileSync(path.join(PROJECT_DIR, f), path.join(dir, f));
  }
  for (const [stack, edit] of Object.entries(edits)) editStackFile(dir, stack, edit);
  return dir;
}

/** Sets (or, with `undefined`, removes) keys in `Pulumi.<stack>.yaml` of a project copy, keeping its comments. */
export function editStackFile(dir: string, stack: string, edit: Record<string, unknown>): void {
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  const doc = fs.existsSync(file) ? parseDocument(fs.readFileSync(file, "utf8")) : parseDocument("config: {}\n");
  if (!doc.has("config") || doc.get("config") === null) doc.set("config", doc.createNode({}));
  for (const [key, value] of Object.entries(edit)) {
    if (value === undefined) doc.deleteIn(["config", key]);
    else doc.setIn(["config", key], value);
  }
  fs.writeFileSync(file, doc.toString());
}

/** Resources the mock engine received in the last evaluation (0 when config was rejected). */
export function registeredCount(): number {
  const monitor = pulumi.runtime.getMonitor() as unknown as { getRegisteredResources(): Map<string, unknown> } | undefined;
  // No monitor yet: the evaluation stopped before the mock engine was even set up.
  return monitor ? monitor.getRegisteredResources().size : 0;
}

/**
 * `stack`'s real config from the project's files, parsed without evaluating anything, with `extra`
 * plain values and exactly the given secrets set (as `pulumi config set [--secret]` in the stack
 * file would). Throws what parseConfig throws.
 */
export function parseStack(
  stack: string,
  extra: Readonly<Record<string, string>> = {},
  secrets: Readonly<Record<string, string>> = {},
): StackConfig {
  const files = readStackFiles(PROJECT_DIR, stack);
  const stackFileKeys = new Set([...files.stackFileKeys, ...Object.keys(extra), ...Object.keys(secrets)]);
  return parseConfig(stack, {
    values: { ...files.values, ...extra, ...secrets },
    secretKeys: new Set(Object.keys(secrets)),
    stackFileKeys,
    sourceOf: (key) => (stackFileKeys.has(key) ? `Pulumi.${stack}.yaml` : "Pulumi.yaml"),
  });
}

/**
 * A throw-away git repository holding this project's tracked and untracked-but-not-ignored files
 * (node_modules linked). With `commitBefore`, a first commit without the project, so a diff can have
 * a base that predates it.
 */
export function gitProjectCopy(options: { commitBefore?: boolean } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hcap-infra-git-"));
  const git = (...args: string[]): void => {
    const r = spawnSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.invalid", ...args], { cwd: dir, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  };
  git("init", "-q", "-b", "main");
  if (options.commitBefore) {
    fs.writeFileSync(path.join(dir, "README.md"), "empty\n");
    git("add", "-A");
    git("commit", "-q", "-m", "before the project");
  }
  const files = spawnSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: PROJECT_DIR, encoding: "utf8" })
    .stdout.split("\n")
    .filter((f) => f !== "" && fs.existsSync(path.join(PROJECT_DIR, f)));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(path.join(PROJECT_DIR, f), path.join(dir, f));
  }
  fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(dir, "node_modules"), "dir");
  git("add", "-A", "--", ".", ":!node_modules");
  git("commit", "-q", "-m", "the project");
  return dir;
}

/**
 * Commits `file` with `content` on top of HEAD of the git repository `repo`, without touching its
 * working tree, index or branches (a temporary index); returns the commit's SHA.
 */
export function commitOnSide(repo: string, file: string, content: string): string {
  const env = { ...process.env, GIT_INDEX_FILE: path.join(fs.mkdtempSync(path.join(os.tmpdir(), "hcap-infra-index-")), "index") };
  const git = (args: string[], input?: string): string => {
    const r = spawnSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.invalid", ...args], {
      cwd: repo,
      env,
      input,
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
    return r.stdout.trim();
  };
  git(["read-tree", "HEAD"]);
  const blob = git(["hash-object", "-w", "--stdin"], content);
  git(["update-index", "--add", "--cacheinfo", `100644,${blob},${file}`]);
  return git(["commit-tree", git(["write-tree"]), "-p", "HEAD", "-m", `side: ${file}`]);
}
