/**
 * Turns an offline evaluation into what a reviewer reads: the Kubernetes objects (multi-document
 * YAML, secrets replaced by a fixed placeholder) and the plan (every resource with its safety options).
 */
import { stringify } from "yaml";
import type { KubeObject } from "../kube/object";
import { redact, type Captured, type SecretRenderer } from "../kube/secret";
import type { DeclaredResource, HookBindings, StackEvaluation } from "./evaluate";

/** The type token of the stack's Kubernetes provider (the program declares exactly one). */
export const PROVIDER_TYPE = "pulumi:providers:kubernetes";

/** The stack's Kubernetes provider, as declared. */
export function kubernetesProvider(ev: StackEvaluation): DeclaredResource | undefined {
  return ev.resources.find((r) => r.type === PROVIDER_TYPE);
}

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
  /** Former URNs of a renamed resource (absent when there are none). */
  readonly aliases?: readonly string[];
  /** Resource hooks by when they run (absent when there are none). */
  readonly hooks?: HookBindings;
}

/** Install order, as a reviewer (and `oc apply`) expects it; unknown kinds go last, by name. */
const KIND_ORDER = [
  "NetworkPolicy",
  "ServiceAccount",
  "Role",
  "RoleBinding",
  "Secret",
  "ConfigMap",
  "PersistentVolumeClaim",
  "ImageStream",
  "ImageStreamTag",
  "BuildConfig",
  "Service",
  "StatefulSet",
  "PodDisruptionBudget",
  "DeploymentConfig",
  "Deployment",
  "CronJob",
  "Route",
];

function kindRank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
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
    ...(r.options.aliases.length > 0 ? { aliases: r.options.aliases } : {}),
    ...(Object.keys(r.options.hooks).length > 0 ? { hooks: r.options.hooks } : {}),
  }));
}
