/**
 * The one plain-object view of Kubernetes and OpenShift objects every tool reads (render, plan diff,
 * check, adoption): the object type, and typed accessors for the few places tools look (pod
 * templates, containers, volumes, image references), so no tool walks a raw object by hand.
 */
import { INTERNAL_REGISTRY } from "../../components/names";

/** A Kubernetes/OpenShift object as rendered, read from YAML or dumped from a live namespace. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly [k: string]: unknown;
  };
  readonly [field: string]: unknown;
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { readonly [k: string]: unknown };

/**
 * A plain JSON object (what YAML, JSON and the captured inputs are made of). Class instances such as
 * a captured SecretValue are not records, so a walker never descends into a secret by accident.
 */
export function isRecord(v: unknown): v is JsonObject {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function asObject(v: unknown): JsonObject {
  return isRecord(v) ? v : {};
}

export function asArray(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asString(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export function asStringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(asObject(v))) if (typeof x === "string") out[k] = x;
  return out;
}

/**
 * Value at a dotted path (`spec.template.spec`) or a list of keys (for keys with dots, such as
 * annotations); undefined when any step is missing.
 */
export function at(obj: unknown, path: string | readonly string[]): unknown {
  let cur: unknown = obj;
  for (const step of typeof path === "string" ? path.split(".") : path) {
    if (!isRecord(cur)) return undefined;
    cur = cur[step];
  }
  return cur;
}

/** Workloads whose pods run until replaced (they serve traffic or hold data). */
const LONG_RUNNING_KINDS: readonly string[] = ["StatefulSet", "Deployment", "DeploymentConfig", "DaemonSet", "ReplicaSet"];

/** Where each workload kind keeps its pod template (a Pod is its own). */
const POD_TEMPLATE_PATHS: ReadonlyMap<string, string> = new Map([
  ...[...LONG_RUNNING_KINDS, "Job", "ReplicationController"].map((kind): [string, string] => [kind, "spec.template"]),
  ["CronJob", "spec.jobTemplate.spec.template"],
]);

export function isLongRunning(o: KubeObject): boolean {
  return LONG_RUNNING_KINDS.includes(o.kind);
}

export interface PodTemplate {
  /** Field path of the pod template (`spec.template`). */
  readonly path: string;
  readonly labels: Record<string, string>;
  readonly spec: JsonObject;
}

/** The pod template of a workload object, if it has one. */
export function podTemplate(o: KubeObject): PodTemplate | undefined {
  if (o.kind === "Pod") return { path: "", labels: asStringMap(o.metadata.labels), spec: asObject(o.spec) };
  const path = POD_TEMPLATE_PATHS.get(o.kind);
  if (path === undefined) return undefined;
  const template = at(o, path);
  if (!isRecord(template)) return undefined;
  return { path, labels: asStringMap(at(template, "metadata.labels")), spec: asObject(template.spec) };
}

export interface ContainerAt {
  /** Field path of the container (`spec.template.spec.containers[0]`). */
  readonly path: string;
  readonly init: boolean;
  readonly container: JsonObject;
  readonly name: string;
}

/** Containers (and init containers) of a pod template. */
export function containers(t: PodTemplate): ContainerAt[] {
  const prefix = t.path === "" ? "spec" : `${t.path}.spec`;
  const list = (field: "containers" | "initContainers", init: boolean): ContainerAt[] =>
    asArray(t.spec[field]).map((c, i) => ({
      path: `${prefix}.${field}[${i}]`,
      init,
      container: asObject(c),
      name: asString(asObject(c).name) ?? "",
    }));
  return [...list("initContainers", true), ...list("containers", false)];
}

/** Prefix of a pod spec's field paths (`spec.template.spec`). */
export function podSpecPath(t: PodTemplate): string {
  return t.path === "" ? "spec" : `${t.path}.spec`;
}

/** An image reference split into its parts (`registry/ns/name:tag@digest`). */
export interface ImageRef {
  readonly registry?: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

export function parseImage(image: string): ImageRef {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf("/");
  let registry: string | undefined;
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes(".") || first.includes(":") || first === "localhost") {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  const colon = rest.lastIndexOf(":");
  const tag = colon >= 0 ? rest.slice(colon + 1) : undefined;
  const repository = colon >= 0 ? rest.slice(0, colon) : rest;
  return { registry, repository, tag, digest };
}

/** `<ns>/<stream>` of an internal-registry image, with its tag or digest. */
export function internalImageStream(image: string): { namespace: string; stream: string; tag?: string; digest?: string } | undefined {
  const p = parseImage(image);
  if (p.registry !== INTERNAL_REGISTRY) return undefined;
  const parts = p.repository.split("/");
  if (parts.length !== 2) return undefined;
  return { namespace: parts[0], stream: parts[1], tag: p.tag, digest: p.digest };
}

/** `name:tag` of an ImageStreamTag reference (`hcap-server:dev`). */
export function splitStreamTag(name: string): { stream: string; tag: string } {
  const i = name.lastIndexOf(":");
  return i < 0 ? { stream: name, tag: "latest" } : { stream: name.slice(0, i), tag: name.slice(i + 1) };
}

/** An image trigger: an ImageStreamTag that sets the image of named containers. */
export interface ImageTrigger {
  readonly path: string;
  readonly from: { readonly kind: string; readonly name: string; readonly namespace?: string };
  /** Containers the trigger names (DeploymentConfig `containerNames`, or the annotation's fieldPath). */
  readonly containerNames: readonly string[];
}

const TRIGGER_ANNOTATION = "image.openshift.io/triggers";

/**
 * Image triggers of a workload: DeploymentConfig ImageChange triggers, and the
 * `image.openshift.io/triggers` annotation on Deployments/StatefulSets/CronJobs.
 */
export function imageTriggers(o: KubeObject): ImageTrigger[] {
  const out: ImageTrigger[] = [];
  if (o.kind === "DeploymentConfig") {
    asArray(at(o, "spec.triggers")).forEach((t, i) => {
      const tr = asObject(t);
      if (tr.type !== "ImageChange") return;
      const params = asObject(tr.imageChangeParams);
      const from = asObject(params.from);
      out.push({
        path: `spec.triggers[${i}].imageChangeParams`,
        from: { kind: asString(from.kind) ?? "", name: asString(from.name) ?? "", namespace: asString(from.namespace) },
        containerNames: asArray(params.containerNames).filter((n): n is string => typeof n === "string"),
      });
    });
  }
  const annotation = o.metadata.annotations?.[TRIGGER_ANNOTATION];
  if (annotation !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(annotation);
    } catch {
      parsed = [];
    }
    asArray(parsed).forEach((t) => {
      const tr = asObject(t);
      const from = asObject(tr.from);
      const field = asString(tr.fieldPath) ?? "";
      const m = /\?\(@\.name==["']([^"']+)["']\)/.exec(field);
      out.push({
        path: `metadata.annotations.${TRIGGER_ANNOTATION}`,
        from: { kind: asString(from.kind) ?? "", name: asString(from.name) ?? "", namespace: asString(from.namespace) },
        containerNames: m ? [m[1]] : [],
      });
    });
  }
  return out;
}

/** Names of containers whose image an image trigger sets. */
export function triggerManagedContainers(o: KubeObject): Set<string> {
  return new Set(imageTriggers(o).flatMap((t) => t.containerNames));
}
