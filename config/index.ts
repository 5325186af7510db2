/**
 * The one parse of a stack's config: `Pulumi.yaml` defaults merged with `Pulumi.<stack>.yaml`,
 * validated into a typed {@link StackConfig}. Any problem throws a {@link ConfigError} that names the
 * file, the key and the reason, before a single resource is declared.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { stackNames } from "../components/names";
import { cpuMillis, quantityBytes } from "./fields";
import type { STORAGE_CLASSES } from "./platform";
import {
  PLAIN_KEYS, SECRET_KEYS, type PatroniStorageClass, type PlainKeyName, type PlainValues, type Scope, type SecretKeyName,
} from "./keys";

import { PROJECT, STACKS, isStackName, stackFileName, type EnvName, type StackName } from "./stacks";

export { ENVIRONMENTS, PROJECT, STACKS, isEnvName, isStackName, stackFileName, type EnvName, type StackName } from "./stacks";

/** The one namespace a stack writes to: `<licence plate>-<stack>`. */
export function namespaceFor(licencePlate: string, stack: StackName): string {
  return `${licencePlate}-${stack}`;
}

/** One problem with one key. */
export interface ConfigIssue {
  readonly file: string;
  readonly key: string;
  readonly message: string;
  /** Set for a required secret that is not configured (the offline render fills these in). */
  readonly kind?: "missing-secret";
}

export class ConfigError extends Error {
  constructor(
    readonly stack: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(
      [`Invalid configuration for stack "${stack}":`, ...issues.map((i) => `  ${i.file}: ${i.key}: ${i.message}`)].join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** What the program is handed: config values (keys without the project prefix) and where each came from. */
export interface RawConfig {
  readonly values: Readonly<Record<string, string>>;
  /** Keys whose value is a Pulumi secret. */
  readonly secretKeys: ReadonlySet<string>;
  /** The file a key's value came from (the stack file, or `Pulumi.yaml` for a project default). */
  readonly sourceOf: (key: string) => string;
  /** Keys written in the stack file itself (checked against the stack's scope). */
  readonly stackFileKeys: ReadonlySet<string>;
}

export interface Resources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

export interface AppTierConfig {
  readonly replicas: number;
  readonly resources: Resources;
  readonly host: string;
}

interface CommonConfig {
  readonly stack: StackName;
  /** First `up` over namespaces the old templates made: import what exists instead of creating it. */
  readonly adopt: boolean;
  readonly stackFile: string;
  readonly appName: string;
  readonly licencePlate: string;
  /** `<plate>-<stack>`: the one namespace this stack writes to. */
  readonly namespace: string;
  /** `<plate>-tools`: where images live. */
  readonly toolsNamespace: string;
  readonly kube: { readonly context?: string; readonly kubeconfig?: string };
  readonly patroniImageTag: string;
  readonly backupImageRef: string;
  /** Secret config values, as Pulumi secrets; absent when not set. */
  readonly secrets: Readonly<Partial<Record<SecretKeyName, pulumi.Output<string>>>>;
}

export interface EnvConfig extends CommonConfig {
  readonly role: "env";
  readonly stack: EnvName;
  readonly protectStateful: boolean;
  readonly maintenance: "none" | "restore";
  readonly patroni: {
    readonly replicas: number;
    readonly resources: Resources;
    readonly volumeSize: string;
    readonly storageClass: PatroniStorageClass;
  };
  readonly server: AppTierConfig;
  readonly client: AppTierConfig;
  readonly keycloak: { readonly realm: string; readonly authUrl: string };
  readonly backup: {
    readonly schedule: string;
    readonly timeZone: string;
    readonly retention: { readonly daily: number; readonly weekly: number; readonly monthly: number };
    readonly volumeSize: string;
    readonly storageClass: typeof STORAGE_CLASSES.backup;
    readonly verification: { readonly enabled: boolean; readonly schedule: string; readonly volumeSize: string };
    readonly resources: Resources;
  };
}

export interface ToolsConfig extends CommonConfig {
  readonly role: "tools";
  readonly stack: "tools";
  readonly git: { readonly repository: string; readonly ref: string };
  readonly patroniSourceImage: string;
  /** Postgres base image (the database's major version) the backup-container release is built on. */
  readonly backupBaseImage: string;
  /** The commit each environment runs; empty when it has not been promoted yet. */
  readonly promotions: Readonly<Record<EnvName, string>>;
}

export type StackConfig = EnvConfig | ToolsConfig;

function inScope(scope: Scope, stack: StackName): boolean {
  return scope === "all" || (scope === "tools") === (stack === "tools");
}

const q = (key: string): string => `${PROJECT}:${key}`;

/** Validates raw config for `stack`. Pure apart from wrapping secrets as Outputs. */
export function parseConfig(stack: string, raw: RawConfig): StackConfig {
  const file = stackFileName(stack);
  if (!isStackName(stack)) {
    throw new ConfigError(stack, [
      { file, key: "stack", message: `"${stack}" is not one of the four stacks: ${STACKS.join(", ")}` },
    ]);
  }
  const issues: ConfigIssue[] = [];
  const known = new Set<string>([...Object.keys(PLAIN_KEYS), ...Object.keys(SECRET_KEYS)]);

  for (const key of Object.keys(raw.values)) {
    if (!known.has(key)) {
      issues.push({ file: raw.sourceOf(key), key: q(key), message: `unknown key${suggest(key, known)}` });
    }
  }
  for (const key of raw.stackFileKeys) {
    const spec = (PLAIN_KEYS as Record<string, { scope: Scope }>)[key] ?? (SECRET_KEYS as Record<string, { scope: Scope }>)[key];
    if (spec && !inScope(spec.scope, stack)) {
      issues.push({ file, key: q(key), message: `is not used by the ${stack} stack (it belongs to ${spec.scope === "tools" ? "the tools stack" : "the dev, test and prod stacks"})` });
    }
  }

  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(PLAIN_KEYS) as [PlainKeyName, (typeof PLAIN_KEYS)[PlainKeyName]][]) {
    if (!inScope(spec.scope, stack)) continue;
    const given = raw.values[key];
    const value = given === "" && "emptyIsUnset" in spec && spec.emptyIsUnset ? undefined : given;
    if (raw.secretKeys.has(key)) {
      issues.push({ file: raw.sourceOf(key), key: q(key), message: "is a plain setting and must not be a secret" });
      continue;
    }
    if (value === undefined) {
      if (!("optional" in spec && spec.optional)) {
        issues.push({ file, key: q(key), message: `is required for the ${stack} stack but is not set` });
      }
      continue;
    }
    const result = spec.field.safeParse(value);
    if (result.success) values[key] = result.data;
    else issues.push({ file: raw.sourceOf(key), key: q(key), message: result.error.issues.map((i) => i.message).join("; ") });
  }

  const secrets: Partial<Record<SecretKeyName, pulumi.Output<string>>> = {};
  for (const [key, spec] of Object.entries(SECRET_KEYS) as [SecretKeyName, (typeof SECRET_KEYS)[SecretKeyName]][]) {
    if (!inScope(spec.scope, stack)) continue;
    const value = raw.values[key];
    if (value !== undefined && !raw.secretKeys.has(key)) {
      issues.push({
        file: raw.sourceOf(key), key: q(key),
        message: `must be stored as a secret, not in clear text: pulumi config set --secret ${q(key)} <value> -s ${stack}`,
      });
    } else if (value === undefined && spec.requiredWhen(values)) {
      issues.push({
        file, key: q(key), kind: "missing-secret",
        message: `${spec.what} is required but not set: pulumi config set --secret ${q(key)} <value> -s ${stack}`,
      });
    } else if (value !== undefined) {
      secrets[key] = pulumi.secret(value);
    }
  }

  if (issues.length === 0) issues.push(...crossChecks(stack, values as Partial<PlainValues>, raw));
  if (issues.length > 0) throw new ConfigError(stack, issues);
  return build(stack, values as PlainValues, secrets);
}

/** Rules that involve more than one key. */
function crossChecks(stack: StackName, v: Partial<PlainValues>, raw: RawConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const tier of ["patroni", "server", "client", "backup"] as const) {
    const cpuReq = v[`${tier}CpuRequest`];
    const cpuLim = v[`${tier}CpuLimit`];
    const memReq = v[`${tier}MemoryRequest`];
    const memLim = v[`${tier}MemoryLimit`];
    if (cpuReq && cpuLim && cpuMillis(cpuReq) > cpuMillis(cpuLim)) {
      issues.push({ file: raw.sourceOf(`${tier}CpuRequest`), key: q(`${tier}CpuRequest`), message: `${cpuReq} is more than the limit ${q(`${tier}CpuLimit`)} = ${cpuLim}` });
    }
    if (memReq && memLim && quantityBytes(memReq) > quantityBytes(memLim)) {
      issues.push({ file: raw.sourceOf(`${tier}MemoryRequest`), key: q(`${tier}MemoryRequest`), message: `${memReq} is more than the limit ${q(`${tier}MemoryLimit`)} = ${memLim}` });
    }
  }
  if (stack !== "tools") issues.push(...volumeLockChecks(stack, v, raw));
  if (stack !== "tools" && v.serverHost && v.serverHost === v.clientHost) {
    issues.push({ file: raw.sourceOf("clientHost"), key: q("clientHost"), message: `must differ from ${q("serverHost")} (both are ${v.serverHost})` });
  }
  return issues;
}

/**
 * A StatefulSet's volume claim template cannot change in place: the provider would delete and
 * recreate the database StatefulSet. So the size and class must stay what the StatefulSet was created
 * with (`patroniVolumeLock`); the message says what to do instead.
 */
function volumeLockChecks(stack: StackName, v: Partial<PlainValues>, raw: RawConfig): ConfigIssue[] {
  const lock = v.patroniVolumeLock;
  if (!lock || !v.appName || !v.licencePlate) return [];
  const issues: ConfigIssue[] = [];
  const names = stackNames(v.appName).patroni;
  const created = `the ${names.name} StatefulSet's volume claim template was created with`;
  const immutable = "Kubernetes cannot change a volume claim template in place (applying it would delete and recreate the database StatefulSet)";
  const size = v.patroniVolumeSize;
  if (size && size !== lock.volumeSize) {
    const grow = quantityBytes(size) > quantityBytes(lock.volumeSize)
      ? `grow the existing volumes instead (NetApp volumes grow online), once per member: ` +
        `oc -n ${namespaceFor(v.licencePlate, stack)} patch pvc ${names.volumeClaimTemplate}-${names.name}-<ordinal> ` +
        `-p '{"spec":{"resources":{"requests":{"storage":"${size}"}}}}' (README: Database)`
      : "NetApp volumes cannot shrink; to get smaller volumes, build a new cluster and restore a backup into it (README: Database)";
    issues.push({
      file: raw.sourceOf("patroniVolumeSize"), key: q("patroniVolumeSize"),
      message: `is ${size}, but ${created} ${lock.volumeSize} (${q("patroniVolumeLock")}) and ${immutable}. ` +
        `Keep ${q("patroniVolumeSize")} at ${lock.volumeSize} and ${grow}`,
    });
  }
  const storageClass = v.patroniStorageClass;
  if (storageClass && storageClass !== lock.storageClass) {
    issues.push({
      file: raw.sourceOf("patroniStorageClass"), key: q("patroniStorageClass"),
      message: `is ${storageClass}, but ${created} ${lock.storageClass} (${q("patroniVolumeLock")}) and ${immutable}. ` +
        `Keep ${q("patroniStorageClass")} at ${lock.storageClass}; a volume cannot change class, so moving the database ` +
        "to another class means a new cluster restored from a backup (README: Database)",
    });
  }
  return issues;
}

function resources(v: PlainValues, tier: "patroni" | "server" | "client" | "backup"): Resources {
  return {
    requests: { cpu: v[`${tier}CpuRequest`], memory: v[`${tier}MemoryRequest`] },
    limits: { cpu: v[`${tier}CpuLimit`], memory: v[`${tier}MemoryLimit`] },
  };
}

function build(stack: StackName, v: PlainValues, secrets: Partial<Record<SecretKeyName, pulumi.Output<string>>>): StackConfig {
  const common = {
    stackFile: stackFileName(stack),
    appName: v.appName,
    licencePlate: v.licencePlate,
    namespace: namespaceFor(v.licencePlate, stack),
    toolsNamespace: namespaceFor(v.licencePlate, "tools"),
    kube: { context: v.kubeContext, kubeconfig: v.kubeconfig },
    adopt: v.adopt,
    patroniImageTag: v.patroniImageTag,
    backupImageRef: v.backupImageRef,
    secrets,
  };
  if (stack === "tools") {
    return {
      ...common,
      role: "tools",
      stack,
      git: { repository: v.gitRepository, ref: v.gitRef },
      patroniSourceImage: v.patroniSourceImage,
      backupBaseImage: v.backupBaseImage,
      promotions: { dev: v.devCommit, test: v.testCommit, prod: v.prodCommit },
    };
  }
  return {
    ...common,
    role: "env",
    stack,
    protectStateful: v.protectStateful,
    maintenance: v.maintenance,
    patroni: {
      replicas: v.patroniReplicas,
      resources: resources(v, "patroni"),
      volumeSize: v.patroniVolumeSize,
      storageClass: v.patroniStorageClass,
    },
    server: { replicas: v.serverReplicas, resources: resources(v, "server"), host: v.serverHost },
    client: { replicas: v.clientReplicas, resources: resources(v, "client"), host: v.clientHost },
    keycloak: { realm: v.keycloakRealm, authUrl: v.keycloakAuthUrl },
    backup: {
      schedule: v.backupSchedule,
      timeZone: v.backupTimeZone,
      retention: { daily: v.backupDailyCount, weekly: v.backupWeeklyCount, monthly: v.backupMonthlyCount },
      volumeSize: v.backupVolumeSize,
      storageClass: v.backupStorageClass,
      verification: { enabled: v.backupVerification, schedule: v.backupVerifySchedule, volumeSize: v.backupVerificationVolumeSize },
      resources: resources(v, "backup"),
    },
  };
}

/** "did you mean" for a mistyped key: the known key with the smallest edit distance, if close. */
function suggest(key: string, known: ReadonlySet<string>): string {
  let best = "";
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return bestDistance <= 3 ? ` (did you mean ${q(best)}?)` : "";
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** `isConfigSecret` is exported by the runtime but missing from its typings. */
const runtime = pulumi.runtime as typeof pulumi.runtime & { isConfigSecret(key: string): boolean };

/**
 * Reads the running stack's config from the Pulumi runtime (a real `pulumi up`, or the offline
 * render, which sets the same runtime config). The stack file is read only to say where a value came from.
 */
export function loadConfig(projectDir: string = process.cwd()): StackConfig {
  const stack = pulumi.getStack();
  const prefix = `${PROJECT}:`;
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  for (const [k, v] of Object.entries(pulumi.runtime.allConfig())) {
    if (!k.startsWith(prefix)) continue;
    const key = k.slice(prefix.length);
    values[key] = v;
    if (runtime.isConfigSecret(k)) secretKeys.add(key);
  }
  const stackFileKeys = readStackFileKeys(path.join(projectDir, stackFileName(stack)));
  return parseConfig(stack, {
    values,
    secretKeys,
    stackFileKeys,
    sourceOf: (key) => (stackFileKeys.has(key) ? stackFileName(stack) : "Pulumi.yaml"),
  });
}

/** The project keys written in a stack file (without the project prefix); empty if there is no file. */
export function readStackFileKeys(file: string): Set<string> {
  if (!fs.existsSync(file)) return new Set();
  const doc = parseYaml(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
  return new Set(
    Object.keys(doc?.config ?? {})
      .filter((k) => k.startsWith(`${PROJECT}:`))
      .map((k) => k.slice(PROJECT.length + 1)),
  );
}
