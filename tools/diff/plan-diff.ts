/**
 * The offline plan diff: what changes between two renders of one stack, as data and as Markdown.
 * Pure functions over snapshots (tools/evaluate/snapshot.ts); generic over whatever objects a stack renders.
 *
 * Objects are matched by kind/namespace/name; inside an object, list items that all carry a unique
 * `name` (containers, env, ports, volumes, ...) are matched by it, other lists by position. Secret
 * values are never printed: two digests that differ show as "changed (secret)".
 */
import { stringify } from "yaml";
import type { KubeObject } from "../kube/object";
import type { PlanEntry } from "../evaluate/render";
import { hideSecrets, isRenderedSecret } from "../kube/secret";
import { formatPath, treeDiff } from "../kube/tree-diff";
import { guardChanges, objectSafety, riskyChanges } from "./safety";
import type { Snapshot } from "../evaluate/snapshot";

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
  /** False when one side predates the provider/retention record: those changes cannot be seen. */
  readonly guardsComparable?: boolean;
}

export function objectKey(o: KubeObject): string {
  return `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
}

/** Rendered secrets (placeholder or keyed digest) compare as opaque strings and are never printed. */
const renderedSecret = (v: unknown): { value: unknown } | undefined => (isRenderedSecret(v) ? { value: v } : undefined);

/**
 * Field-level differences between two renders of one object, on the shared tree diff: every key and
 * item of either side, pure reorderings of name-keyed lists included. A changed secret shows only as
 * `secret`; a bare placeholder on both sides counts as unchanged (nothing to compare).
 */
export function diffValues(before: unknown, after: unknown): FieldChange[] {
  return treeDiff(before, after, { scope: "both", secret: renderedSecret, reorders: true }).map((c): FieldChange => {
    const path = formatPath(c.path);
    if (c.secret) return { path, kind: "secret" };
    if (c.kind === "added") return { path, kind: "added", after: c.after };
    if (c.kind === "removed") return { path, kind: "removed", before: c.before };
    return { path, kind: c.kind, before: c.before, after: c.after };
  });
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
  // A renamed resource whose aliases name its old URN is the same resource to Pulumi: its state moves.
  const byAlias = new Map(after.flatMap((e) => (e.aliases ?? []).filter((u) => !byUrnAfter.has(u)).map((u) => [u, e] as const)));
  const renamed = new Set([...byAlias.entries()].filter(([u]) => byUrnBefore.has(u)).map(([, e]) => e.urn));
  const unmatchedAfter = new Map<string, PlanEntry>();
  for (const e of after) if (!byUrnBefore.has(e.urn) && !renamed.has(e.urn)) unmatchedAfter.set(typeName(e), e);

  for (const b of before) {
    let a = byUrnAfter.get(b.urn) ?? byAlias.get(b.urn);
    if (!a) {
      a = unmatchedAfter.get(typeName(b));
      if (a) {
        unmatchedAfter.delete(typeName(b));
        out.push({
          resource: label(b),
          message: `URN changes (new parent): Pulumi deletes and recreates it unless an alias is added — was \`${b.urn}\`, now \`${a.urn}\``,
        });
      } else {
        const successor = [...unmatchedAfter.values()].find((e) => e.type === b.type && e.parent === b.parent);
        if (successor && !isComponent(b)) {
          // Same type under the same parent, another logical name: a rename. Without an alias Pulumi
          // creates the new one and deletes the old, and for a Kubernetes object of the same name that
          // delete removes the live object.
          unmatchedAfter.delete(typeName(successor));
          out.push({
            resource: label(b),
            message: `logical name changes to \`${successor.name}\` without an alias: Pulumi creates the new resource and deletes this one (add \`aliases: [{ name: "${b.name}" }]\`)`,
          });
          continue;
        }
        out.push({ resource: label(b), message: removalMessage(b) });
        continue;
      }
    }
    for (const flag of SAFETY_FLAGS) {
      if (b[flag] !== a[flag]) out.push({ resource: label(b), message: `\`${flag}\` ${b[flag]} → ${a[flag]}` });
    }
    if (b.import !== a.import) {
      out.push({
        resource: label(b),
        message: `\`import\` ${b.import === null ? "none" : `\`${b.import}\``} → ${a.import === null ? "none" : `\`${a.import}\``}`,
      });
    }
    if (b.ignoreChanges.join(",") !== a.ignoreChanges.join(",")) {
      out.push({ resource: label(b), message: `\`ignoreChanges\` [${b.ignoreChanges.join(", ")}] → [${a.ignoreChanges.join(", ")}]` });
    }
    // A hook that guards a write (the environment-tag source check) going away is a safety change too.
    if (hooksText(b) !== hooksText(a)) out.push({ resource: label(b), message: `\`hooks\` ${hooksText(b)} → ${hooksText(a)}` });
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

/** `beforeCreate: a, b; beforeUpdate: a`, or `none`. */
function hooksText(e: PlanEntry): string {
  const bound = Object.entries(e.hooks ?? {}).filter(([, names]) => names.length > 0);
  return bound.length === 0 ? "none" : bound.map(([point, names]) => `${point}: ${names.join(", ")}`).join("; ");
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
    guardsComparable: base.guards !== undefined && head.guards !== undefined,
  };
}

export function hasChanges(d: StackDiff): boolean {
  return d.added.length + d.removed.length + d.changed.length + d.safety.length > 0;
}

const MAX_VALUE = 160;

/** A value for a table cell: compact JSON, secrets hidden, cut at {@link MAX_VALUE} characters. */
function cell(v: unknown): string {
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
  return [
    "<details><summary>YAML</summary>",
    "",
    "```yaml",
    stringify(hideSecrets(o), { lineWidth: 0 }).trimEnd(),
    "```",
    "",
    "</details>",
  ];
}

export interface ReportMeta {
  readonly stack: string;
  readonly namespace: string;
  /** How the base was named, e.g. "`origin/main` (3f2a1bc)". */
  readonly base: string;
  /** How the head was named, e.g. "working tree". */
  readonly head: string;
  /** Mermaid text of the part of the stack's graph the change touches (tools/graph/graph.ts); "" for none. */
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
  const lines: string[] = [
    summaryLine(d, meta),
    "",
    `### Offline plan diff: \`${meta.stack}\` (${meta.namespace})`,
    "",
    `${meta.base} → ${meta.head}`,
    "",
  ];
  if (d.guardsComparable === false) {
    lines.push(
      "> Note: the base was rendered by code that does not record the provider's identity or the backup retention, so changes to those cannot be seen here.",
      "",
    );
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
      body.push(
        `##### \`${c.key}\``,
        "",
        ...section(`${plural(c.fields.length, "field")} changed`, table, c.fields.length > COLLAPSE.rows),
      );
    }
    lines.push(
      "#### Changed",
      "",
      ...section(
        `${plural(d.changed.length, "object")} changed, ${plural(rows, "field")}`,
        body,
        d.changed.length > COLLAPSE.objects || rows > COLLAPSE.rows,
      ),
    );
  }
  if (meta.graph) {
    lines.push(
      "#### Graph of the change",
      "",
      ...section("Mermaid diagram (green added, red removed, yellow changed)", ["```mermaid", meta.graph.trimEnd(), "```", ""], true),
    );
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
