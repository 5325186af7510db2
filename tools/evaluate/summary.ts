/**
 * The short per-stack summary `npm start` prints: what a reader wants at a glance (namespace, objects
 * by kind, what is protected, where the app is, which commit runs there, placeholders), each line at
 * most {@link WIDTH} characters. Pure over the render.
 */
import type { KubeObject } from "../kube/object";
import type { PlanEntry } from "./render";

export const WIDTH = 100;

export interface StackSummaryInput {
  readonly stack: string;
  readonly namespace: string;
  readonly objects: readonly KubeObject[];
  readonly plan: readonly PlanEntry[];
  readonly placeholderSecrets: readonly string[];
  /** Environment stacks: the commit (image tag) the tools stack promotes to this environment; "" if none. */
  readonly commit?: string;
  /** Tools stack: the commit promoted to each environment ("" if none). */
  readonly promotions?: Readonly<Record<string, string>>;
  /** Files written, as shown to the user. */
  readonly wrote: readonly string[];
}

/** `label: a, b, c` wrapped at {@link WIDTH}, continuation lines indented under the first item. */
export function wrapList(label: string, items: readonly string[], width = WIDTH): string[] {
  const head = `  ${label.padEnd(14)}`;
  const indent = " ".repeat(head.length);
  const lines: string[] = [];
  let line = head;
  for (const [i, item] of items.entries()) {
    const piece = item + (i < items.length - 1 ? "," : "");
    const candidate = line === head || line === indent ? line + piece : `${line} ${piece}`;
    if (candidate.length > width && line !== head && line !== indent) {
      lines.push(line);
      line = indent + piece;
    } else line = candidate;
  }
  lines.push(line);
  return lines;
}

/** `https://host/path` of each Route (http when it has no TLS), in the order rendered. */
export function routeUrls(objects: readonly KubeObject[]): string[] {
  return objects
    .filter((o) => o.kind === "Route")
    .map((o) => {
      const spec = (o.spec ?? {}) as { host?: string; path?: string; tls?: unknown };
      if (!spec.host) return `${o.metadata.name}: host chosen by the router`;
      return `${spec.tls ? "https" : "http"}://${spec.host}${spec.path ?? ""}`;
    });
}

export function kindCounts(objects: readonly KubeObject[]): string[] {
  const byKind = new Map<string, number>();
  for (const o of objects) byKind.set(o.kind, (byKind.get(o.kind) ?? 0) + 1);
  return [...byKind].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ${n}`);
}

export function protectedResources(plan: readonly PlanEntry[]): string[] {
  return plan
    .filter((e) => e.protect)
    .map((e) => `${e.type.split(":").pop()}/${e.name}`)
    .sort();
}

export function stackSummary(s: StackSummaryInput): string[] {
  const lines = [`${s.stack.padEnd(6)} ${s.namespace}: ${s.objects.length} objects, ${s.plan.length} resources`];
  const urls = routeUrls(s.objects);
  if (urls.length > 0) lines.push(...wrapList("urls:", urls));
  if (s.commit !== undefined)
    lines.push(`  commit:       ${s.commit || `none promoted yet, nothing runs (npm run promote -- ${s.stack} <sha>)`}`);
  if (s.promotions) {
    lines.push(
      ...wrapList(
        "promoted:",
        Object.entries(s.promotions).map(([env, c]) => `${env} ${c || "(none)"}`),
      ),
    );
  }
  lines.push(...wrapList("kinds:", kindCounts(s.objects)));
  const prot = protectedResources(s.plan);
  lines.push(...wrapList("protected:", prot.length > 0 ? prot : ["none"]));
  if (s.placeholderSecrets.length > 0) lines.push(...wrapList("placeholders:", s.placeholderSecrets));
  lines.push(...wrapList("wrote:", s.wrote));
  return lines;
}

export interface Totals {
  stacks: number;
  objects: number;
  resources: number;
  protected: number;
  placeholders: number;
}

export function totalLine(t: Totals, outDir: string): string {
  return (
    `total: ${t.stacks} stacks, ${t.objects} objects, ${t.resources} resources, ${t.protected} protected, ` +
    `${t.placeholders} placeholder secrets; written to ${outDir}`
  );
}
