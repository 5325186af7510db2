/**
 * BC Gov OpenShift platform rules, each defined once and run by two runners: `npm run check`
 * (tools/check/run.ts, over rendered stacks or YAML files) and the CrossGuard policy pack (policy/index.ts,
 * during a real `pulumi preview/up`). A rule sees plain objects only, never Pulumi types.
 *
 * Any rule can be waived for one object with the annotation `hcap.bcgov/waive-<rule id>: <reason>`;
 * a waiver without a reason does not count.
 */
import {
  asArray,
  asObject,
  asString,
  at,
  containers,
  imageTriggers,
  isLongRunning,
  isRecord,
  parseImage,
  podTemplate,
  splitStreamTag,
  triggerManagedContainers,
  type KubeObject,
} from "../kube/object";
import { STORAGE_CLASSES, WAIVER_PREFIX } from "../../config/platform";
import {
  cronTimeZone,
  cronVolumeCollision,
  imageRefs,
  int32Fields,
  nameLimits,
  resourceBounds,
  routeHost,
  routeHostUnique,
} from "./limits";
import { routerAdmission } from "./router-admission";

/** What a namespace is for: it decides which platform rules apply. */
export type NamespaceRole = "prod" | "env" | "tools";

/** Role of a namespace from its name (`<plate>-prod`, `<plate>-tools`; anything else runs the app). */
export function roleOfNamespace(namespace: string): NamespaceRole {
  if (namespace.endsWith("-prod")) return "prod";
  if (namespace.endsWith("-tools")) return "tools";
  return "env";
}

/** What a rule knows about the namespace it looks at. */
export interface NamespaceView {
  readonly namespace: string;
  /** A production namespace (stack `prod`, or a namespace named `*-prod`). */
  readonly prod: boolean;
  /** A namespace the application runs in (dev/test/prod), as opposed to tools. */
  readonly environment: boolean;
  readonly objects: readonly KubeObject[];
  /**
   * Whether the engine protects an object (`protect` resource option). Undefined when unknown
   * (plain YAML files have no plan): rules that need it report nothing then.
   */
  readonly isProtected?: (o: KubeObject) => boolean;
}

/** The view of a namespace in `role`: the one place a role becomes the rules' flags. */
export function namespaceView(role: NamespaceRole, view: Pick<NamespaceView, "namespace" | "objects" | "isProtected">): NamespaceView {
  return { ...view, prod: role === "prod", environment: role !== "tools" };
}

export interface Violation {
  /** The object in violation; absent when something is missing from the namespace as a whole. */
  readonly object?: KubeObject;
  /** Field path inside the object (`spec.template.spec.containers[0].resources`). */
  readonly path: string;
  readonly message: string;
}

export interface PlatformPolicy {
  readonly id: string;
  /** Why the rule exists, in one line. */
  readonly rationale: string;
  /** Checks one object (no context needed). */
  readonly checkObject?: (o: KubeObject, view: Omit<NamespaceView, "objects" | "isProtected">) => Violation[];
  /** Checks what one object cannot show alone (something missing, who mounts what, protection). */
  readonly checkNamespace?: (view: NamespaceView) => Violation[];
  /** Checks what spans the namespaces checked together (e.g. a route host claimed twice). */
  readonly checkInstallation?: (views: readonly NamespaceView[]) => Violation[];
}

const ALLOWED_STORAGE_CLASSES: readonly string[] = Object.values(STORAGE_CLASSES);

function missingResources(resources: unknown, path: string): Violation[] {
  const r = asObject(resources);
  const missing: string[] = [];
  for (const kind of ["requests", "limits"] as const) {
    for (const res of ["cpu", "memory"] as const) {
      if (asObject(r[kind])[res] === undefined) missing.push(`${kind}.${res}`);
    }
  }
  return missing.length === 0 ? [] : [{ path: `${path}.resources`, message: `missing ${missing.join(", ")}` }];
}

const resources: PlatformPolicy = {
  id: "resources",
  rationale: "namespace quotas and the scheduler need cpu/memory requests and limits on every container and build",
  checkObject: (o) => {
    if (o.kind === "BuildConfig") {
      return missingResources(at(o, "spec.resources"), "spec").map((v) => ({ ...v, object: o, message: `build ${v.message}` }));
    }
    const t = podTemplate(o);
    if (!t) return [];
    return containers(t).flatMap((c) =>
      missingResources(c.container.resources, c.path).map((v) => ({ ...v, object: o, message: `container ${c.name}: ${v.message}` })),
    );
  },
};

const readinessProbe: PlatformPolicy = {
  id: "readiness-probe",
  rationale: "a long-running pod without a readiness probe gets traffic before it can serve, and rollouts cannot tell a broken pod",
  checkObject: (o) => {
    if (!isLongRunning(o)) return [];
    const t = podTemplate(o);
    if (!t) return [];
    return containers(t)
      .filter((c) => !c.init && c.container.readinessProbe === undefined)
      .map((c) => ({ object: o, path: `${c.path}.readinessProbe`, message: `container ${c.name} has no readiness probe` }));
  },
};

const routeTls: PlatformPolicy = {
  id: "route-tls",
  rationale: "BC Gov routes serve HTTPS only: plain HTTP must be redirected or refused",
  checkObject: (o) => {
    if (o.kind !== "Route") return [];
    const tls = at(o, "spec.tls");
    if (!isRecord(tls) || asString(tls.termination) === undefined) {
      return [{ object: o, path: "spec.tls", message: "route has no TLS termination" }];
    }
    const insecure = asString(tls.insecureEdgeTerminationPolicy);
    if (insecure !== undefined && insecure !== "Redirect" && insecure !== "None") {
      return [
        {
          object: o,
          path: "spec.tls.insecureEdgeTerminationPolicy",
          message: `insecureEdgeTerminationPolicy ${insecure} serves plain HTTP (use Redirect or None)`,
        },
      ];
    }
    return [];
  },
};

/** A NetworkPolicy that selects every pod and allows no ingress. */
export function isDenyByDefault(o: KubeObject): boolean {
  if (o.kind !== "NetworkPolicy") return false;
  const spec = asObject(o.spec);
  const selector = asObject(spec.podSelector);
  const selectsAll = Object.keys(asObject(selector.matchLabels)).length === 0 && asArray(selector.matchExpressions).length === 0;
  const types = asArray(spec.policyTypes);
  const ingressType = types.length === 0 || types.includes("Ingress");
  return selectsAll && ingressType && asArray(spec.ingress).length === 0;
}

const denyByDefault: PlatformPolicy = {
  id: "deny-by-default",
  rationale:
    "each environment declares its own deny-all ingress policy so that only the listed flows are allowed, whatever the platform default",
  checkNamespace: (view) =>
    !view.environment || view.objects.some(isDenyByDefault)
      ? []
      : [
          {
            path: "",
            message: `namespace ${view.namespace} has no deny-by-default NetworkPolicy (podSelector {}, policyTypes [Ingress], no ingress rules)`,
          },
        ],
};

/** Claims a pod template mounts, by claim name. */
function mountedClaims(o: KubeObject): string[] {
  const t = podTemplate(o);
  if (!t) return [];
  return asArray(t.spec.volumes).flatMap((v) => {
    const claim = asString(asObject(asObject(v).persistentVolumeClaim).claimName);
    return claim ? [claim] : [];
  });
}

const storageClass: PlatformPolicy = {
  id: "storage-class",
  rationale: `only ${ALLOWED_STORAGE_CLASSES.join(", ")} exist on BC Gov clusters; the backup class is for backup volumes only`,
  checkNamespace: (view) => {
    const out: Violation[] = [];
    const allowed = ALLOWED_STORAGE_CLASSES;
    const longRunningClaims = new Set(view.objects.filter(isLongRunning).flatMap(mountedClaims));
    for (const o of view.objects) {
      if (o.kind === "PersistentVolumeClaim") {
        const sc = asString(at(o, "spec.storageClassName"));
        if (sc !== undefined && !allowed.includes(sc)) {
          out.push({ object: o, path: "spec.storageClassName", message: `storage class ${sc} is not one of ${allowed.join(", ")}` });
        } else if (sc === STORAGE_CLASSES.backup && longRunningClaims.has(o.metadata.name)) {
          out.push({
            object: o,
            path: "spec.storageClassName",
            message: `${STORAGE_CLASSES.backup} volume is mounted by a long-running workload (only backup jobs may use it)`,
          });
        }
      }
      if (o.kind === "StatefulSet") {
        asArray(at(o, "spec.volumeClaimTemplates")).forEach((vct, i) => {
          const sc = asString(at(vct, "spec.storageClassName"));
          const path = `spec.volumeClaimTemplates[${i}].spec.storageClassName`;
          if (sc !== undefined && !allowed.includes(sc)) {
            out.push({ object: o, path, message: `storage class ${sc} is not one of ${allowed.join(", ")}` });
          } else if (sc === STORAGE_CLASSES.backup) {
            out.push({ object: o, path, message: `${STORAGE_CLASSES.backup} is for backup volumes, not a StatefulSet's data` });
          }
        });
      }
    }
    return out;
  },
};

const pinnedImages: PlatformPolicy = {
  id: "pinned-image",
  rationale: "production runs exactly the image that was tested: no `latest`, no missing tag",
  checkObject: (o, view) => {
    if (!view.prod) return [];
    const out: Violation[] = [];
    const t = podTemplate(o);
    const managed = triggerManagedContainers(o);
    if (t) {
      for (const c of containers(t)) {
        const image = asString(c.container.image);
        if (image === undefined) {
          if (!managed.has(c.name))
            out.push({ object: o, path: `${c.path}.image`, message: `container ${c.name} has no image and no image trigger sets it` });
          continue;
        }
        const p = parseImage(image);
        if (p.digest === undefined && (p.tag === undefined || p.tag === "latest")) {
          out.push({ object: o, path: `${c.path}.image`, message: `container ${c.name} runs ${image}, an unpinned tag` });
        }
      }
    }
    for (const tr of imageTriggers(o)) {
      if (tr.from.kind === "ImageStreamTag" && splitStreamTag(tr.from.name).tag === "latest") {
        out.push({ object: o, path: `${tr.path}.from.name`, message: `image trigger follows ${tr.from.name}, an unpinned tag` });
      }
    }
    return out;
  },
};

/** Secrets a StatefulSet's pods read: the database credentials. */
function statefulSecrets(objects: readonly KubeObject[]): Set<string> {
  const names = new Set<string>();
  for (const o of objects.filter((x) => x.kind === "StatefulSet")) {
    const t = podTemplate(o);
    if (!t) continue;
    for (const c of containers(t)) {
      for (const e of asArray(c.container.env)) {
        const n = asString(at(e, "valueFrom.secretKeyRef.name"));
        if (n) names.add(n);
      }
      for (const e of asArray(c.container.envFrom)) {
        const n = asString(at(e, "secretRef.name"));
        if (n) names.add(n);
      }
    }
    for (const v of asArray(t.spec.volumes)) {
      const n = asString(at(v, "secret.secretName"));
      if (n) names.add(n);
    }
  }
  return names;
}

const protectStateful: PlatformPolicy = {
  id: "protect-stateful",
  rationale: "in production the database, its volumes and its credentials must never be deleted or replaced by a stack change",
  checkNamespace: (view) => {
    const isProtected = view.isProtected;
    if (!view.prod || isProtected === undefined) return [];
    const secrets = statefulSecrets(view.objects);
    return view.objects
      .filter(
        (o) => o.kind === "StatefulSet" || o.kind === "PersistentVolumeClaim" || (o.kind === "Secret" && secrets.has(o.metadata.name)),
      )
      .filter((o) => !isProtected(o))
      .map((o) => ({ object: o, path: "", message: `${o.kind} ${o.metadata.name} is not protected (resource option protect)` }));
  },
};

/** Every platform rule, in report order. */
export const PLATFORM_POLICIES: readonly PlatformPolicy[] = [
  resources,
  readinessProbe,
  routeTls,
  denyByDefault,
  storageClass,
  pinnedImages,
  protectStateful,
  routerAdmission,
  nameLimits,
  int32Fields,
  resourceBounds,
  routeHost,
  routeHostUnique,
  imageRefs,
  cronTimeZone,
  cronVolumeCollision,
];

export type WaiverResult =
  { readonly status: "none" } | { readonly status: "waived"; readonly reason: string } | { readonly status: "no-reason" };

/** Whether `o` waives rule `id` (annotation `hcap.bcgov/waive-<id>` with a non-empty reason). */
export function waiver(o: KubeObject | undefined, id: string): WaiverResult {
  const value = o?.metadata.annotations?.[`${WAIVER_PREFIX}${id}`];
  if (value === undefined) return { status: "none" };
  return value.trim() === "" ? { status: "no-reason" } : { status: "waived", reason: value.trim() };
}

/** Violations left after waivers; a waiver without a reason is itself said in the message. */
export function applyWaiver(id: string, v: Violation): Violation | undefined {
  const w = waiver(v.object, id);
  if (w.status === "waived") return undefined;
  if (w.status === "no-reason")
    return { ...v, message: `${v.message} (waiver annotation ${WAIVER_PREFIX}${id} gives no reason, so it does not apply)` };
  return v;
}

/** Runs the rules that span namespaces over every namespace checked together. */
export function runInstallationPolicies(views: readonly NamespaceView[]): {
  violations: { policy: PlatformPolicy; violation: Violation }[];
  waived: number;
} {
  const violations: { policy: PlatformPolicy; violation: Violation }[] = [];
  let waived = 0;
  for (const policy of PLATFORM_POLICIES) {
    for (const v of policy.checkInstallation ? policy.checkInstallation(views) : []) {
      const kept = applyWaiver(policy.id, v);
      if (kept) violations.push({ policy, violation: kept });
      else waived++;
    }
  }
  return { violations, waived };
}

/** Runs every rule over one namespace; returns the unwaived violations with their rule and the waived count. */
export function runPolicies(view: NamespaceView): { violations: { policy: PlatformPolicy; violation: Violation }[]; waived: number } {
  const violations: { policy: PlatformPolicy; violation: Violation }[] = [];
  let waived = 0;
  for (const policy of PLATFORM_POLICIES) {
    const raw = [
      ...(policy.checkObject ? view.objects.flatMap((o) => policy.checkObject!(o, view)) : []),
      ...(policy.checkNamespace ? policy.checkNamespace(view) : []),
    ];
    for (const v of raw) {
      const kept = applyWaiver(policy.id, v);
      if (kept) violations.push({ policy, violation: kept });
      else waived++;
    }
  }
  return { violations, waived };
}
