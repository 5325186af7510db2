/**
 * Platform rules for what the API server, the router or the platform reject (or silently break on)
 * at run time: name and label limits, int32 fields, quantity bounds, route hosts, image grammar,
 * CronJob time zones and schedules. The predicates are config/limits.ts, the same ones config
 * validation uses; these rules apply them to any render, so a render from a future change of the
 * program or from another tool is held to the same limits.
 */
import {
  OBJECT_DATA_MAX,
  annotationsProblem,
  cpuProblem,
  imageReferenceProblem,
  imageTagProblem,
  int32Problem,
  labelValueProblem,
  memoryProblem,
  objectNameProblem,
  qualifiedNameProblem,
  routeHostProblem,
  scheduleCollision,
  storageProblem,
  timeZoneProblem,
  workloadTotalProblem,
} from "../../config/limits";
import { quantityValue } from "../../config/quantity";
import { MIN_CRON_MINUTES_WITH_VOLUME } from "../../config/keys";
import {
  asArray,
  asObject,
  asString,
  asStringMap,
  at,
  containers,
  imageTriggers,
  isRecord,
  podTemplate,
  splitStreamTag,
  type KubeObject,
} from "../kube/object";
import type { PlatformPolicy, Violation } from "./policies";

function labelViolations(o: KubeObject, labels: unknown, path: string): Violation[] {
  const out: Violation[] = [];
  for (const [k, v] of Object.entries(asObject(labels))) {
    const keyProblem = qualifiedNameProblem(k);
    if (keyProblem) out.push({ object: o, path: `${path}.${k}`, message: `label key ${k} ${keyProblem}` });
    if (typeof v === "string") {
      const valueProblem = labelValueProblem(v);
      if (valueProblem) out.push({ object: o, path: `${path}.${k}`, message: `label value ${v} ${valueProblem}` });
    }
  }
  return out;
}

export const nameLimits: PlatformPolicy = {
  id: "name-limits",
  rationale:
    "names, label keys and values and annotations within the API server's limits per kind, including the names controllers generate from them (CronJob → Job, StatefulSet → pods and controller-revision-hash)",
  checkObject: (o) => {
    const out: Violation[] = [];
    const nameProblem = objectNameProblem(o.kind, o.metadata.name);
    if (nameProblem) out.push({ object: o, path: "metadata.name", message: `${o.kind} name ${o.metadata.name} ${nameProblem}` });
    out.push(...labelViolations(o, o.metadata.labels, "metadata.labels"));
    const annotations = asStringMap(o.metadata.annotations);
    for (const k of Object.keys(annotations)) {
      const p = qualifiedNameProblem(k);
      if (p) out.push({ object: o, path: `metadata.annotations.${k}`, message: `annotation key ${k} ${p}` });
    }
    const size = annotationsProblem(annotations);
    if (size) out.push({ object: o, path: "metadata.annotations", message: size });
    const t = podTemplate(o);
    if (t && t.path !== "") out.push(...labelViolations(o, at(o, `${t.path}.metadata.labels`), `${t.path}.metadata.labels`));
    if (o.kind === "Service") out.push(...labelViolations(o, at(o, "spec.selector"), "spec.selector"));
    else if (isRecord(at(o, "spec.selector.matchLabels")))
      out.push(...labelViolations(o, at(o, "spec.selector.matchLabels"), "spec.selector.matchLabels"));
    return out;
  },
};

/** Integer fields of the API that are int64 (seconds, user and group ids); every other count is int32. */
const INT64_FIELDS = new Set([
  "terminationGracePeriodSeconds",
  "activeDeadlineSeconds",
  "startingDeadlineSeconds",
  "runAsUser",
  "runAsGroup",
  "fsGroup",
  "supplementalGroups",
  "expirationSeconds",
]);
/** Subtrees that hold quantities or data, not counts. */
const NOT_COUNTS = new Set(["resources", "data", "stringData", "metadata", "hard", "capacity"]);

function walkNumbers(v: unknown, path: string, field: string, out: { path: string; value: number }[]): void {
  if (typeof v === "number") {
    if (!INT64_FIELDS.has(field)) out.push({ path, value: v });
  } else if (Array.isArray(v)) {
    v.forEach((x, i) => walkNumbers(x, `${path}[${i}]`, field, out));
  } else if (isRecord(v)) {
    for (const [k, x] of Object.entries(v)) if (!NOT_COUNTS.has(k)) walkNumbers(x, path === "" ? k : `${path}.${k}`, k, out);
  }
}

export const int32Fields: PlatformPolicy = {
  id: "int32",
  rationale: "replicas, ports, limits and other counts are 32-bit integers in the API: a larger number is refused (or wraps) at apply time",
  checkObject: (o) => {
    const numbers: { path: string; value: number }[] = [];
    walkNumbers(o, "", "", numbers);
    return numbers.flatMap(({ path, value }) => {
      const p = Number.isInteger(value) ? int32Problem(value) : undefined;
      return p ? [{ object: o, path, message: `${path.split(".").pop()} ${p}` }] : [];
    });
  },
};

function quantityAt(v: unknown): string | number | undefined {
  return typeof v === "string" || typeof v === "number" ? v : undefined;
}

export const resourceBounds: PlatformPolicy = {
  id: "resource-bounds",
  rationale:
    "a container with less than 1Mi of memory (a missing unit) or more CPU/memory than the largest namespace holds never runs; volumes are 20Mi-512Gi; Secrets and ConfigMaps hold at most 1MiB",
  checkObject: (o) => {
    const out: Violation[] = [];
    const t = podTemplate(o);
    if (t) {
      let cpuMillis = 0;
      let memoryBytes = 0;
      for (const c of containers(t)) {
        for (const kind of ["requests", "limits"] as const) {
          const r = asObject(asObject(c.container.resources)[kind]);
          const single = kind === "requests" ? "request" : "limit";
          const memory = quantityAt(r.memory);
          const cpu = quantityAt(r.cpu);
          const mp = memory === undefined ? undefined : memoryProblem(memory, single);
          if (mp) out.push({ object: o, path: `${c.path}.resources.${kind}.memory`, message: `container ${c.name}: memory ${mp}` });
          const cp = cpu === undefined ? undefined : cpuProblem(cpu, single);
          if (cp) out.push({ object: o, path: `${c.path}.resources.${kind}.cpu`, message: `container ${c.name}: cpu ${cp}` });
          if (kind === "requests" && !c.init) {
            cpuMillis += (cpu === undefined ? 0 : (quantityValue(cpu) ?? 0)) * 1000;
            memoryBytes += memory === undefined ? 0 : (quantityValue(memory) ?? 0);
          }
        }
      }
      const replicas = at(o, "spec.replicas");
      if (typeof replicas === "number" && Number.isInteger(replicas)) {
        const total = workloadTotalProblem(replicas, cpuMillis, memoryBytes);
        if (total) out.push({ object: o, path: "spec.replicas", message: total });
      }
    }
    const claims: { path: string; spec: unknown }[] =
      o.kind === "PersistentVolumeClaim"
        ? [{ path: "spec", spec: o.spec }]
        : o.kind === "StatefulSet"
          ? asArray(at(o, "spec.volumeClaimTemplates")).map((v, i) => ({
              path: `spec.volumeClaimTemplates[${i}].spec`,
              spec: asObject(v).spec,
            }))
          : [];
    for (const claim of claims) {
      const size = quantityAt(at(claim.spec, "resources.requests.storage"));
      const p = size === undefined ? undefined : storageProblem(size);
      if (p) out.push({ object: o, path: `${claim.path}.resources.requests.storage`, message: `volume size ${p}` });
    }
    if (o.kind === "Secret" || o.kind === "ConfigMap") {
      let bytes = 0;
      for (const field of ["data", "stringData", "binaryData"]) {
        for (const [k, v] of Object.entries(asObject(o[field])))
          bytes += Buffer.byteLength(k) + (typeof v === "string" ? Buffer.byteLength(v) : 0);
      }
      if (bytes > OBJECT_DATA_MAX)
        out.push({
          object: o,
          path: "data",
          message: `${o.kind} holds ${bytes} bytes, more than the API server's ${OBJECT_DATA_MAX} (1MiB)`,
        });
    }
    return out;
  },
};

const ALLOW_NON_DNS_HOST = "route.openshift.io/allow-non-dns-compliant-host";

export const routeHost: PlatformPolicy = {
  id: "route-host",
  rationale:
    "a Route's host must be a DNS name whose every segment has at most 63 characters, or the API server (and the router) refuse it",
  checkObject: (o) => {
    const host = asString(at(o, "spec.host"));
    if (o.kind !== "Route" || host === undefined || host === "") return [];
    const p = routeHostProblem(host);
    if (!p || (o.metadata.annotations?.[ALLOW_NON_DNS_HOST] === "true" && p.startsWith("has a segment"))) return [];
    return [{ object: o, path: "spec.host", message: `host ${host} ${p}` }];
  },
};

export const routeHostUnique: PlatformPolicy = {
  id: "route-host-unique",
  rationale:
    "the router admits a host for the oldest Route only: a second Route claiming it (in any namespace checked together) is never served",
  checkInstallation: (views) => {
    const byHost = new Map<string, { o: KubeObject; namespace: string }[]>();
    for (const view of views) {
      for (const o of view.objects) {
        const host = asString(at(o, "spec.host"));
        const path = asString(at(o, "spec.path")) ?? "";
        if (o.kind !== "Route" || !host) continue;
        // Routes may share a host on different paths (e.g. `/api` to the server): one claim per host and path.
        const key = `${host}${path}`;
        byHost.set(key, [...(byHost.get(key) ?? []), { o, namespace: view.namespace }]);
      }
    }
    const out: Violation[] = [];
    for (const [key, claims] of byHost) {
      if (claims.length < 2) continue;
      for (const c of claims) {
        const rest = claims.filter((x) => x !== c).map((x) => `Route/${x.o.metadata.name} in ${x.namespace}`);
        out.push({ object: c.o, path: "spec.host", message: `host ${key} is also claimed by ${rest.join(", ")}` });
      }
    }
    return out;
  },
};

export const imageRefs: PlatformPolicy = {
  id: "image-ref",
  rationale: "image references and tags must follow the docker reference grammar, or pulls, builds and tags fail at run time",
  checkObject: (o) => {
    const out: Violation[] = [];
    const t = podTemplate(o);
    if (t) {
      for (const c of containers(t)) {
        const image = asString(c.container.image);
        const p = image === undefined ? undefined : imageReferenceProblem(image);
        if (p) out.push({ object: o, path: `${c.path}.image`, message: `container ${c.name}: image ${image} ${p}` });
      }
    }
    for (const tr of imageTriggers(o)) {
      if (tr.from.kind !== "ImageStreamTag") continue;
      const p = imageTagProblem(splitStreamTag(tr.from.name).tag);
      if (p) out.push({ object: o, path: `${tr.path}.from.name`, message: `image trigger ${tr.from.name}: tag ${p}` });
    }
    const refs: { path: string; from: unknown }[] = [];
    if (o.kind === "ImageStream") {
      asArray(at(o, "spec.tags")).forEach((tag, i) => {
        const name = asString(asObject(tag).name);
        const p = name === undefined ? undefined : imageTagProblem(name);
        if (p) out.push({ object: o, path: `spec.tags[${i}].name`, message: `tag ${name} ${p}` });
        refs.push({ path: `spec.tags[${i}].from`, from: asObject(tag).from });
      });
    }
    if (o.kind === "ImageStreamTag") refs.push({ path: "tag.from", from: at(o, "tag.from") });
    if (o.kind === "BuildConfig") {
      for (const strategy of ["dockerStrategy", "sourceStrategy", "customStrategy"])
        refs.push({ path: `spec.strategy.${strategy}.from`, from: at(o, `spec.strategy.${strategy}.from`) });
      refs.push({ path: "spec.output.to", from: at(o, "spec.output.to") });
    }
    for (const { path, from } of refs) {
      const f = asObject(from);
      const name = asString(f.name);
      if (name === undefined) continue;
      const p =
        f.kind === "DockerImage"
          ? imageReferenceProblem(name)
          : f.kind === "ImageStreamTag"
            ? imageTagProblem(splitStreamTag(name).tag)
            : undefined;
      if (p) out.push({ object: o, path: `${path}.name`, message: `${String(f.kind)} ${name} ${p}` });
    }
    return out;
  },
};

export const cronTimeZone: PlatformPolicy = {
  id: "cron-time-zone",
  rationale:
    "CronJob spec.timeZone must be an IANA zone spelled exactly as Go's time.LoadLocation finds it, or the API server refuses the CronJob",
  checkObject: (o) => {
    const tz = at(o, "spec.timeZone");
    if (o.kind !== "CronJob" || typeof tz !== "string") return [];
    const p = timeZoneProblem(tz);
    return p ? [{ object: o, path: "spec.timeZone", message: `time zone ${tz} ${p}` }] : [];
  },
};

function claimsOf(o: KubeObject): string[] {
  const t = podTemplate(o);
  return t ? asArray(t.spec.volumes).flatMap((v) => asString(at(v, "persistentVolumeClaim.claimName")) ?? []) : [];
}

export const cronVolumeCollision: PlatformPolicy = {
  id: "cron-volume-collision",
  rationale: `two CronJobs that mount the same volume must start at least ${MIN_CRON_MINUTES_WITH_VOLUME} minutes apart, or one blocks on the volume or reads what the other is still writing`,
  checkNamespace: (view) => {
    const jobs = view.objects.filter((o) => o.kind === "CronJob");
    const out: Violation[] = [];
    jobs.forEach((a, i) => {
      for (const b of jobs.slice(i + 1)) {
        const shared = claimsOf(a).filter((c) => claimsOf(b).includes(c));
        const sa = asString(at(a, "spec.schedule"));
        const sb = asString(at(b, "spec.schedule"));
        if (shared.length === 0 || !sa || !sb) continue;
        const when = scheduleCollision(
          sa,
          sb,
          asString(at(a, "spec.timeZone")) ?? "UTC",
          MIN_CRON_MINUTES_WITH_VOLUME,
          asString(at(b, "spec.timeZone")) ?? "UTC",
        );
        if (when) {
          out.push({
            object: b,
            path: "spec.schedule",
            message: `starts within ${MIN_CRON_MINUTES_WITH_VOLUME} minutes of CronJob/${a.metadata.name} (e.g. ${when.toISOString().slice(0, 16)}Z) and both mount PersistentVolumeClaim ${shared.join(", ")}`,
          });
        }
      }
    });
    return out;
  },
};
