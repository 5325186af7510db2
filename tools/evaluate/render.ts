/**
 * Turns an offline evaluation into what a reviewer reads: the Kubernetes objects (multi-document
 * YAML, secrets replaced by a fixed placeholder) and the plan (every resource with its safety options).
 */
import { createHmac } from "node:crypto";
import { stringify } from "yaml";
import type { KubeObject } from "../kube/object";
import { SecretValue, type Captured, type DeclaredResource, type StackEvaluation } from "./evaluate";

/** What every secret value renders as. */
export const SECRET_PLACEHOLDER = "[secret]";

const PROVIDER_TYPE = "pulumi:providers:kubernetes";

export interface PlanEntry {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly parent: string | null;
  readonly namespace: string | null;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly ignoreChanges: readonly string[];
  readonly deleteBeforeReplace: boolean;
  readonly import: string | null;
  readonly dependsOn: readonly string[];
}

/** Install order, as a reviewer (and `oc apply`) expects it; unknown kinds go last, by name. */
const KIND_ORDER = [
  "NetworkPolicy", "ServiceAccount", "Role", "RoleBinding", "Secret", "ConfigMap", "PersistentVolumeClaim",
  "ImageStream", "ImageStreamTag", "BuildConfig", "Service", "StatefulSet", "PodDisruptionBudget",
  "DeploymentConfig", "Deployment", "CronJob", "Route",
];

function kindRank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}

/** How one secret value is written out: the placeholder (default) or a keyed digest ({@link secretDigests}). */
export type SecretRenderer = (value: unknown) => string;

const placeholder: SecretRenderer = () => SECRET_PLACEHOLDER;

/** Prefix of a keyed secret digest: `[secret:hmac:<hex>]`. */
const DIGEST_PREFIX = "[secret:hmac:";

/**
 * Renders each secret as `[secret:hmac:<hex>]`, an HMAC-SHA256 of the value under `key`. With a key
 * that is random per run and never written anywhere, two renders can tell "this secret changed"
 * without anything reversible leaving the process (a plain hash of a short password could be guessed).
 */
export function secretDigests(key: Buffer): SecretRenderer {
  if (key.length < 16) throw new Error("secretDigests: the key must be at least 16 random bytes");
  return (value) => `${DIGEST_PREFIX}${createHmac("sha256", key).update(JSON.stringify(value) ?? "null").digest("hex")}]`;
}

/** True for a rendered secret: the placeholder or a keyed digest. */
export function isRenderedSecret(value: unknown): value is string {
  return value === SECRET_PLACEHOLDER || (typeof value === "string" && value.startsWith(DIGEST_PREFIX) && value.endsWith("]"));
}

/** Replaces every secret by `secret(value)` (keys of a Secret stay visible; values never). */
export function redact(value: Captured, secret: SecretRenderer = placeholder): unknown {
  if (value instanceof SecretValue) {
    const inner = value.value;
    if (inner !== null && typeof inner === "object" && !Array.isArray(inner)) {
      return Object.fromEntries(Object.entries(inner).map(([k, v]) => [k, secret(v)]));
    }
    return secret(inner);
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, secret));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, secret)]));
  }
  return value;
}

function isKubernetesObject(r: DeclaredResource): boolean {
  return r.custom && r.type.startsWith("kubernetes:");
}

/** Namespace each stack provider writes to, by provider URN. */
function providerNamespaces(ev: StackEvaluation): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of ev.resources) {
    if (r.type === PROVIDER_TYPE && typeof r.inputs.namespace === "string") out.set(r.urn, r.inputs.namespace);
  }
  return out;
}

/** The namespace a Kubernetes resource lands in; throws if it would use the ambient default provider. */
function namespaceOf(r: DeclaredResource, namespaces: Map<string, string>): string {
  const explicit = (r.inputs.metadata as { namespace?: unknown } | undefined)?.namespace;
  const providerUrn = r.provider?.split("::").slice(0, -1).join("::");
  const fromProvider = providerUrn ? namespaces.get(providerUrn) : undefined;
  if (fromProvider === undefined) {
    throw new Error(`${r.type} ${r.name} is not bound to the stack's Kubernetes provider (it would use the ambient default)`);
  }
  if (typeof explicit === "string" && explicit !== fromProvider) {
    throw new Error(`${r.type} ${r.name} names namespace ${explicit}, but this stack writes only to ${fromProvider}`);
  }
  return fromProvider;
}

export interface ObjectsOptions {
  /** How secrets are written; default: {@link SECRET_PLACEHOLDER}. */
  readonly secret?: SecretRenderer;
}

/** Every Kubernetes object of the stack, in a deterministic order, secrets redacted. */
export function kubernetesObjects(ev: StackEvaluation, options: ObjectsOptions = {}): KubeObject[] {
  const namespaces = providerNamespaces(ev);
  const objects = ev.resources.filter(isKubernetesObject).map((r): KubeObject => {
    const { apiVersion, kind, metadata, ...body } = redact(r.inputs as Captured, options.secret) as Record<string, unknown>;
    const meta = (metadata ?? {}) as Record<string, unknown>;
    const { name, namespace: _ns, ...restMeta } = meta;
    return {
      apiVersion: String(apiVersion),
      kind: String(kind),
      metadata: { name: String(name ?? r.name), namespace: namespaceOf(r, namespaces), ...restMeta },
      ...body,
    };
  });
  return objects.sort(
    (a, b) => kindRank(a.kind) - kindRank(b.kind) || a.kind.localeCompare(b.kind) || a.metadata.name.localeCompare(b.metadata.name),
  );
}

/** Multi-document YAML, one document per object. */
export function toYaml(objects: readonly KubeObject[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })).join("---\n");
}

/** One entry per resource (components and providers included), ordered by URN (parents before children). */
export function plan(ev: StackEvaluation): PlanEntry[] {
  const namespaces = providerNamespaces(ev);
  const resources = [...ev.resources].sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  return resources.map((r) => ({
    type: r.type,
    name: r.name,
    urn: r.urn,
    parent: r.parent ?? null,
    namespace: isKubernetesObject(r) ? namespaceOf(r, namespaces) : null,
    protect: r.options.protect,
    retainOnDelete: r.options.retainOnDelete,
    ignoreChanges: r.options.ignoreChanges,
    deleteBeforeReplace: r.options.deleteBeforeReplace,
    import: r.options.import ?? null,
    dependsOn: r.options.dependsOn,
  }));
}
