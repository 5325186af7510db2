/**
 * The adoption check proper: declared objects + live objects → what the first `pulumi up` with
 * `adopt: true` does to each. Pure (no I/O, no Pulumi runtime), so it can be tested on hand-made objects.
 *
 * Two comparisons, mirroring pulumi-kubernetes (provider/pkg/provider: Read on import, Diff, diff.go):
 * - Ordinary fields: only what the program declares is compared. Server-side apply writes only declared
 *   fields; everything else the server or another field manager set stays as it is.
 * - Fields the provider can only change by replacing the object ("force-new": a StatefulSet's
 *   volumeClaimTemplates, a Secret's type, a Service's clusterIP, …): after an import the provider diffs
 *   the program against the WHOLE live value there, so a live field the program does not declare
 *   counts as a removal and forces a replacement too. Those are compared strictly, both ways.
 */
import { OFFLINE_SECRET } from "../evaluate/evaluate";
import { SecretValue, containsSecret, reveal } from "../kube/secret";
import type { DeclaredObject, ProviderSwitches } from "./declared";
import { asArray, asObject, isRecord, triggerManagedContainers, type KubeObject } from "../kube/object";
import { formatPath, keyPath, treeDiff, type Segment } from "../kube/tree-diff";
import { workloadFindings } from "./workload";
import { quantityValue, sameQuantity } from "../../config/quantity";

export type ChangeKind = "add" | "update" | "remove";

/** One field the first `up` changes. Values are display strings; secret material is never included. */
export interface FieldChange {
  readonly path: string;
  readonly change: ChangeKind;
  readonly live?: string;
  readonly declared?: string;
  /** Pulumi can make this change only by deleting and re-creating the object. */
  readonly replace: boolean;
  /** Set when the API server would refuse the change (e.g. shrinking a volume claim). */
  readonly refused?: string;
}

export type SecretKeyStatus = "same" | "differs" | "added" | "not set offline";

export interface SecretKeyCheck {
  readonly key: string;
  readonly status: SecretKeyStatus;
}

export interface ObjectRef {
  readonly kind: string;
  readonly name: string;
}

export interface ImportedObject extends ObjectRef {
  /** The `import` ID the program sets; null when it sets none. */
  readonly importId: string | null;
  readonly changes: readonly FieldChange[];
  /** Secret keys compared by value (same/differs only). */
  readonly secretKeys: readonly SecretKeyCheck[];
  /** Items of name-keyed lists and Secret keys only the live object has: server-side apply leaves them. */
  readonly liveOnly: readonly string[];
  readonly replaced: boolean;
}

export interface AdoptReport {
  readonly namespace: string;
  readonly adopt: boolean;
  readonly imported: readonly ImportedObject[];
  readonly created: readonly ObjectRef[];
  readonly leftAlone: readonly ObjectRef[];
  readonly errors: readonly string[];
  readonly notes: readonly string[];
}

export interface CompareInput {
  /** The stack's namespace; live objects elsewhere are refused. */
  readonly namespace: string;
  readonly adopt: boolean;
  readonly switches: ProviderSwitches;
  readonly declared: readonly DeclaredObject[];
  readonly live: readonly KubeObject[];
}

/** Force-new paths of pulumi-kubernetes (provider/pkg/provider/diff.go), by kind. */
function forceNewPaths(kind: string, apiVersion: string, switches: ProviderSwitches): readonly string[] {
  switch (kind) {
    case "StatefulSet":
      return ["spec.podManagementPolicy", "spec.revisionHistoryLimit", "spec.selector", "spec.serviceName", "spec.volumeClaimTemplates"];
    case "Deployment":
    case "DaemonSet":
      return ["spec.selector"];
    case "Job":
      return ["spec.completions", "spec.parallelism", "spec.selector", "spec.template"];
    case "PersistentVolumeClaim":
      return ["spec.accessModes", "spec.selector", "spec.storageClassName", "spec.volumeName"];
    case "Secret":
      return switches.secretMutable ? ["type"] : ["type", "data", "stringData"];
    case "ConfigMap":
      return switches.configMapMutable ? [] : ["data", "binaryData"];
    case "Service":
      return ["spec.clusterIP"];
    case "RoleBinding":
    case "ClusterRoleBinding":
      return ["roleRef"];
    case "PodDisruptionBudget":
      return apiVersion === "policy/v1beta1" ? ["spec"] : [];
    default:
      return [];
  }
}

/** Fields the server owns on every object: never compared. */
const SERVER_METADATA = new Set(["uid", "resourceVersion", "managedFields", "creationTimestamp", "generation", "selfLink"]);
const SERVER_ANNOTATION = (key: string): boolean =>
  key === "kubectl.kubernetes.io/last-applied-configuration" || key.startsWith("openshift.io/") || key.includes(".openshift.io/");
/** Fields an image trigger writes back (DeploymentConfig `lastTriggeredImage`, BuildConfig `lastTriggeredImageID`). */
const TRIGGER_RESULTS = new Set(["lastTriggeredImage", "lastTriggeredImageID"]);

/**
 * Declared against live, on the shared tree diff: only declared fields count, force-new fields both
 * ways, values compared as the server stores them (quantities, int-or-string).
 */
class ObjectDiff {
  readonly changes: FieldChange[] = [];
  readonly liveOnly: string[] = [];
  private readonly forceNew: readonly string[];
  private readonly triggeredContainers: ReadonlySet<string>;

  constructor(
    private readonly declared: DeclaredObject,
    private readonly live: KubeObject,
    switches: ProviderSwitches,
  ) {
    this.forceNew = forceNewPaths(declared.kind, declared.apiVersion, switches);
    this.triggeredContainers = declared.kind === "DeploymentConfig" ? imageTriggerContainers(live, reveal(declared.body)) : new Set();
  }

  run(skipTopLevel: ReadonlySet<string> = new Set()): void {
    const changes = treeDiff(this.live, this.declared.body, {
      scope: "after",
      secret: (v) => (v instanceof SecretValue ? { value: v.value } : undefined),
      strictAt: (path) => this.forceNew.includes(keyPath(path)),
      ignore: (path) =>
        (path.length === 1 && "key" in path[0] && (TOP_LEVEL_SKIPPED.has(path[0].key) || skipTopLevel.has(path[0].key))) ||
        this.ignored(path),
      same: sameScalar,
      onBeforeOnly: (path) => this.liveOnly.push(formatPath(path)),
    });
    for (const c of changes) {
      if (c.kind === "reordered") continue;
      const change: ChangeKind = c.kind === "added" ? "add" : c.kind === "removed" ? "remove" : "update";
      const secret = c.secret || containsSecret(c.after);
      this.changes.push({
        path: formatPath(c.path),
        change,
        ...(change !== "add" ? { live: show(c.before, secret) } : {}),
        ...(change !== "remove" ? { declared: show(reveal(c.after), secret) } : {}),
        replace: c.strict,
        ...refusal(this.declared.kind, c.path, c.after, c.before),
      });
    }
  }

  private ignored(path: readonly Segment[]): boolean {
    const keys = path.flatMap((s) => ("key" in s ? [s.key] : []));
    const top = path[0];
    if (top && "key" in top && top.key === "metadata" && path.length >= 2) {
      const second = path[1];
      if ("key" in second && SERVER_METADATA.has(second.key) && path.length === 2) return true;
      if ("key" in second && second.key === "annotations" && path.length === 3) {
        const third = path[2];
        if ("key" in third && SERVER_ANNOTATION(third.key)) return true;
      }
    }
    if (keys.some((k) => TRIGGER_RESULTS.has(k))) return true;
    // The image an ImageChange trigger resolved into a DeploymentConfig container is the trigger's, not the program's.
    if (this.triggeredContainers.size > 0 && keyPath(path) === "spec.template.spec.containers.image") {
      const item = path.find((s): s is { item: string } => "item" in s);
      if (item && this.triggeredContainers.has(item.item)) return true;
    }
    const dotted = formatPath(path);
    const indexed = pulumiPath(path, this.live);
    return this.declared.ignoreChanges.some((p) =>
      [dotted, indexed, keyPath(path)].some((x) => x === p || x.startsWith(`${p}.`) || x.startsWith(`${p}[`)),
    );
  }
}

function show(v: unknown, secret: boolean): string {
  if (secret) return "(secret)";
  if (v === undefined) return "(absent)";
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Never compared: the object's identity (matched already) and what the server reports. */
const TOP_LEVEL_SKIPPED = new Set(["status", "apiVersion", "kind"]);

interface ClaimShape {
  readonly size: string;
  readonly storageClass: string;
}

/** Size and class of each volume claim template, by name. */
function claimTemplates(spec: unknown): Map<string, ClaimShape> {
  return new Map(
    asArray(asObject(spec).volumeClaimTemplates).map((t) => {
      const s = asObject(asObject(t).spec);
      const size = String(asObject(asObject(s.resources).requests).storage ?? "");
      const cls = String(
        s.storageClassName ?? asObject(asObject(asObject(t).metadata).annotations)["volume.beta.kubernetes.io/storage-class"] ?? "",
      );
      return [String(asObject(asObject(t).metadata).name), { size, storageClass: cls }];
    }),
  );
}

/**
 * What a field diff cannot see but adoption must not get wrong:
 * - a StatefulSet's volume claim templates are kept out of the diff (`ignoreChanges`), so a live
 *   template that differs from the declared one would go unnoticed, and the program's view of the
 *   volumes (its `patroniVolumeLock`, its growth advice) would be false: an error;
 * - a changed container image on a StatefulSet (the database) and a moved ImageStreamTag (an
 *   environment redeploys) are in-place updates, but ones an operator must confirm: a review note.
 */
function adoptionRisks(d: DeclaredObject, l: KubeObject): { errors: string[]; reviews: string[] } {
  const errors: string[] = [];
  const reviews: string[] = [];
  if (d.kind === "StatefulSet") {
    const declared = claimTemplates(d.body.spec);
    const live = claimTemplates(l.spec);
    const show = (s: ClaimShape) => `${s.size} ${s.storageClass}`;
    for (const [name, shape] of declared) {
      const liveShape = live.get(name);
      if (liveShape !== undefined && (!sameQuantity(liveShape.size, shape.size) || liveShape.storageClass !== shape.storageClass)) {
        errors.push(
          `volume claim template ${name} is ${show(liveShape)} live but declared ${show(shape)}: set the volume size, storage class and lock to what the cluster has before adopting`,
        );
      }
    }
    const images = (spec: unknown) =>
      new Map(
        asArray(asObject(asObject(asObject(spec).template).spec).containers).map((c) => [
          String(asObject(c).name),
          String(asObject(c).image ?? ""),
        ]),
      );
    const liveImages = images(l.spec);
    for (const [name, image] of images(d.body.spec)) {
      const before = liveImages.get(name);
      if (before !== undefined && before !== image) {
        reviews.push(
          `container ${name} moves from ${before} to ${image}: confirm it runs the same Postgres major version (README "Before adopting")`,
        );
      }
    }
  }
  if (d.kind === "ImageStreamTag") {
    const from = (o: unknown) => JSON.stringify(asObject(asObject(o).tag).from ?? null);
    if (from(d.body) !== from(l)) {
      reviews.push(
        `the tag moves from ${from(l)} to ${from(d.body)}: unless both are the same image, every workload triggered by it redeploys`,
      );
    }
  }
  return { errors, reviews };
}

/** `spec.template.spec.containers[0].image`: the form `ignoreChanges` uses, with live indices. */
function pulumiPath(path: readonly Segment[], live: Record<string, unknown>): string {
  let out = "";
  let node: unknown = live;
  for (const s of path) {
    if ("key" in s) {
      out += out ? `.${s.key}` : s.key;
      node = isRecord(node) ? node[s.key] : undefined;
    } else if ("index" in s) {
      out += `[${s.index}]`;
      node = Array.isArray(node) ? node[s.index] : undefined;
    } else {
      const list = Array.isArray(node) ? node : [];
      const index = list.findIndex((x) => isRecord(x) && x.name === s.item);
      out += `[${index}]`;
      node = list[index];
    }
  }
  return out;
}

function sameScalar(path: readonly Segment[], declared: unknown, live: unknown): boolean {
  if (declared === live) return true;
  // int-or-string fields (ports, targetPort) and numbers the API returns as numbers.
  if (String(declared) === String(live)) return true;
  const keys = keyPath(path).split(".");
  const isQuantity = keys.includes("resources") || keys.includes("limits") || keys.includes("requests") || keys.at(-1) === "storage";
  return isQuantity && sameQuantity(declared, live);
}

/** Changes the API server refuses outright: a volume claim can grow but never shrink. */
function refusal(kind: string, path: readonly Segment[], declared: unknown, live: unknown): { refused?: string } {
  if (kind === "PersistentVolumeClaim" && keyPath(path) === "spec.resources.requests.storage") {
    const wanted = quantityValue(reveal(declared));
    const has = quantityValue(live);
    if (wanted !== undefined && has !== undefined && wanted < has) return { refused: "a volume claim can grow but never shrink" };
  }
  return {};
}

/** Containers whose image a trigger of the live or the declared object sets. */
function imageTriggerContainers(...objects: unknown[]): Set<string> {
  const out = new Set<string>();
  for (const o of objects) {
    if (isRecord(o) && typeof o.kind === "string" && isRecord(o.metadata)) {
      for (const name of triggerManagedContainers(o as KubeObject)) out.add(name);
    }
  }
  return out;
}

function decodeBase64(v: unknown): string | undefined {
  return typeof v === "string" ? Buffer.from(v, "base64").toString("utf8") : undefined;
}

/**
 * A Secret's values, compared key by key as same/differs only. Declared `stringData` is plain text,
 * declared and live `data` are base64. Nothing here ever leaves as text but the key names.
 */
function compareSecretData(declared: DeclaredObject, live: KubeObject, switches: ProviderSwitches, diff: ObjectDiff): SecretKeyCheck[] {
  const wanted = new Map<string, string>();
  const body = reveal(declared.body) as Record<string, unknown>;
  if (isRecord(body.data)) for (const [k, v] of Object.entries(body.data)) if (typeof v === "string") wanted.set(k, decodeBase64(v) ?? "");
  if (isRecord(body.stringData)) for (const [k, v] of Object.entries(body.stringData)) if (typeof v === "string") wanted.set(k, v);
  const has = new Map<string, string>();
  if (isRecord(live.data)) for (const [k, v] of Object.entries(live.data)) has.set(k, decodeBase64(v) ?? "");
  if (isRecord(live.stringData)) for (const [k, v] of Object.entries(live.stringData)) if (typeof v === "string") has.set(k, v);

  const checks: SecretKeyCheck[] = [];
  // Without enableSecretMutable the provider replaces a Secret whose data changes in any way.
  const replace = !switches.secretMutable;
  for (const [key, value] of [...wanted].sort(([a], [b]) => a.localeCompare(b))) {
    const current = has.get(key);
    const status: SecretKeyStatus = value.includes(OFFLINE_SECRET)
      ? "not set offline"
      : current === undefined
        ? "added"
        : current === value
          ? "same"
          : "differs";
    checks.push({ key, status });
    if (status === "added" || status === "differs") {
      diff.changes.push({
        path: `data["${key}"]`,
        change: status === "added" ? "add" : "update",
        ...(status === "differs" ? { live: "(secret)" } : {}),
        declared: "(secret)",
        replace,
      });
    }
  }
  for (const key of [...has.keys()].sort()) {
    if (wanted.has(key)) continue;
    if (replace) diff.changes.push({ path: `data["${key}"]`, change: "remove", live: "(secret)", replace: true });
    else diff.liveOnly.push(`data["${key}"]`);
  }
  return checks;
}

function ref(o: { kind: string; name: string }): string {
  return `${o.kind}/${o.name}`;
}

function otherManagers(live: KubeObject): string[] {
  const fields = live.metadata.managedFields;
  if (!Array.isArray(fields)) return [];
  const names = fields.flatMap((f) => (isRecord(f) && typeof f.manager === "string" && !f.manager.startsWith("pulumi") ? [f.manager] : []));
  return [...new Set(names)].sort();
}

/** What the first `pulumi up` of a stack does to the live namespace, object by object. */
export function compareObjects(input: CompareInput): AdoptReport {
  const errors: string[] = [];
  const notes: string[] = [];
  const byKey = (kind: string, name: string): string => `${kind}/${name}`;

  const live = new Map<string, KubeObject>();
  for (const o of input.live) {
    const ns = o.metadata.namespace;
    if (ns !== undefined && ns !== input.namespace) {
      errors.push(
        `${ref({ kind: o.kind, name: o.metadata.name })}: the live dump is from namespace ${ns}, but this stack writes only to ${input.namespace}`,
      );
      continue;
    }
    const key = byKey(o.kind, o.metadata.name);
    if (live.has(key)) notes.push(`${key} appears more than once in the live dumps; the first one is used`);
    else live.set(key, o);
  }

  const declared = [...input.declared].sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  const seen = new Set<string>();
  const imported: ImportedObject[] = [];
  const created: ObjectRef[] = [];
  const exists: string[] = [];
  for (const d of declared) {
    const key = byKey(d.kind, d.name);
    if (seen.has(key)) {
      errors.push(`${key} is declared twice`);
      continue;
    }
    seen.add(key);
    const l = live.get(key);
    const expectedId = `${input.namespace}/${d.name}`;
    if (!l) {
      created.push({ kind: d.kind, name: d.name });
      if (d.importId)
        errors.push(`${key}: import ID ${d.importId} is set but the object is not in the live dump; pulumi up would fail to import it`);
      continue;
    }
    if (!d.importId) exists.push(key);
    else if (d.importId !== expectedId) errors.push(`${key}: import ID is ${d.importId}, expected ${expectedId}`);

    const diff = new ObjectDiff(d, l, input.switches);
    const secretKeys = d.kind === "Secret" ? compareSecretData(d, l, input.switches, diff) : [];
    diff.run(d.kind === "Secret" ? new Set(["data", "stringData"]) : new Set());
    const replaced = diff.changes.some((c) => c.replace);
    imported.push({
      kind: d.kind,
      name: d.name,
      importId: d.importId ?? null,
      changes: diff.changes,
      secretKeys,
      liveOnly: diff.liveOnly,
      replaced,
    });

    if (replaced) {
      const paths = diff.changes.filter((c) => c.replace).map((c) => c.path);
      const stateful = d.kind === "StatefulSet" || d.kind === "PersistentVolumeClaim" || d.kind === "Secret";
      errors.push(
        `${key} would be REPLACED (deleted, then created again)${stateful ? " - data or credentials would be lost" : ""}: ${paths.join(", ")}`,
      );
    }
    for (const c of diff.changes) if (c.refused) errors.push(`${key}: ${c.path}: ${c.refused} (live ${c.live}, declared ${c.declared})`);
    const risks = adoptionRisks(d, l);
    errors.push(...risks.errors.map((e) => `${key}: ${e}`));
    notes.push(...risks.reviews.map((r) => `${key}: REVIEW ${r}`));
    const managers = otherManagers(l);
    if (diff.changes.some((c) => c.change !== "add") && managers.length > 0) {
      notes.push(
        `${key}: changed fields are owned by ${managers.join(", ")}; server-side apply reports a conflict unless the provider forces it (enablePatchForce) or the object is annotated pulumi.com/patchForce: "true"`,
      );
    }
  }

  if (exists.length > 0) {
    errors.push(
      input.adopt
        ? `${exists.length} object(s) exist but the program sets no import ID for them; pulumi up would stop with AlreadyExists: ${exists.join(", ")}`
        : `adopt is off, but ${exists.length} declared object(s) already exist; pulumi up would stop with AlreadyExists (set hcap-infra:adopt true): ${exists.join(", ")}`,
    );
  }

  const workloads = workloadFindings(input.declared, [...live.values()]);
  errors.push(...workloads.errors);
  notes.push(...workloads.notes);

  const leftAlone = [...live.values()]
    .filter((o) => !seen.has(byKey(o.kind, o.metadata.name)))
    .map((o) => ({ kind: o.kind, name: o.metadata.name }))
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));

  return { namespace: input.namespace, adopt: input.adopt, imported, created, leftAlone, errors, notes };
}

export interface ReportCounts {
  readonly imported: number;
  readonly created: number;
  readonly leftAlone: number;
  readonly updated: number;
  readonly replaced: number;
}

export function counts(report: AdoptReport): ReportCounts {
  return {
    imported: report.imported.length,
    created: report.created.length,
    leftAlone: report.leftAlone.length,
    updated: report.imported.reduce((n, o) => n + o.changes.filter((c) => !c.replace).length, 0),
    replaced: report.imported.filter((o) => o.replaced).length,
  };
}
