/**
 * The offline plan diff: what changes between two renders of one stack, as data and as Markdown.
 * Pure functions over snapshots (lib/snapshot.ts); generic over whatever objects a stack renders.
 *
 * Objects are matched by kind/namespace/name; inside an object, list items that all carry a unique
 * `name` (containers, env, ports, volumes, ...) are matched by it, other lists by position. Secret
 * values are never printed: two digests that differ show as "changed (secret)".
 */
import { stringify } from "yaml";
import type { KubeObject, PlanEntry } from "./render";
import { SECRET_PLACEHOLDER, isRenderedSecret } from "./render";
import { guardChanges, objectSafety, riskyChanges } from "./diff-safety";
import type { Snapshot } from "./snapshot";

export type FieldChangeKind = "added" | "removed" | "changed" | "secret" | "reordered";

export interface FieldChange {
  /** e.g. `spec.template.spec.containers[name=hcap-server].env[name=PORT].value` */
  readonly path: string;
  readonly kind: FieldChangeKind;
  /** Absent for `added` and for `secret`. */
  readonly before?: unknown;
  /** Absent for `removed` and for `secret`. */
  readonly after?: unknown;
}

export interface ObjectChange {
  /** `kind/namespace/name` */
  readonly key: string;
  readonly fields: readonly FieldChange[];
}

export interface SafetyChange {
  /** `<type> <logical name>` */
  readonly resource: string;
  readonly message: string;
}

export interface StackDiff {
  readonly added: readonly KubeObject[];
  readonly removed: readonly KubeObject[];
  readonly changed: readonly ObjectChange[];
  readonly safety: readonly SafetyChange[];
  /** False when one side rendered secrets as a bare placeholder: secret changes are then invisible. */
  readonly secretsComparable: boolean;
  /** False when one side predates the provider/retention record: those changes cannot be seen. */
  readonly guardsComparable?: boolean;
}

export function objectKey(o: KubeObject): string {
  return `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
}

type Json = unknown;

function isRecord(v: Json): v is Record<string, Json> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** The names of a list whose items are all objects with a unique string `name`; otherwise null. */
function itemNames(list: readonly Json[]): string[] | null {
  const names: string[] = [];
  for (const item of list) {
    if (!isRecord(item) || typeof item.name !== "string") return null;
    names.push(item.name);
  }
  return new Set(names).size === names.length ? names : null;
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

/**
 * Field-level differences between two JSON values. A secret on either side hides both values;
 * a bare placeholder on both sides counts as unchanged (nothing to compare).
 */
export function diffValues(before: Json, after: Json, path = ""): FieldChange[] {
  if (isRenderedSecret(before) || isRenderedSecret(after)) {
    if (before === after) return [];
    if (before === SECRET_PLACEHOLDER && after === SECRET_PLACEHOLDER) return [];
    return [{ path, kind: "secret" }];
  }
  if (isRecord(before) && isRecord(after)) {
    const out: FieldChange[] = [];
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const k of keys) {
      const p = join(path, k);
      if (!(k in after)) out.push(removedField(p, before[k]));
      else if (!(k in before)) out.push(addedField(p, after[k]));
      else out.push(...diffValues(before[k], after[k], p));
    }
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after)) return diffLists(before, after, path);
  if (Object.is(before, after)) return [];
  return [{ path, kind: "changed", before, after }];
}

function diffLists(before: readonly Json[], after: readonly Json[], path: string): FieldChange[] {
  const namesBefore = itemNames(before);
  const namesAfter = itemNames(after);
  const out: FieldChange[] = [];
  if (namesBefore && namesAfter && (before.length > 0 || after.length > 0)) {
    const at = (name: string): string => `${path}[name=${name}]`;
    for (const [i, name] of namesBefore.entries()) {
      const j = namesAfter.indexOf(name);
      if (j < 0) out.push(removedField(at(name), before[i]));
      else out.push(...diffValues(before[i], after[j], at(name)));
    }
    for (const [j, name] of namesAfter.entries()) {
      if (!namesBefore.includes(name)) out.push(addedField(at(name), after[j]));
    }
    // Order matters to the API server (and to drift): report a pure reordering too.
    const common = namesBefore.filter((n) => namesAfter.includes(n));
    const commonAfter = namesAfter.filter((n) => namesBefore.includes(n));
    if (common.some((n, i) => n !== commonAfter[i])) {
      out.push({ path, kind: "reordered", before: common, after: commonAfter });
    }
    return out;
  }
  const n = Math.max(before.length, after.length);
  for (let i = 0; i < n; i++) {
    const p = `${path}[${i}]`;
    if (i >= after.length) out.push(removedField(p, before[i]));
    else if (i >= before.length) out.push(addedField(p, after[i]));
    else out.push(...diffValues(before[i], after[i], p));
  }
  return out;
}

function addedField(path: string, after: Json): FieldChange {
  return isRenderedSecret(after) ? { path, kind: "secret" } : { path, kind: "added", after };
}

function removedField(path: string, before: Json): FieldChange {
  return isRenderedSecret(before) ? { path, kind: "secret" } : { path, kind: "removed", before };
}

const SAFETY_FLAGS = ["protect", "retainOnDelete", "deleteBeforeReplace"] as const;

function label(e: PlanEntry): string {
  return `${e.type} ${e.name}`;
}

function isKubernetes(e: PlanEntry): boolean {
  return e.type.startsWith("kubernetes:");
}

/** Component resources (this project's `hcap:` types and the root stack) carry no state of their own. */
function isComponent(e: PlanEntry): boolean {
  return e.type.startsWith("hcap:") || e.type === "pulumi:pulumi:Stack";
}

/** Plan-level changes that matter for data safety, between two plans. */
export function diffPlans(before: readonly PlanEntry[], after: readonly PlanEntry[]): SafetyChange[] {
  const out: SafetyChange[] = [];
  const byUrnAfter = new Map(after.map((e) => [e.urn, e]));
  const byUrnBefore = new Map(before.map((e) => [e.urn, e]));
  const typeName = (e: PlanEntry): string => `${e.type}::${e.name}`;
  const unmatchedAfter = new Map<string, PlanEntry>();
  for (const e of after) if (!byUrnBefore.has(e.urn)) unmatchedAfter.set(typeName(e), e);

  for (const b of before) {
    let a = byUrnAfter.get(b.urn);
    if (!a) {
      a = unmatchedAfter.get(typeName(b));
      if (a) {
        unmatchedAfter.delete(typeName(b));
        out.push({
          resource: label(b),
          message: `URN changes (new parent): Pulumi deletes and recreates it unless an alias is added — was \`${b.urn}\`, now \`${a.urn}\``,
        });
      } else {
        out.push({ resource: label(b), message: removalMessage(b) });
        continue;
      }
    }
    for (const flag of SAFETY_FLAGS) {
      if (b[flag] !== a[flag]) out.push({ resource: label(b), message: `\`${flag}\` ${b[flag]} → ${a[flag]}` });
    }
    if (b.import !== a.import) {
      out.push({ resource: label(b), message: `\`import\` ${b.import === null ? "none" : `\`${b.import}\``} → ${a.import === null ? "none" : `\`${a.import}\``}` });
    }
    if (b.ignoreChanges.join(",") !== a.ignoreChanges.join(",")) {
      out.push({ resource: label(b), message: `\`ignoreChanges\` [${b.ignoreChanges.join(", ")}] → [${a.ignoreChanges.join(", ")}]` });
    }
  }
  for (const a of unmatchedAfter.values()) {
    const notes: string[] = [];
    if (a.import !== null) notes.push(`imports \`${a.import}\``);
    if (a.protect) notes.push("protected");
    if (a.retainOnDelete) notes.push("retained on delete");
    // Kubernetes objects and components show up in the object list; report other new resources
    // (random passwords, providers) and anything new with a safety option.
    if (notes.length > 0 || !(isKubernetes(a) || isComponent(a))) {
      out.push({ resource: label(a), message: `new resource${notes.length > 0 ? ` (${notes.join(", ")})` : ""}` });
    }
  }
  return out;
}

function removalMessage(b: PlanEntry): string {
  if (b.protect) return "removed while protected: `pulumi up` will refuse until protect is lifted";
  if (b.retainOnDelete) return "removed from the stack; retainOnDelete leaves it in the cluster, unmanaged";
  if (b.type.startsWith("random:")) return "removed: its value (e.g. a password) is gone from state and a new one would differ";
  if (isKubernetes(b) || isComponent(b)) return "";
  return "removed";
}

/** Everything that differs between two snapshots of one stack. */
export function diffSnapshots(base: Snapshot, head: Snapshot): StackDiff {
  const before = new Map(base.objects.map((o) => [objectKey(o), o]));
  const after = new Map(head.objects.map((o) => [objectKey(o), o]));
  const added = head.objects.filter((o) => !before.has(objectKey(o)));
  const removed = base.objects.filter((o) => !after.has(objectKey(o)));
  const changed: ObjectChange[] = [];
  for (const o of head.objects) {
    const old = before.get(objectKey(o));
    if (!old) continue;
    const fields = diffValues(old, o);
    if (fields.length > 0) changed.push({ key: objectKey(o), fields });
  }
  return {
    added,
    removed,
    changed,
    safety: [
      ...guardChanges(base, head),
      ...diffPlans(base.plan, head.plan).filter((s) => s.message !== ""),
      ...objectSafety(changed, head.plan),
      ...riskyChanges(changed, removed, added),
    ],
    secretsComparable: base.secrets === "digest" && head.secrets === "digest",
    guardsComparable: base.guards !== undefined && head.guards !== undefined,
  };
}

export function hasChanges(d: StackDiff): boolean {
  return d.added.length + d.removed.length + d.changed.length + d.safety.length > 0;
}

/** Any rendered secret (digest or placeholder) → the placeholder, for printing. */
function hideSecrets(v: Json): Json {
  if (isRenderedSecret(v)) return SECRET_PLACEHOLDER;
  if (Array.isArray(v)) return v.map(hideSecrets);
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, hideSecrets(x)]));
  return v;
}

const MAX_VALUE = 160;

/** A value for a table cell: compact JSON, secrets hidden, cut at {@link MAX_VALUE} characters. */
function cell(v: Json): string {
  let text = JSON.stringify(hideSecrets(v)) ?? "null";
  if (text.length > MAX_VALUE) text = `${text.slice(0, MAX_VALUE)}…`;
  return `\`${text.replace(/`/g, "'").replace(/\|/g, "\\|")}\``;
}

function fieldRow(f: FieldChange): string {
  const path = `\`${f.path.replace(/\|/g, "\\|")}\``;
  switch (f.kind) {
    case "secret":
      return `| ${path} | changed (secret) | |`;
    case "added":
      return `| ${path} | added | ${cell(f.after)} |`;
    case "removed":
      return `| ${path} | removed: ${cell(f.before)} | |`;
    case "reordered":
      return `| ${path} | order ${cell(f.before)} | order ${cell(f.after)} |`;
    default:
      return `| ${path} | ${cell(f.before)} | ${cell(f.after)} |`;
  }
}

function yamlBlock(o: KubeObject): string[] {
  return ["<details><summary>YAML</summary>", "", "```yaml", stringify(hideSecrets(o), { lineWidth: 0 }).trimEnd(), "```", "", "</details>"];
}

export interface ReportMeta {
  readonly stack: string;
  readonly namespace: string;
  /** How the base was named, e.g. "`origin/main` (3f2a1bc)". */
  readonly base: string;
  /** How the head was named, e.g. "working tree". */
  readonly head: string;
  /** Mermaid text of the part of the stack's graph the change touches (lib/graph.ts); "" for none. */
  readonly graph?: string;
}

/** Above these sizes a section is collapsed into `<details>`, so a PR comment stays scannable. */
export const COLLAPSE = { objects: 3, rows: 15 } as const;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** One line per stack, first in the report (and gathered at the top of the CI job summary). */
export function summaryLine(d: StackDiff, meta: Pick<ReportMeta, "stack" | "namespace">): string {
  const what = hasChanges(d)
    ? `${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed` +
      (d.safety.length > 0 ? `, :warning: ${plural(d.safety.length, "safety change")}` : "")
    : "no changes";
  return `**\`${meta.stack}\`** (${meta.namespace}): ${what}`;
}

/** `lines` as they are, or inside a collapsed `<details>` when `collapse`. */
function section(summary: string, lines: readonly string[], collapse: boolean): string[] {
  return collapse ? [`<details><summary>${summary}</summary>`, "", ...lines, "</details>", ""] : [...lines];
}

/** The Markdown report of a diff. Never contains a secret value or digest. */
export function toMarkdown(d: StackDiff, meta: ReportMeta): string {
  const lines: string[] = [summaryLine(d, meta), "", `### Offline plan diff: \`${meta.stack}\` (${meta.namespace})`, "", `${meta.base} → ${meta.head}`, ""];
  if (!d.secretsComparable) {
    lines.push("> Note: the base renders secrets as a bare placeholder, so changes to secret values cannot be seen here.", "");
  }
  if (d.guardsComparable === false) {
    lines.push("> Note: the base was rendered by code that does not record the provider's identity or the backup retention, so changes to those cannot be seen here.", "");
  }
  if (!hasChanges(d)) {
    lines.push("No changes.");
    return `${lines.join("\n")}\n`;
  }
  lines.push(
    `**${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed** Kubernetes objects; ` +
      `${d.safety.length} safety-relevant plan change${d.safety.length === 1 ? "" : "s"}.`,
    "",
  );
  if (d.safety.length > 0) {
    lines.push("#### Safety (plan)", "");
    for (const s of d.safety) lines.push(`- :warning: \`${s.resource}\`: ${s.message}`);
    lines.push("");
  }
  if (d.added.length > 0) {
    const body: string[] = [];
    for (const o of d.added) body.push(`- \`${objectKey(o)}\``, "", ...yamlBlock(o), "");
    lines.push("#### Added", "", ...section(`${plural(d.added.length, "object")} added`, body, d.added.length > COLLAPSE.objects));
  }
  if (d.removed.length > 0) {
    lines.push("#### Removed", "");
    for (const o of d.removed) lines.push(`- \`${objectKey(o)}\``);
    lines.push("");
  }
  if (d.changed.length > 0) {
    const rows = d.changed.reduce((n, c) => n + c.fields.length, 0);
    const body: string[] = [];
    for (const c of d.changed) {
      const table = ["| path | before | after |", "|---|---|---|", ...c.fields.map(fieldRow), ""];
      body.push(`##### \`${c.key}\``, "", ...section(`${plural(c.fields.length, "field")} changed`, table, c.fields.length > COLLAPSE.rows));
    }
    lines.push("#### Changed", "", ...section(
      `${plural(d.changed.length, "object")} changed, ${plural(rows, "field")}`, body, d.changed.length > COLLAPSE.objects || rows > COLLAPSE.rows,
    ));
  }
  if (meta.graph) {
    lines.push("#### Graph of the change", "", ...section("Mermaid diagram (green added, red removed, yellow changed)", ["```mermaid", meta.graph.trimEnd(), "```", ""], true));
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
