/**
 * Reference integrity within and across namespaces: everything an object names (Secrets, ConfigMaps
 * and their keys, claims, service accounts, pods behind a Service, Services behind a Route, Roles,
 * image streams and tags, image-pull grants) must be declared by some namespace of the installation.
 * These are the mistakes `pulumi preview` accepts and the cluster rejects (or silently breaks on).
 */
import { IMAGE_TAG_SHA_LENGTH } from "../../config/fields";
import { ENVIRONMENTS } from "../../config";
import {
  asArray,
  asObject,
  asString,
  asStringMap,
  at,
  containers,
  imageTriggers,
  internalImageStream,
  podSpecPath,
  podTemplate,
  splitStreamTag,
  triggerManagedContainers,
  type KubeObject,
  type PodTemplate,
} from "../kube/object";

export interface ReferenceFinding {
  readonly rule: string;
  readonly object: KubeObject;
  readonly path: string;
  readonly message: string;
  readonly severity: "error" | "warning";
}

export interface NamespaceObjects {
  readonly namespace: string;
  readonly objects: readonly KubeObject[];
}

/** Rule ids and what each one guards. */
export const REFERENCE_RULES = {
  "ref-secret": "env, envFrom and volumes name Secrets (and keys) that exist",
  "ref-configmap": "env, envFrom and volumes name ConfigMaps (and keys) that exist",
  "ref-volume": "volume mounts name a pod volume (or a StatefulSet claim template); claims exist",
  "ref-service-account": "pods run as a service account that exists",
  "ref-service-selector": "a Service selects the pods of some workload",
  "ref-service-port": "a Service's target ports are ports of the selected containers",
  "ref-route": "a Route points at an existing Service and one of its ports",
  "ref-role": "a RoleBinding grants a Role that exists",
  "ref-trigger": "image triggers name existing containers (which leave `image` to the trigger)",
  "ref-image": "image streams and tags used by triggers, builds, tags and pods are declared or built",
  "ref-image-puller": "pulling an image stream from another namespace is granted system:image-puller there",
} as const;
export type ReferenceRule = keyof typeof REFERENCE_RULES;

/** Service accounts every OpenShift namespace has. */
const BUILTIN_SERVICE_ACCOUNTS = new Set(["default", "builder", "deployer", "pipeline"]);
/** Labels a workload's pods receive at run time: Patroni labels the leader `role: master`. */
export const RUNTIME_LABELS = new Set(["role"]);
const IMAGE_PULLER = "system:image-puller";

class Index {
  private readonly byKey = new Map<string, KubeObject>();
  private readonly tags = new Set<string>();

  constructor(readonly installation: readonly NamespaceObjects[]) {
    for (const ns of installation) {
      for (const o of ns.objects) this.byKey.set(this.key(ns.namespace, o.kind, o.metadata.name), o);
    }
    for (const ns of installation) {
      for (const o of ns.objects) {
        if (o.kind === "ImageStream") {
          for (const t of asArray(at(o, "spec.tags"))) {
            const name = asString(asObject(t).name);
            if (name) this.tags.add(`${ns.namespace}/${o.metadata.name}:${name}`);
          }
        }
        if (o.kind === "ImageStreamTag") this.tags.add(`${ns.namespace}/${o.metadata.name}`);
        if (o.kind === "BuildConfig") {
          const to = asObject(at(o, "spec.output.to"));
          if (to.kind === "ImageStreamTag" && typeof to.name === "string") {
            this.tags.add(`${asString(to.namespace) ?? ns.namespace}/${withTag(to.name)}`);
          }
        }
      }
    }
  }

  key(namespace: string, kind: string, name: string): string {
    return `${namespace}\u0000${kind}\u0000${name}`;
  }

  get(namespace: string, kind: string, name: string): KubeObject | undefined {
    return this.byKey.get(this.key(namespace, kind, name));
  }

  hasNamespace(namespace: string): boolean {
    return this.installation.some((n) => n.namespace === namespace);
  }

  hasTag(namespace: string, stream: string, tag: string): boolean {
    return this.tags.has(`${namespace}/${stream}:${tag}`);
  }

  objects(namespace: string): readonly KubeObject[] {
    return this.installation.find((n) => n.namespace === namespace)?.objects ?? [];
  }
}

function withTag(name: string): string {
  const { stream, tag } = splitStreamTag(name);
  return `${stream}:${tag}`;
}

/** Keys a Secret or ConfigMap holds (data, stringData, binaryData). */
function keysOf(o: KubeObject): Set<string> {
  return new Set(["data", "stringData", "binaryData"].flatMap((f) => Object.keys(asObject(o[f]))));
}

type Out = (f: Omit<ReferenceFinding, "severity"> & { severity?: "error" | "warning" }) => void;

function checkKeyed(
  idx: Index,
  ns: string,
  o: KubeObject,
  out: Out,
  kind: "Secret" | "ConfigMap",
  name: string,
  key: string | undefined,
  optional: boolean,
  path: string,
): void {
  if (optional) return;
  const rule: ReferenceRule = kind === "Secret" ? "ref-secret" : "ref-configmap";
  const target = idx.get(ns, kind, name);
  if (!target) {
    out({ rule, object: o, path, message: `${kind} ${name} is not declared in ${ns}` });
  } else if (key !== undefined && !keysOf(target).has(key)) {
    out({ rule, object: o, path, message: `${kind} ${name} has no key ${key} (has: ${[...keysOf(target)].sort().join(", ") || "none"})` });
  }
}

function checkPodRefs(idx: Index, ns: string, o: KubeObject, t: PodTemplate, out: Out): void {
  const spec = t.spec;
  const specPath = podSpecPath(t);
  const volumeNames = new Set<string>();
  asArray(spec.volumes).forEach((v, i) => {
    const vol = asObject(v);
    const path = `${specPath}.volumes[${i}]`;
    if (typeof vol.name === "string") volumeNames.add(vol.name);
    // A volume from a Secret or a ConfigMap: the object must exist, and so must each key it projects.
    for (const [kind, field, nameField] of [
      ["Secret", "secret", "secretName"],
      ["ConfigMap", "configMap", "name"],
    ] as const) {
      const source = asObject(vol[field]);
      const name = source[nameField];
      if (typeof name !== "string") continue;
      const optional = source.optional === true;
      const items = asArray(source.items);
      if (items.length === 0) checkKeyed(idx, ns, o, out, kind, name, undefined, optional, `${path}.${field}.${nameField}`);
      items.forEach((it, j) =>
        checkKeyed(idx, ns, o, out, kind, name, asString(asObject(it).key), optional, `${path}.${field}.items[${j}].key`),
      );
    }
    const claim = asString(asObject(vol.persistentVolumeClaim).claimName);
    if (claim !== undefined && !idx.get(ns, "PersistentVolumeClaim", claim)) {
      out({
        rule: "ref-volume",
        object: o,
        path: `${path}.persistentVolumeClaim.claimName`,
        message: `PersistentVolumeClaim ${claim} is not declared in ${ns}`,
      });
    }
  });
  // A StatefulSet's claim templates become volumes of the same name in every pod.
  if (o.kind === "StatefulSet") {
    for (const vct of asArray(at(o, "spec.volumeClaimTemplates"))) {
      const n = asString(at(vct, "metadata.name"));
      if (n) volumeNames.add(n);
    }
  }

  for (const c of containers(t)) {
    asArray(c.container.env).forEach((e, i) => {
      const path = `${c.path}.env[${i}].valueFrom`;
      const sk = asObject(at(e, "valueFrom.secretKeyRef"));
      if (typeof sk.name === "string")
        checkKeyed(idx, ns, o, out, "Secret", sk.name, asString(sk.key), sk.optional === true, `${path}.secretKeyRef`);
      const ck = asObject(at(e, "valueFrom.configMapKeyRef"));
      if (typeof ck.name === "string")
        checkKeyed(idx, ns, o, out, "ConfigMap", ck.name, asString(ck.key), ck.optional === true, `${path}.configMapKeyRef`);
    });
    asArray(c.container.envFrom).forEach((e, i) => {
      const sr = asObject(asObject(e).secretRef);
      if (typeof sr.name === "string")
        checkKeyed(idx, ns, o, out, "Secret", sr.name, undefined, sr.optional === true, `${c.path}.envFrom[${i}].secretRef`);
      const cr = asObject(asObject(e).configMapRef);
      if (typeof cr.name === "string")
        checkKeyed(idx, ns, o, out, "ConfigMap", cr.name, undefined, cr.optional === true, `${c.path}.envFrom[${i}].configMapRef`);
    });
    asArray(c.container.volumeMounts).forEach((m, i) => {
      const n = asString(asObject(m).name);
      if (n !== undefined && !volumeNames.has(n)) {
        out({
          rule: "ref-volume",
          object: o,
          path: `${c.path}.volumeMounts[${i}].name`,
          message: `container ${c.name} mounts ${n}, which is not a volume of the pod`,
        });
      }
    });
  }

  const sa = asString(spec.serviceAccountName) ?? asString(spec.serviceAccount);
  if (sa !== undefined && !BUILTIN_SERVICE_ACCOUNTS.has(sa) && !idx.get(ns, "ServiceAccount", sa)) {
    out({
      rule: "ref-service-account",
      object: o,
      path: `${specPath}.serviceAccountName`,
      message: `ServiceAccount ${sa} is not declared in ${ns}`,
    });
  }
}

/** Whether the image-stream tag `stream:tag` in `namespace` is declared or built; findings when not. */
/** Environment tags (`<stream>:dev|test|prod`) exist only once `npm run promote` named a commit. */
const ENVIRONMENT_TAGS: ReadonlySet<string> = new Set(ENVIRONMENTS);
/** The image tag CI gives each build: the commit's short SHA. */
const COMMIT_TAG = new RegExp(`^[0-9a-f]{${IMAGE_TAG_SHA_LENGTH}}$`);

function checkStreamTag(
  idx: Index,
  o: KubeObject,
  out: Out,
  namespace: string,
  name: string,
  path: string,
  needTag = true,
  triggerWaits = false,
): void {
  if (!idx.hasNamespace(namespace)) return; // outside this installation (e.g. the shared `openshift` namespace)
  const { stream, tag } = splitStreamTag(name);
  if (!idx.get(namespace, "ImageStream", stream)) {
    out({ rule: "ref-image", object: o, path, message: `ImageStream ${stream} is not declared in ${namespace}` });
  } else if (needTag && !idx.hasTag(namespace, stream, tag) && triggerWaits && ENVIRONMENT_TAGS.has(tag)) {
    // A trigger on an environment tag nobody promoted yet is a valid state: the workload waits.
    out({
      rule: "ref-image",
      severity: "warning",
      object: o,
      path,
      message: `tag ${stream}:${tag} in ${namespace} is not promoted yet: nothing deploys until npm run promote -- ${tag} <sha>`,
    });
  } else if (needTag && !idx.hasTag(namespace, stream, tag)) {
    out({
      rule: "ref-image",
      object: o,
      path,
      message: `tag ${stream}:${tag} in ${namespace} is neither declared (ImageStream spec.tags, ImageStreamTag) nor built (BuildConfig output)`,
    });
  }
}

/** Service accounts whose pods pull `o`'s images. */
function podServiceAccount(t: PodTemplate): string {
  return asString(t.spec.serviceAccountName) ?? asString(t.spec.serviceAccount) ?? "default";
}

function grantsPull(idx: Index, sourceNs: string, pullerNs: string, serviceAccount: string): boolean {
  return idx.objects(sourceNs).some((o) => {
    if (o.kind !== "RoleBinding") return false;
    const role = asObject(o.roleRef);
    if (role.kind !== "ClusterRole" || role.name !== IMAGE_PULLER) return false;
    return asArray(o.subjects).some((s) => {
      const sub = asObject(s);
      if (sub.kind === "Group") return sub.name === `system:serviceaccounts:${pullerNs}` || sub.name === "system:serviceaccounts";
      if (sub.kind === "ServiceAccount") return sub.name === serviceAccount && (asString(sub.namespace) ?? sourceNs) === pullerNs;
      return false;
    });
  });
}

function checkPull(idx: Index, ns: string, o: KubeObject, t: PodTemplate, out: Out, sourceNs: string, what: string, path: string): void {
  if (sourceNs === ns || !idx.hasNamespace(sourceNs)) return;
  const sa = podServiceAccount(t);
  if (!grantsPull(idx, sourceNs, ns, sa)) {
    out({
      rule: "ref-image-puller",
      object: o,
      path,
      message: `pods in ${ns} (service account ${sa}) pull ${what} from ${sourceNs}, but no RoleBinding in ${sourceNs} grants ClusterRole ${IMAGE_PULLER} to system:serviceaccounts:${ns} or to that service account`,
    });
  }
}

function checkImages(idx: Index, ns: string, o: KubeObject, t: PodTemplate, out: Out): void {
  const byName = new Map(containers(t).map((c) => [c.name, c]));
  const managed = triggerManagedContainers(o);
  for (const c of byName.values()) {
    const image = asString(c.container.image);
    if (image === undefined) continue;
    if (managed.has(c.name)) {
      out({
        rule: "ref-trigger",
        severity: "warning",
        object: o,
        path: `${c.path}.image`,
        message: `container ${c.name} sets image, which its image trigger also sets: every deploy would show drift`,
      });
    }
    const internal = internalImageStream(image);
    if (!internal) continue;
    const tag = internal.tag ?? "latest";
    // A commit tag is written by CI's `oc tag` (deploy.yml), never declared; promote.yml checks it exists
    // before recording a promotion. An environment tag in a pod is a Deployment not promoted yet (0 pods).
    const ciTag = COMMIT_TAG.test(tag);
    checkStreamTag(
      idx,
      o,
      out,
      internal.namespace,
      `${internal.stream}:${tag}`,
      `${c.path}.image`,
      internal.digest === undefined && !ciTag,
      true,
    );
    checkPull(idx, ns, o, t, out, internal.namespace, image, `${c.path}.image`);
  }
  for (const tr of imageTriggers(o)) {
    for (const [i, n] of tr.containerNames.entries()) {
      if (!byName.has(n))
        out({
          rule: "ref-trigger",
          object: o,
          path: `${tr.path}.containerNames[${i}]`,
          message: `image trigger names container ${n}, which the pod template does not have`,
        });
    }
    if (tr.containerNames.length === 0) out({ rule: "ref-trigger", object: o, path: tr.path, message: "image trigger names no container" });
    if (tr.from.kind !== "ImageStreamTag") continue;
    const sourceNs = tr.from.namespace ?? ns;
    checkStreamTag(idx, o, out, sourceNs, tr.from.name, `${tr.path}.from`, true, true);
    checkPull(idx, ns, o, t, out, sourceNs, `ImageStreamTag ${tr.from.name}`, `${tr.path}.from`);
  }
}

function selects(selector: Record<string, string>, labels: Record<string, string>, ignore: ReadonlySet<string>): boolean {
  return Object.entries(selector).every(([k, v]) => ignore.has(k) || labels[k] === v);
}

function checkService(idx: Index, ns: string, o: KubeObject, out: Out): void {
  const selector = asStringMap(at(o, "spec.selector"));
  if (Object.keys(selector).length === 0) return; // endpoints managed elsewhere (e.g. by Patroni)
  const templates = idx.objects(ns).flatMap((w) => {
    const t = podTemplate(w);
    if (!t || w.kind === "CronJob" || w.kind === "Job") return [];
    const runtime = w.kind === "StatefulSet" ? RUNTIME_LABELS : new Set<string>();
    const nonRuntime = Object.keys(selector).filter((k) => !runtime.has(k));
    return nonRuntime.length > 0 && selects(selector, t.labels, runtime) ? [t] : [];
  });
  if (templates.length === 0) {
    out({
      rule: "ref-service-selector",
      object: o,
      path: "spec.selector",
      message: `selector ${JSON.stringify(selector)} matches no pod template in ${ns}`,
    });
    return;
  }
  const ports = templates.flatMap((t) =>
    containers(t)
      .filter((c) => !c.init)
      .flatMap((c) => asArray(c.container.ports).map(asObject)),
  );
  asArray(at(o, "spec.ports")).forEach((p, i) => {
    const port = asObject(p);
    const target = port.targetPort ?? port.port;
    const ok = typeof target === "string" ? ports.some((cp) => cp.name === target) : ports.some((cp) => cp.containerPort === target);
    if (!ok) {
      out({
        rule: "ref-service-port",
        object: o,
        path: `spec.ports[${i}].targetPort`,
        message: `target port ${String(target)} is not a ${typeof target === "string" ? "named " : ""}container port of the selected pods`,
      });
    }
  });
}

function checkRoute(idx: Index, ns: string, o: KubeObject, out: Out): void {
  const to = asObject(at(o, "spec.to"));
  const name = asString(to.name);
  if ((asString(to.kind) ?? "Service") !== "Service" || name === undefined) return;
  const svc = idx.get(ns, "Service", name);
  if (!svc) {
    out({ rule: "ref-route", object: o, path: "spec.to.name", message: `Service ${name} is not declared in ${ns}` });
    return;
  }
  const target = at(o, "spec.port.targetPort");
  if (target === undefined) return;
  const ports = asArray(at(svc, "spec.ports")).map(asObject);
  const ok = ports.some((p) =>
    typeof target === "string" ? p.name === target || p.targetPort === target : p.port === target || p.targetPort === target,
  );
  if (!ok) out({ rule: "ref-route", object: o, path: "spec.port.targetPort", message: `Service ${name} has no port ${String(target)}` });
}

function checkRoleBinding(idx: Index, ns: string, o: KubeObject, out: Out): void {
  const role = asObject(o.roleRef);
  if (role.kind === "Role" && typeof role.name === "string" && !idx.get(ns, "Role", role.name)) {
    out({ rule: "ref-role", object: o, path: "roleRef.name", message: `Role ${role.name} is not declared in ${ns}` });
  }
}

/*
 * Builds, tags and image-stream tags may start from a tag that CI creates at build time (the
 * `:<commit>` tags `oc tag` writes), so only their stream must be declared; what pods run (triggers,
 * images) must be a declared or built tag.
 */
function checkBuild(idx: Index, ns: string, o: KubeObject, out: Out): void {
  const to = asObject(at(o, "spec.output.to"));
  if (to.kind === "ImageStreamTag" && typeof to.name === "string") {
    checkStreamTag(idx, o, out, asString(to.namespace) ?? ns, to.name, "spec.output.to", false);
  }
  const strategy = asObject(at(o, "spec.strategy"));
  for (const field of ["dockerStrategy", "sourceStrategy", "customStrategy"]) {
    const from = asObject(asObject(strategy[field]).from);
    if (from.kind === "ImageStreamTag" && typeof from.name === "string") {
      checkStreamTag(idx, o, out, asString(from.namespace) ?? ns, from.name, `spec.strategy.${field}.from`, false);
    }
  }
  asArray(at(o, "spec.triggers")).forEach((t, i) => {
    const from = asObject(at(t, "imageChange.from"));
    if (from.kind === "ImageStreamTag" && typeof from.name === "string") {
      checkStreamTag(idx, o, out, asString(from.namespace) ?? ns, from.name, `spec.triggers[${i}].imageChange.from`, false);
    }
  });
}

function checkImageStreamObjects(idx: Index, ns: string, o: KubeObject, out: Out): void {
  if (o.kind === "ImageStreamTag") {
    const { stream } = splitStreamTag(o.metadata.name);
    if (!idx.get(ns, "ImageStream", stream))
      out({ rule: "ref-image", object: o, path: "metadata.name", message: `ImageStream ${stream} is not declared in ${ns}` });
    const from = asObject(at(o, "tag.from"));
    if (from.kind === "ImageStreamTag" && typeof from.name === "string")
      checkStreamTag(idx, o, out, asString(from.namespace) ?? ns, from.name, "tag.from", false);
  }
  if (o.kind === "ImageStream") {
    asArray(at(o, "spec.tags")).forEach((t, i) => {
      const from = asObject(asObject(t).from);
      if (from.kind === "ImageStreamTag" && typeof from.name === "string") {
        const name = from.name.includes(":") ? from.name : `${o.metadata.name}:${from.name}`;
        checkStreamTag(idx, o, out, asString(from.namespace) ?? ns, name, `spec.tags[${i}].from`, false);
      }
    });
  }
}

/** Every broken reference of the installation (all namespaces together). */
export function checkReferences(installation: readonly NamespaceObjects[]): ReferenceFinding[] {
  const idx = new Index(installation);
  const findings: ReferenceFinding[] = [];
  for (const { namespace: ns, objects } of installation) {
    for (const o of objects) {
      const out: Out = (f) => findings.push({ severity: "error", ...f });
      const t = podTemplate(o);
      if (t) {
        checkPodRefs(idx, ns, o, t, out);
        checkImages(idx, ns, o, t, out);
      }
      if (o.kind === "Service") checkService(idx, ns, o, out);
      if (o.kind === "Route") checkRoute(idx, ns, o, out);
      if (o.kind === "RoleBinding") checkRoleBinding(idx, ns, o, out);
      if (o.kind === "BuildConfig") checkBuild(idx, ns, o, out);
      checkImageStreamObjects(idx, ns, o, out);
    }
  }
  return findings;
}
