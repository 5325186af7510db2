/**
 * What the Kubernetes API server, the OpenShift router and the BC Gov platform accept, as predicates
 * written once and used twice: by config validation (config/, before anything is declared) and by
 * the offline check rules (tools/check/limits.ts, over any render). Each predicate returns the reason a
 * value is refused, or undefined; a reason never repeats a value that could be a credential.
 */
import { CronExpressionParser } from "cron-parser";
import { hasUnit, quantityValue } from "./quantity";

// --- names and labels ------------------------------------------------------------------------
// kubernetes/apimachinery pkg/util/validation/validation.go: IsDNS1123Label, IsDNS1035Label,
// IsDNS1123Subdomain, IsValidLabelValue, IsQualifiedName.

export const DNS1123_LABEL_MAX = 63;
export const DNS1123_SUBDOMAIN_MAX = 253;
export const LABEL_VALUE_MAX = 63;
/** apimachinery pkg/api/validation/objectmeta.go: TotalAnnotationSizeLimitB. */
export const ANNOTATIONS_TOTAL_MAX = 256 * 1024;
/**
 * kubernetes/kubernetes pkg/apis/batch/validation/validation.go (ValidateCronJob): a CronJob name
 * may have at most DNS1035LabelMaxLength-11 = 52 characters, because the controller appends
 * `-<scheduled time in minutes>` (11 characters) to name each Job.
 */
export const CRONJOB_NAME_MAX = 52;
/** What the CronJob controller appends to name a Job: `-` and the scheduled time in minutes (10 digits). */
export const CRONJOB_JOB_SUFFIX = 11;
/**
 * A StatefulSet's pods carry `controller-revision-hash: <name>-<hash>` (a label value, at most 63)
 * with a hash of up to 10 characters (kubernetes/kubernetes pkg/controller/history/controller_history.go,
 * ControllerRevisionName; issue kubernetes/kubernetes#64023): a longer name creates no pods.
 */
export const STATEFULSET_NAME_MAX = 52;
export const REVISION_HASH_SUFFIX = 11;

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

function tooLong(s: string, max: number): string | undefined {
  return s.length > max ? `is ${s.length} characters, more than ${max}` : undefined;
}

/** A DNS-1123 label: most object names that become DNS names, pod names, label values. */
export function dns1123LabelProblem(s: string): string | undefined {
  return (
    tooLong(s, DNS1123_LABEL_MAX) ??
    (LABEL.test(s) ? undefined : "must be lower-case letters, digits and '-', starting and ending with a letter or digit (DNS-1123 label)")
  );
}

/** A DNS-1035 label: Service names (they become DNS names and env var prefixes, so start with a letter). */
export function dns1035LabelProblem(s: string): string | undefined {
  return (
    tooLong(s, DNS1123_LABEL_MAX) ??
    (LABEL_1035.test(s) ? undefined : "must start with a letter and be lower-case letters, digits and '-' (DNS-1035 label)")
  );
}

export function dns1123SubdomainProblem(s: string): string | undefined {
  return (
    tooLong(s, DNS1123_SUBDOMAIN_MAX) ??
    (SUBDOMAIN.test(s) ? undefined : "must be lower-case letters, digits, '-' and '.' (DNS-1123 subdomain)")
  );
}

export function labelValueProblem(s: string): string | undefined {
  return (
    tooLong(s, LABEL_VALUE_MAX) ??
    (LABEL_VALUE.test(s)
      ? undefined
      : "must be letters, digits, '-', '_' and '.', starting and ending with a letter or digit (label value)")
  );
}

/** A label or annotation key: `[prefix/]name`, prefix a DNS subdomain, name at most 63. */
export function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split("/");
  if (parts.length > 2) return "must be [prefix/]name (one '/' at most)";
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined) {
    const p = dns1123SubdomainProblem(prefix);
    if (p) return `prefix ${p}`;
  }
  return (
    tooLong(name, 63) ??
    (QUALIFIED_NAME.test(name) ? undefined : "name must be letters, digits, '-', '_' and '.', starting and ending with a letter or digit")
  );
}

/** Bytes of all annotation keys and values of one object (what the API server counts). */
export function annotationsProblem(annotations: Readonly<Record<string, string>>): string | undefined {
  const size = Object.entries(annotations).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  return size > ANNOTATIONS_TOTAL_MAX ? `annotations total ${size} bytes, more than ${ANNOTATIONS_TOTAL_MAX}` : undefined;
}

/**
 * The rule for `metadata.name` of a kind, including the room names generated from it need.
 * Deployment/DeploymentConfig/StatefulSet names also become label values of their pods
 * (`deploymentconfig`, `statefulset.kubernetes.io/pod-name`), so they must be DNS labels.
 */
export function objectNameProblem(kind: string, name: string): string | undefined {
  switch (kind) {
    case "Service":
      return dns1035LabelProblem(name);
    case "CronJob":
      return (
        dns1123SubdomainProblem(name) ??
        (name.length > CRONJOB_NAME_MAX
          ? `is ${name.length} characters, more than ${CRONJOB_NAME_MAX}: the controller names each Job <name>-<minutes> and a Job name has at most 63`
          : undefined)
      );
    case "StatefulSet":
      return (
        dns1123LabelProblem(name) ??
        (name.length > STATEFULSET_NAME_MAX
          ? `is ${name.length} characters, more than ${STATEFULSET_NAME_MAX}: its pods' controller-revision-hash label <name>-<10-character hash> would exceed 63`
          : undefined)
      );
    case "Job":
    case "Deployment":
    case "DeploymentConfig":
    case "Route":
      // A Job's pods carry `job-name: <name>`; a Route without a host gets `<name>-<namespace>.<domain>`.
      return dns1123LabelProblem(name);
    case "Role":
    case "RoleBinding":
    case "ClusterRole":
    case "ClusterRoleBinding":
      // Path segment names (kubernetes pkg/api/validation/path): anything but '/', '%', '.' and '..'.
      return name === "" || name === "." || name === ".." || /[/%]/.test(name)
        ? "must not be empty, '.', '..' or contain '/' or '%'"
        : undefined;
    case "ImageStreamTag": {
      const i = name.lastIndexOf(":");
      if (i <= 0) return "must be <image stream>:<tag>";
      return imageTagProblem(name.slice(i + 1));
    }
    default:
      return dns1123SubdomainProblem(name);
  }
}

/**
 * The longest `appName` for which every derived name fits its kind. The binding name is the Job the
 * restore plan creates, `<appName>-backup-manual-<YYYYMMDDHHmm>` (27 characters after the app name),
 * which must be a DNS-1123 label (63). test/limits.test.ts renders the stacks at this length and
 * one more, so a new, longer derived name cannot slip past this number.
 */
export const APP_NAME_MAX = DNS1123_LABEL_MAX - "-backup-manual-YYYYMMDDHHmm".length;

/** `appName` prefixes every object: a DNS-1035 label (Services) short enough for every derived name. */
export function appNameProblem(s: string): string | undefined {
  if (s.length > APP_NAME_MAX) {
    return (
      `is ${s.length} characters, more than ${APP_NAME_MAX}: the names derived from it would exceed Kubernetes limits ` +
      `(e.g. the restore plan's Job ${s}-backup-manual-<YYYYMMDDHHmm> would be ${s.length + 27} characters, more than ${DNS1123_LABEL_MAX})`
    );
  }
  return dns1035LabelProblem(s);
}

// --- numbers and quantities ------------------------------------------------------------------

/** Counts, ports, replicas and most integer fields of the Kubernetes API are int32. */
export const INT32_MAX = 2 ** 31 - 1;
export const INT32_MIN = -(2 ** 31);

export function int32Problem(n: number): string | undefined {
  if (!Number.isInteger(n)) return "must be a whole number";
  return n > INT32_MAX || n < INT32_MIN ? `${n} does not fit a 32-bit integer (at most ${INT32_MAX})` : undefined;
}

/**
 * The largest BC Gov namespace quotas (Product Registry tiers, bcgov/platform-developer-docs
 * "OpenShift project resource quotas"): CPU request 32 / limit 64 cores, memory request 128 / limit
 * 256 GiB, storage 512 GiB. A container or workload beyond these could never be scheduled in any
 * namespace, whatever quota it is given.
 */
export const NAMESPACE_MAX = {
  cpuRequestMillis: 32_000,
  cpuLimitMillis: 64_000,
  memoryRequestBytes: 128 * 2 ** 30,
  memoryLimitBytes: 256 * 2 ** 30,
  storageBytes: 512 * 2 ** 30,
} as const;
/** Less than 1Mi of memory cannot start a container runtime's process: a missing unit (`512` bytes). */
export const CONTAINER_MEMORY_MIN = 2 ** 20;
/** NetApp volumes on BC Gov clusters are 20Mi to 512Gi (platform storage docs). */
export const VOLUME_MIN = 20 * 2 ** 20;

const gib = (b: number): string => `${Math.round((b / 2 ** 30) * 100) / 100}Gi`;

export function memoryProblem(q: string | number, kind: "request" | "limit"): string | undefined {
  const v = quantityValue(q);
  if (v === undefined) return "is not a quantity (e.g. 512Mi, 1Gi)";
  if (v < CONTAINER_MEMORY_MIN)
    return `${String(q)} is less than 1Mi of memory${hasUnit(q) ? "" : " (no unit means bytes: write e.g. 512Mi)"}`;
  const max = kind === "request" ? NAMESPACE_MAX.memoryRequestBytes : NAMESPACE_MAX.memoryLimitBytes;
  return v > max ? `${String(q)} is more memory than any BC Gov namespace can hold (${kind}s at most ${gib(max)})` : undefined;
}

export function cpuProblem(q: string | number, kind: "request" | "limit"): string | undefined {
  const v = quantityValue(q);
  if (v === undefined) return "is not a quantity (e.g. 250m, 1)";
  if (v <= 0) return "must be more than 0";
  const max = kind === "request" ? NAMESPACE_MAX.cpuRequestMillis : NAMESPACE_MAX.cpuLimitMillis;
  return v * 1000 > max
    ? `${String(q)} cores is more CPU than any BC Gov namespace can hold (${kind}s at most ${max / 1000} cores)`
    : undefined;
}

export function storageProblem(q: string | number): string | undefined {
  const v = quantityValue(q);
  if (v === undefined) return "is not a quantity (e.g. 1Gi)";
  if (v < VOLUME_MIN)
    return `${String(q)} is less than the smallest volume (20Mi)${hasUnit(q) ? "" : " (no unit means bytes: write e.g. 1Gi)"}`;
  return v > NAMESPACE_MAX.storageBytes
    ? `${String(q)} is more storage than any BC Gov namespace can hold (at most ${gib(NAMESPACE_MAX.storageBytes)})`
    : undefined;
}

/** Replicas × per-pod requests must fit the largest namespace; says which resource does not. */
export function workloadTotalProblem(replicas: number, cpuRequestMillis: number, memoryRequestBytes: number): string | undefined {
  if (replicas * cpuRequestMillis > NAMESPACE_MAX.cpuRequestMillis) {
    return `${replicas} replicas request ${(replicas * cpuRequestMillis) / 1000} cores in total, more than any BC Gov namespace can hold (${NAMESPACE_MAX.cpuRequestMillis / 1000})`;
  }
  if (replicas * memoryRequestBytes > NAMESPACE_MAX.memoryRequestBytes) {
    return `${replicas} replicas request ${gib(replicas * memoryRequestBytes)} of memory in total, more than any BC Gov namespace can hold (${gib(NAMESPACE_MAX.memoryRequestBytes)})`;
  }
  return undefined;
}

/** kubernetes pkg/apis/core/validation/validation.go: MaxSecretSize (also the ConfigMap limit). */
export const OBJECT_DATA_MAX = 1024 * 1024;

// --- route hosts -----------------------------------------------------------------------------

/**
 * openshift/library-go pkg/route/validation/validation.go (ValidateRoute): `spec.host` must be a
 * DNS-1123 subdomain and every dot-separated segment a DNS-1123 label (at most 63), unless the route
 * carries `route.openshift.io/allow-non-dns-compliant-host: "true"`. A host also needs a domain.
 */
export function routeHostProblem(host: string): string | undefined {
  if (dns1123SubdomainProblem(host)) return "must be a lower-case DNS name of at most 253 characters (letters, digits, '-' and '.')";
  if (!host.includes(".")) return "must be a fully qualified host name (it has no domain)";
  for (const segment of host.split(".")) {
    if (segment.length > DNS1123_LABEL_MAX)
      return `has a segment of ${segment.length} characters (${segment.slice(0, 12)}…); each may have at most 63`;
  }
  return undefined;
}

// --- images ----------------------------------------------------------------------------------
// distribution/reference regexp.go (the grammar every container runtime and the API server's
// image policy use): reference := name [":" tag] ["@" digest]; reference.go: NameTotalLengthMax 255.

const TAG = /^[\w][\w.-]{0,127}$/;
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[(?:[a-fA-F0-9:]+)\\])(?::[0-9]+)?`;
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const REFERENCE = new RegExp(`^(${NAME})(?::([\\w][\\w.-]{0,127}))?(?:@(${DIGEST}))?$`);
export const IMAGE_NAME_MAX = 255;

export function imageTagProblem(tag: string): string | undefined {
  return TAG.test(tag)
    ? undefined
    : "is not a valid image tag (letters, digits, '_', '.' and '-', not starting with '.' or '-', at most 128)";
}

export function imageReferenceProblem(ref: string): string | undefined {
  const m = REFERENCE.exec(ref);
  if (!m) return "is not a valid image reference ([registry/]repository[:tag][@digest], repository in lower case)";
  return m[1].length > IMAGE_NAME_MAX ? `has a repository name of ${m[1].length} characters, more than ${IMAGE_NAME_MAX}` : undefined;
}

// --- time zones ------------------------------------------------------------------------------

let zones: Map<string, string> | undefined;
/** IANA zone and link names, keyed by their lower-case form (for the "did you mean"). */
function zoneNames(): Map<string, string> {
  // The tzdata package is the IANA database (zones and backward links) as data; loaded on first use only.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load: most runs never need the 600 kB table
  zones ??= new Map(Object.keys((require("tzdata") as { zones: Record<string, unknown> }).zones).map((z) => [z.toLowerCase(), z]));
  return zones;
}

/**
 * `CronJob.spec.timeZone` as the API server checks it (kubernetes pkg/apis/batch/validation/
 * validation.go, validateTimeZone): each `/` part 1-14 of `[A-Za-z.-_0-9+]`, not `Local`, and found by
 * Go's `time.LoadLocation` — a file lookup in the IANA database, so the spelling must be exact
 * (`america/vancouver` is not found, although JavaScript's Intl accepts it).
 */
export function timeZoneProblem(tz: string): string | undefined {
  const parts = tz.split("/");
  if (tz === "" || parts.some((p) => p === "." || p === ".." || p.startsWith("-") || !/^[A-Za-z.\-_0-9+]{1,14}$/.test(p))) {
    return "must be an IANA time zone name such as America/Vancouver";
  }
  if (tz.toLowerCase() === "local") return "must be an explicit IANA time zone (Local is refused by the API server)";
  const known = zoneNames().get(tz.toLowerCase());
  if (known === tz) return undefined;
  return known
    ? `is not spelled as in the IANA database: ${known} (the API server's lookup is case-sensitive)`
    : "must be an IANA time zone name such as America/Vancouver";
}

// --- schedules -------------------------------------------------------------------------------

const COLLISION_WINDOW_START = new Date("2026-01-05T00:00:00Z");

/**
 * Start times of a schedule in a time zone over the collision window, per schedule and zone: one
 * process often checks the same schedules for several stacks, and luxon's time-zone arithmetic is
 * costly.
 */
const startTimes = new Map<string, number[]>();

/**
 * The first time two cron schedules start within `minutes` of each other over the next two weeks
 * (both read in `timeZone`), or undefined. Two jobs on one ReadWriteOnce volume that start together
 * block each other (multi-attach) or read a half-written backup.
 */
export function scheduleCollision(a: string, b: string, timeZone: string, minutes: number, timeZoneB: string = timeZone): Date | undefined {
  const times = (s: string, tz: string): number[] => {
    const memo = `${tz} ${s}`;
    const known = startTimes.get(memo);
    if (known) return known;
    const it = CronExpressionParser.parse(s, { currentDate: COLLISION_WINDOW_START, tz });
    const out: number[] = [];
    const end = COLLISION_WINDOW_START.getTime() + 14 * 24 * 3600_000;
    for (let t = it.next().getTime(); t < end && out.length < 5000; t = it.next().getTime()) out.push(t);
    startTimes.set(memo, out);
    return out;
  };
  let ta: number[];
  let tb: number[];
  try {
    ta = times(a, timeZone);
    tb = times(b, timeZoneB);
  } catch {
    return undefined;
  }
  for (const x of ta) {
    const y = tb.find((t) => Math.abs(t - x) < minutes * 60_000);
    if (y !== undefined) return new Date(Math.min(x, y));
  }
  return undefined;
}

// --- credentials -----------------------------------------------------------------------------

/**
 * Why a plain (non-secret) value looks like it carries a credential, or undefined. The reason
 * names the pattern, never the value: plain values are printed by render, diff and CI logs.
 */
export function credentialProblem(value: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]*@/i.test(value)) return "is a URL with a user name or password in it";
  if (
    /(^|\n)\s*(apiVersion:\s*v1|kind:\s*Config|clusters:|users:)/.test(value) ||
    /client-(key|certificate)-data|\btoken:\s*\S/.test(value)
  ) {
    return "holds kubeconfig contents (with credentials), not a path";
  }
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(value)) return "holds a private key";
  if (
    /\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|sha256~[A-Za-z0-9_-]{20,}|glpat-[A-Za-z0-9_-]{20,}|xox[bap]-[A-Za-z0-9-]{10,}|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.)/.test(
      value,
    )
  ) {
    return "holds an access token";
  }
  return undefined;
}

/**
 * Whether a refused value may be a secret pasted into the wrong key (long, and mixing upper case,
 * lower case, digits and symbols the way generated passwords do): messages then leave it out.
 * Values such as `lots`, `-1`, `2GB`, `every night` or host names stay quotable.
 */
export function mayBeSecret(value: string): boolean {
  if (value.length < 12 || /\s/.test(value)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9/._:-]/].filter((r) => r.test(value)).length;
  return classes >= 3;
}
