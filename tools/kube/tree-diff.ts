/**
 * The one field-level diff of two Kubernetes objects, used by the plan diff (two renders) and the
 * adoption check (declared inputs against a live dump). Lists whose items all carry a unique `name`
 * (containers, env, ports, volumes, …) are matched by it, as the API server's strategic merge and
 * server-side apply do (`patchMergeKey: name`); other lists by position. Secret values are compared
 * but marked, so a caller never prints them. What no generic diff knows stays with the callers: the
 * provider's force-new fields and ignoreChanges (adoption), the safety rules (plan diff).
 */
import { isRecord } from "./object";

/** One step of a field path: an object key, a list position, or a list item matched by `name`. */
export type Segment = { readonly key: string } | { readonly index: number } | { readonly item: string };

export type TreeChangeKind = "added" | "removed" | "changed" | "reordered";

export interface TreeChange {
  readonly path: readonly Segment[];
  readonly kind: TreeChangeKind;
  /** Absent for `added`; for `reordered`, the common item names in the old order. */
  readonly before?: unknown;
  /** Absent for `removed`; for `reordered`, the common item names in the new order. */
  readonly after?: unknown;
  /** A secret is involved: never print `before`/`after`. */
  readonly secret: boolean;
  /** The change lies inside a subtree compared both ways ({@link TreeDiffOptions.strictAt}). */
  readonly strict: boolean;
}

export interface TreeDiffOptions {
  /**
   * `both`: every key and list item of either side counts (two renders of one stack).
   * `after`: only what `after` declares counts, as server-side apply writes only declared fields;
   * what only `before` has is passed to `onBeforeOnly`, except inside a strict subtree.
   */
  readonly scope: "both" | "after";
  /** If `v` is a secret, the value to compare in its place (a wrapper's content, or `v` itself). */
  readonly secret?: (v: unknown) => { readonly value: unknown } | undefined;
  /** Subtrees compared both ways even in `after` scope (fields the provider replaces the object for). */
  readonly strictAt?: (path: readonly Segment[]) => boolean;
  /** Paths not compared at all. */
  readonly ignore?: (path: readonly Segment[]) => boolean;
  /** Two scalars that differ in form but not in value (`"8080"` and `8080`, `1Gi` and `1024Mi`). */
  readonly same?: (path: readonly Segment[], before: unknown, after: unknown) => boolean;
  /** Report a pure reordering of a name-keyed list (order matters to the API server for env). */
  readonly reorders?: boolean;
  readonly onBeforeOnly?: (path: readonly Segment[]) => void;
}

/** `spec.template.spec.containers[name=hcap-server].env[name=PORT].value`; odd keys as `["image.openshift.io/triggers"]`. */
export function formatPath(path: readonly Segment[]): string {
  let out = "";
  for (const s of path) {
    if ("key" in s) out += /^[A-Za-z_$][\w$-]*$/.test(s.key) ? (out ? `.${s.key}` : s.key) : `[${JSON.stringify(s.key)}]`;
    else if ("index" in s) out += `[${s.index}]`;
    else out += `[name=${s.item}]`;
  }
  return out;
}

/** Object keys only, as field tables (force-new paths, quantities) name fields: `spec.template.spec.containers.image`. */
export function keyPath(path: readonly Segment[]): string {
  return path.flatMap((s) => ("key" in s ? [s.key] : [])).join(".");
}

/** Field-level changes from `before` to `after`. */
export function treeDiff(before: unknown, after: unknown, options: TreeDiffOptions): TreeChange[] {
  const out: TreeChange[] = [];
  new Walker(options, out).value([], before, after, false, false);
  return out;
}

const absent = (v: unknown): boolean => v === undefined || v === null;

class Walker {
  constructor(
    private readonly o: TreeDiffOptions,
    private readonly out: TreeChange[],
  ) {}

  private emit(path: readonly Segment[], kind: TreeChangeKind, before: unknown, after: unknown, secret: boolean, strict: boolean): void {
    this.out.push({
      path,
      kind,
      ...(kind !== "added" ? { before } : {}),
      ...(kind !== "removed" ? { after } : {}),
      secret: secret || this.isSecret(before) || this.isSecret(after),
      strict,
    });
  }

  private isSecret(v: unknown): boolean {
    return this.o.secret?.(v) !== undefined;
  }

  private plain(v: unknown): unknown {
    return this.o.secret?.(v)?.value ?? v;
  }

  private strictAt(path: readonly Segment[], strict: boolean): boolean {
    return strict || (this.o.strictAt?.(path) ?? false);
  }

  value(path: readonly Segment[], before: unknown, after: unknown, secret: boolean, strict: boolean): void {
    if (path.length > 0 && this.o.ignore?.(path)) return;
    const b = this.o.secret?.(before);
    const a = this.o.secret?.(after);
    if (a !== undefined || b !== undefined) {
      secret = true;
      before = b ? b.value : before;
      after = a ? a.value : after;
    }
    if (this.o.scope === "after") {
      if (absent(after)) {
        if (strict && !absent(before)) this.emit(path, "removed", before, undefined, secret, true);
        return;
      }
      if (absent(before)) return this.emit(path, "added", undefined, after, secret, strict);
    }
    if (isRecord(before) && isRecord(after)) return this.record(path, before, after, secret, strict);
    if (Array.isArray(before) && Array.isArray(after)) return this.list(path, before, after, secret, strict);
    if (isRecord(after) || Array.isArray(after) || isRecord(before) || Array.isArray(before)) {
      return this.emit(path, "changed", before, after, secret, strict);
    }
    if (Object.is(before, after) || (this.o.same?.(path, before, after) ?? false)) return;
    this.emit(path, "changed", before, after, secret, strict);
  }

  private record(
    path: readonly Segment[],
    before: Readonly<Record<string, unknown>>,
    after: Readonly<Record<string, unknown>>,
    secret: boolean,
    strict: boolean,
  ): void {
    if (this.o.scope === "both") {
      for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
        const child = [...path, { key }];
        if (this.o.ignore?.(child)) continue;
        if (!(key in after)) this.emit(child, "removed", before[key], undefined, secret, strict);
        else if (!(key in before)) this.emit(child, "added", undefined, after[key], secret, strict);
        else this.value(child, before[key], after[key], secret, strict);
      }
      return;
    }
    const keys = new Set(Object.keys(after));
    for (const key of Object.keys(before)) if (!keys.has(key) && this.strictAt([...path, { key }], strict)) keys.add(key);
    for (const key of keys) {
      const child = [...path, { key }];
      this.value(child, before[key], after[key], secret, this.strictAt(child, strict));
    }
  }

  /** Items by name when every item is an object with a unique string `name`; otherwise undefined. */
  private named(list: readonly unknown[]): Map<string, unknown> | undefined {
    const out = new Map<string, unknown>();
    for (const item of list) {
      const plain = this.plain(item);
      if (!isRecord(plain) || typeof plain.name !== "string" || out.has(plain.name)) return undefined;
      out.set(plain.name, item);
    }
    return out;
  }

  private list(path: readonly Segment[], before: readonly unknown[], after: readonly unknown[], secret: boolean, strict: boolean): void {
    const byNameBefore = this.named(before);
    const byNameAfter = this.named(after);
    const at = (item: string): Segment[] => [...path, { item }];
    // Two renders: one empty side still matches by name (items added or removed one by one). Adoption
    // needs a name on both sides to know the list is merged by name.
    const keyed =
      byNameBefore &&
      byNameAfter &&
      (this.o.scope === "both" ? before.length + after.length > 0 : byNameBefore.size > 0 && byNameAfter.size > 0);
    if (keyed) {
      if (this.o.scope === "both") {
        for (const [name, item] of byNameBefore) {
          if (!byNameAfter.has(name)) this.emit(at(name), "removed", item, undefined, secret, strict);
          else this.value(at(name), item, byNameAfter.get(name), secret, strict);
        }
        for (const [name, item] of byNameAfter) if (!byNameBefore.has(name)) this.emit(at(name), "added", undefined, item, secret, strict);
      } else {
        for (const [name, item] of byNameAfter) this.value(at(name), byNameBefore.get(name), item, secret, strict);
        for (const [name, item] of byNameBefore) {
          if (byNameAfter.has(name)) continue;
          if (strict) this.emit(at(name), "removed", item, undefined, secret, true);
          else this.o.onBeforeOnly?.(at(name));
        }
      }
      if (this.o.reorders) {
        const common = [...byNameBefore.keys()].filter((n) => byNameAfter.has(n));
        const commonAfter = [...byNameAfter.keys()].filter((n) => byNameBefore.has(n));
        if (common.some((n, i) => n !== commonAfter[i])) this.emit(path, "reordered", common, commonAfter, false, strict);
      }
      return;
    }
    if (this.o.scope === "after") {
      if (before.length !== after.length) return this.emit(path, "changed", before, after, secret, strict);
      after.forEach((item, index) => this.value([...path, { index }], before[index], item, secret, strict));
      return;
    }
    for (let index = 0; index < Math.max(before.length, after.length); index++) {
      const p = [...path, { index }];
      if (index >= after.length) this.emit(p, "removed", before[index], undefined, secret, strict);
      else if (index >= before.length) this.emit(p, "added", undefined, after[index], secret, strict);
      else this.value(p, before[index], after[index], secret, strict);
    }
  }
}
