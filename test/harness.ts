/**
 * The one place tests evaluate stacks: the real program under Pulumi's mock runtime (tools/evaluate/evaluate.ts),
 * optionally over a copy of the project whose stack file a test has edited.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parseDocument } from "yaml";
import { STACKS } from "../config";
import { evaluateStack, type StackEvaluation } from "../tools/evaluate/evaluate";
import { PROJECT_DIR } from "../tools/cli/project";
import { kubernetesObjects, plan, type PlanEntry } from "../tools/evaluate/render";
import type { KubeObject } from "../tools/kube/object";

export interface Rendered {
  readonly ev: StackEvaluation;
  readonly objects: readonly KubeObject[];
  readonly plan: readonly PlanEntry[];
}

export interface RenderOptions {
  readonly projectDir?: string;
  readonly secrets?: Readonly<Record<string, string>>;
}

export async function render(stack: string, options: RenderOptions = {}): Promise<Rendered> {
  const ev = await evaluateStack(stack, { projectDir: options.projectDir ?? PROJECT_DIR, secrets: options.secrets });
  return { ev, objects: kubernetesObjects(ev), plan: plan(ev) };
}

/** The object of `kind` named `name`; fails the test if there is not exactly one. */
export function find(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const hits = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (hits.length !== 1) {
    throw new Error(`expected one ${kind}/${name}, found ${hits.length}; have: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(", ")}`);
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
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hcap-infra-"));
  for (const f of ["Pulumi.yaml", ...STACKS.map((s) => `Pulumi.${s}.yaml`)]) {
    fs.copyFileSync(path.join(PROJECT_DIR, f), path.join(dir, f));
  }
  editStackFile(dir, stack, edit);
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
