/**
 * The one parse of a stack's config: `Pulumi.yaml` defaults merged with `Pulumi.<stack>.yaml`,
 * validated into a typed {@link StackConfig}. Any problem throws a {@link ConfigError} that names the
 * file, the key and the reason, before a single resource is declared.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { PATRONI_VOLUME_CLAIM_TEMPLATE, patroniName } from "./database-names";
import { ConfigError, type ConfigIssue } from "./error";
import { commitSha } from "./fields";
import { cpuMillis, quantityBytes } from "./quantity";
import { credentialProblem, mayBeSecret, scheduleCollision, workloadTotalProblem } from "./limits";
import { asConfigString, isSecure, projectDefaults, stackFileEntries } from "./stack-file";
import {
  CONFIG_KEYS,
  MIN_CRON_MINUTES_WITH_VOLUME,
  envSchema,
  keyLeaves,
  toolsSchema,
  type AllKeyValues,
  type EnvSettings,
  type KeyLeaf,
  type Scope,
  type ToolsSettings,
} from "./keys";

import { PROJECT, STACKS, isEnvName, isStackName, stackFileName, type EnvName, type StackName } from "./stacks";
export { ConfigError, type ConfigIssue } from "./error";

export { ENVIRONMENTS, PROJECT, STACKS, isEnvName, isStackName, stackFileName, type EnvName, type StackName } from "./stacks";

/** The one namespace a stack writes to: `<licence plate>-<stack>`. */
export function namespaceFor(licencePlate: string, stack: StackName): string {
  return `${licencePlate}-${stack}`;
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
  /** The other stacks' values of {@link CROSS_STACK_KEYS}, for the checks across stacks. */
  readonly otherStacks?: readonly OtherStack[];
  /**
   * Environments only: the `<env>Commit` value of the tools stack file, where a promotion records the
   * commit an environment runs (absent: not promoted).
   */
  readonly promotedCommit?: string;
}

/** Keys whose values must agree across stacks (one plate) or must differ (one host, one Route). */
export const CROSS_STACK_KEYS = ["licencePlate", "serverHost", "clientHost"] as const;

export interface OtherStack {
  readonly stack: string;
  readonly file: string;
  readonly values: Readonly<Partial<Record<(typeof CROSS_STACK_KEYS)[number], string>>>;
}

/** Requests and limits of one tier's containers. */
export type Resources = EnvSettings["patroni"]["resources"];
/** An autoscaler's range top and CPU target. */
export type Autoscale = EnvSettings["server"]["autoscale"];

/** What the program adds to the parsed keys: which stack this is and where it writes. */
interface StackIdentity<Role extends "env" | "tools", Stack extends StackName> {
  readonly role: Role;
  readonly stack: Stack;
  readonly stackFile: string;
  /** `<plate>-<stack>`: the one namespace this stack writes to. */
  readonly namespace: string;
  /** `<plate>-tools`: where images live. */
  readonly toolsNamespace: string;
}

/** An environment's config: the schema's value (types inferred from config/keys.ts) and its identity. */
export type EnvConfig = EnvSettings &
  StackIdentity<"env", EnvName> & {
    /** The commit this environment runs, as promoted into the tools stack file; "" before the first promotion. */
    readonly commit: string;
  };

export type ToolsConfig = ToolsSettings & StackIdentity<"tools", "tools">;

export type StackConfig = EnvConfig | ToolsConfig;

function inScope(scope: Scope, stack: StackName): boolean {
  return scope === "all" || (scope === "tools") === (stack === "tools");
}

const q = (key: string): string => `${PROJECT}:${key}`;

/** Validates raw config for `stack`. Pure apart from wrapping secrets as Outputs. */
export function parseConfig(stack: string, raw: RawConfig): StackConfig {
  const file = stackFileName(stack);
  if (!isStackName(stack)) {
    throw new ConfigError(stack, [{ file, key: "stack", message: `"${stack}" is not one of the four stacks: ${STACKS.join(", ")}` }]);
  }
  const issues: ConfigIssue[] = [];
  const known = new Set(CONFIG_KEYS.keys());

  for (const key of Object.keys(raw.values)) {
    if (!known.has(key)) {
      issues.push({ file: raw.sourceOf(key), key: q(key), message: `unknown key${suggest(key, known)}` });
    }
  }
  for (const key of raw.stackFileKeys) {
    const spec = CONFIG_KEYS.get(key);
    if (spec && !inScope(spec.scope, stack)) {
      issues.push({
        file,
        key: q(key),
        message: `is not used by the ${stack} stack (it belongs to ${spec.scope === "tools" ? "the tools stack" : "the dev, test and prod stacks"})`,
      });
    }
  }

  // The role's schema, fed the raw strings at each key's place; keys refused before parsing stay unset.
  const schema = stack === "tools" ? toolsSchema : envSchema;
  const leaves = keyLeaves(schema);
  const input: Record<string, unknown> = {};
  const refused = new Set<string>();
  const refuse = (issue: ConfigIssue, key: string): void => {
    issues.push(issue);
    refused.add(key);
  };
  for (const leaf of leaves) {
    place(input, leaf, undefined);
    const given = raw.values[leaf.key];
    const value = given === "" && leaf.emptyIsUnset ? undefined : given;
    if (leaf.secret) {
      if (value !== undefined && !raw.secretKeys.has(leaf.key)) {
        refuse(
          {
            file: raw.sourceOf(leaf.key),
            key: q(leaf.key),
            message: `must be stored as a secret, not in clear text: pulumi config set --secret ${q(leaf.key)} <value> -s ${stack}`,
          },
          leaf.key,
        );
      } else if (value === undefined && leaf.secret.requiredWhen(raw.values)) {
        refuse(
          {
            file,
            key: q(leaf.key),
            kind: "missing-secret",
            message:
              `${leaf.secret.what} is required but not set: pulumi config set --secret ${q(leaf.key)} <value> -s ${stack}` +
              (leaf.secret.why ? ` (${leaf.secret.why})` : ""),
          },
          leaf.key,
        );
      } else if (value !== undefined) {
        place(input, leaf, pulumi.secret(value));
      }
      continue;
    }
    if (raw.secretKeys.has(leaf.key)) {
      refuse({ file: raw.sourceOf(leaf.key), key: q(leaf.key), message: "is a plain setting and must not be a secret" }, leaf.key);
      continue;
    }
    if (value === undefined) {
      if (!leaf.optional) refuse({ file, key: q(leaf.key), message: `is required for the ${stack} stack but is not set` }, leaf.key);
      continue;
    }
    // A credential pasted into a plain key is refused without parsing (field messages may quote the value).
    const credential = credentialProblem(value);
    if (credential !== undefined) {
      refuse(
        {
          file: raw.sourceOf(leaf.key),
          key: q(leaf.key),
          message:
            `${credential}: a plain setting is printed by render, diff and CI logs, so it is refused (value not shown). ` +
            "Remove the credential from the stack file and rotate it",
        },
        leaf.key,
      );
      continue;
    }
    place(input, leaf, value);
  }

  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    // One issue per key, its field's messages joined (keys refused above are already reported).
    const messages = new Map<KeyLeaf, string[]>();
    for (const issue of parsed.error.issues) {
      const leaf = leaves.find((l) => l.path.length === issue.path.length && l.path.every((p, i) => p === issue.path[i]));
      if (leaf === undefined) throw new Error(`config schema: an issue outside any key at ${issue.path.join(".")}: ${issue.message}`);
      if (!refused.has(leaf.key)) messages.set(leaf, [...(messages.get(leaf) ?? []), issue.message]);
    }
    for (const [leaf, list] of messages) {
      issues.push({ file: raw.sourceOf(leaf.key), key: q(leaf.key), message: withoutSecret(list.join("; "), raw.values[leaf.key]) });
    }
  }

  let commit = "";
  if (stack !== "tools") {
    const promoted = commitSha.safeParse(raw.promotedCommit ?? "");
    if (promoted.success) commit = promoted.data;
    else
      issues.push({
        file: stackFileName("tools"),
        key: q(`${stack}Commit`),
        message: promoted.error.issues.map((i) => i.message).join("; "),
      });
  }

  if (issues.length === 0 && parsed.success) {
    // The flat view of the parsed values, for the rules that involve more than one key.
    const flat = Object.fromEntries(leaves.map((l) => [l.key, valueAt(parsed.data, l.path)])) as Partial<AllKeyValues>;
    issues.push(...crossChecks(stack, flat, raw));
  }
  if (issues.length > 0 || !parsed.success) throw new ConfigError(stack, issues);
  const identity = {
    stackFile: file,
    namespace: namespaceFor(parsed.data.licencePlate, stack),
    toolsNamespace: namespaceFor(parsed.data.licencePlate, "tools"),
  };
  // `parsed.data` is the role's schema output, so narrowing on the stack name is all that is left.
  if (stack === "tools") return { ...(parsed.data as ToolsSettings), ...identity, role: "tools", stack };
  return { ...(parsed.data as EnvSettings), ...identity, role: "env", stack, commit };
}

/** Puts a key's raw value at its place in the nested input, making the objects on the way. */
function place(input: Record<string, unknown>, leaf: KeyLeaf, value: unknown): void {
  let node = input;
  for (const part of leaf.path.slice(0, -1)) {
    if (typeof node[part] !== "object" || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[leaf.path[leaf.path.length - 1]] = value;
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((v, p) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[p] : undefined), value);
}

/** A refused value that may be a misplaced secret is not repeated in the message (CI logs keep it). */
function withoutSecret(message: string, value: unknown): string {
  if (typeof value !== "string" || !mayBeSecret(value)) return message;
  return message.split(JSON.stringify(value)).join("<value not shown>").split(value).join("<value not shown>");
}

/** Rules that involve more than one key. */
function crossChecks(stack: StackName, v: Partial<AllKeyValues>, raw: RawConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const tier of ["patroni", "server", "client", "backup"] as const) {
    const cpuReq = v[`${tier}CpuRequest`];
    const cpuLim = v[`${tier}CpuLimit`];
    const memReq = v[`${tier}MemoryRequest`];
    const memLim = v[`${tier}MemoryLimit`];
    if (cpuReq && cpuLim && cpuMillis(cpuReq) > cpuMillis(cpuLim)) {
      issues.push({
        file: raw.sourceOf(`${tier}CpuRequest`),
        key: q(`${tier}CpuRequest`),
        message: `${cpuReq} is more than the limit ${q(`${tier}CpuLimit`)} = ${cpuLim}`,
      });
    }
    if (memReq && memLim && quantityBytes(memReq) > quantityBytes(memLim)) {
      issues.push({
        file: raw.sourceOf(`${tier}MemoryRequest`),
        key: q(`${tier}MemoryRequest`),
        message: `${memReq} is more than the limit ${q(`${tier}MemoryLimit`)} = ${memLim}`,
      });
    }
  }
  if (stack !== "tools") {
    issues.push(
      ...volumeLockChecks(stack, v, raw),
      ...capacityChecks(v, raw),
      ...scheduleChecks(v, raw),
      ...autoscaleChecks(v, raw),
      ...passwordSourceChecks(stack, v, raw),
    );
  }
  issues.push(...crossStackChecks(stack, v, raw));
  if (stack !== "tools" && v.adopt && v.appWorkload === "Deployment") {
    // The templates made DeploymentConfigs: adopting with Deployments would import the Service and
    // Route but leave the old DC running beside the new Deployment, unmanaged and on the old image.
    issues.push({
      file: raw.sourceOf("appWorkload"),
      key: q("appWorkload"),
      message:
        `is Deployment while ${q("adopt")} is true; adopt the template-made DeploymentConfigs first ` +
        `(${q("appWorkload")}: DeploymentConfig), then switch to Deployment in a later up (README: Workloads)`,
    });
  }
  if (stack !== "tools" && v.serverHost && v.serverHost === v.clientHost) {
    issues.push({
      file: raw.sourceOf("clientHost"),
      key: q("clientHost"),
      message: `must differ from ${q("serverHost")} (both are ${v.serverHost})`,
    });
  }
  return issues;
}

/** Replicas × requests of each tier must fit the largest namespace (config/limits.ts). */
function capacityChecks(v: Partial<AllKeyValues>, raw: RawConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const tier of ["patroni", "server", "client"] as const) {
    const replicas = v[`${tier}Replicas`];
    const cpuReq = v[`${tier}CpuRequest`];
    const memReq = v[`${tier}MemoryRequest`];
    if (replicas === undefined || !cpuReq || !memReq) continue;
    const problem = workloadTotalProblem(replicas, cpuMillis(cpuReq), quantityBytes(memReq));
    if (problem) issues.push({ file: raw.sourceOf(`${tier}Replicas`), key: q(`${tier}Replicas`), message: problem });
  }
  return issues;
}

/**
 * The backup and its verification both mount the backup volume (ReadWriteOnce): started within an
 * hour of each other (the platform's minimum interval for a job with a volume), one blocks the other
 * or verifies a half-written backup.
 */
function scheduleChecks(v: Partial<AllKeyValues>, raw: RawConfig): ConfigIssue[] {
  if (!v.backupVerification || !v.backupSchedule || !v.backupVerifySchedule || !v.backupTimeZone) return [];
  const at = scheduleCollision(v.backupSchedule, v.backupVerifySchedule, v.backupTimeZone, MIN_CRON_MINUTES_WITH_VOLUME);
  if (!at) return [];
  return [
    {
      file: raw.sourceOf("backupVerifySchedule"),
      key: q("backupVerifySchedule"),
      message:
        `starts within ${MIN_CRON_MINUTES_WITH_VOLUME} minutes of ${q("backupSchedule")} (both at ${at.toISOString().slice(0, 16)}Z, for example); ` +
        "both jobs mount the backup volume, so give them at least an hour apart",
    },
  ];
}

/** One licence plate for all stacks; no route host claimed by two stacks. */
function crossStackChecks(stack: StackName, v: Partial<AllKeyValues>, raw: RawConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const others = raw.otherStacks ?? [];
  const plates = others.filter((o) => o.values.licencePlate !== undefined && o.values.licencePlate !== v.licencePlate);
  if (v.licencePlate && plates.length > 0) {
    issues.push({
      file: raw.sourceOf("licencePlate"),
      key: q("licencePlate"),
      message:
        `is ${v.licencePlate} here but ${plates.map((o) => `${o.values.licencePlate} in ${o.file}`).join(", ")}: ` +
        "the four namespaces of one product share one plate (environments pull images from <plate>-tools)",
    });
  }
  if (stack !== "tools") {
    for (const key of ["serverHost", "clientHost"] as const) {
      const host = v[key];
      if (!host) continue;
      const clash = others.flatMap((o) =>
        (["serverHost", "clientHost"] as const).filter((k) => o.values[k] === host).map((k) => `${q(k)} in ${o.file}`),
      );
      if (clash.length > 0) {
        issues.push({
          file: raw.sourceOf(key),
          key: q(key),
          message: `${host} is also ${clash.join(", ")}: the router admits a host for one Route only`,
        });
      }
    }
  }
  return issues;
}

/** An autoscaler needs a Deployment to scale and a range to scale in (its minimum is the tier's replicas). */
function autoscaleChecks(v: Partial<AllKeyValues>, raw: RawConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const tier of ["server", "client"] as const) {
    const key = `${tier}AutoscaleMaxReplicas` as const;
    const max = v[key];
    const min = v[`${tier}Replicas`];
    if (!max || min === undefined) continue;
    const at = { file: raw.sourceOf(key), key: q(key) };
    if (v.appWorkload !== "Deployment") {
      issues.push({
        ...at,
        message: `is ${max}, but only a Deployment is autoscaled (${q("appWorkload")} = ${v.appWorkload}); set it to 0 or switch to Deployment`,
      });
    } else if (min < 1) {
      issues.push({
        ...at,
        message: `is ${max}, but ${q(`${tier}Replicas`)} = ${min} and the autoscaler's minimum (${q(`${tier}Replicas`)}) must be 1 or more`,
      });
    } else if (max <= min) {
      issues.push({
        ...at,
        message: `must be more than ${q(`${tier}Replicas`)} = ${min}, the autoscaler's minimum (or 0 for no autoscaler)`,
      });
    }
  }
  return issues;
}

/**
 * A StatefulSet's volume claim template cannot change in place: the provider would delete and
 * recreate the database StatefulSet. So the size and class must stay what the StatefulSet was created
 * with (`patroniVolumeLock`); the message says what to do instead.
 */
function volumeLockChecks(stack: StackName, v: Partial<AllKeyValues>, raw: RawConfig): ConfigIssue[] {
  const lock = v.patroniVolumeLock;
  if (!lock || !v.appName || !v.licencePlate) return [];
  const issues: ConfigIssue[] = [];
  const statefulSet = patroniName(v.appName);
  const created = `the ${statefulSet} StatefulSet's volume claim template was created with`;
  const immutable =
    "Kubernetes cannot change a volume claim template in place (applying it would delete and recreate the database StatefulSet)";
  const size = v.patroniVolumeSize;
  if (size && size !== lock.volumeSize) {
    const grow =
      quantityBytes(size) > quantityBytes(lock.volumeSize)
        ? `grow the existing volumes instead (NetApp volumes grow online), once per member: ` +
          `oc -n ${namespaceFor(v.licencePlate, stack)} patch pvc ${PATRONI_VOLUME_CLAIM_TEMPLATE}-${statefulSet}-<ordinal> ` +
          `-p '{"spec":{"resources":{"requests":{"storage":"${size}"}}}}' (README: Database)`
        : "NetApp volumes cannot shrink; to get smaller volumes, build a new cluster and restore a backup into it (README: Database)";
    issues.push({
      file: raw.sourceOf("patroniVolumeSize"),
      key: q("patroniVolumeSize"),
      message:
        `is ${size}, but ${created} ${lock.volumeSize} (${q("patroniVolumeLock")}) and ${immutable}. ` +
        `Keep ${q("patroniVolumeSize")} at ${lock.volumeSize} and ${grow}`,
    });
  }
  const storageClass = v.patroniStorageClass;
  if (storageClass && storageClass !== lock.storageClass) {
    issues.push({
      file: raw.sourceOf("patroniStorageClass"),
      key: q("patroniStorageClass"),
      message:
        `is ${storageClass}, but ${created} ${lock.storageClass} (${q("patroniVolumeLock")}) and ${immutable}. ` +
        `Keep ${q("patroniStorageClass")} at ${lock.storageClass}; a volume cannot change class, so moving the database ` +
        "to another class means a new cluster restored from a backup (README: Database)",
    });
  }
  return issues;
}

/** The secret keys that supply the database's passwords. */
const PASSWORD_KEYS = ["patroniSuperuserPassword", "patroniReplicationPassword", "patroniAppPassword"] as const;

/**
 * `patroniPasswords: generated` means the program made the passwords and the live Secret holds them:
 * a supplied value would overwrite them. Adoption is the one time supplied values meet a generated
 * source (they are the live passwords); afterwards the source must be recorded as `supplied`.
 */
function passwordSourceChecks(stack: StackName, v: Partial<AllKeyValues>, raw: RawConfig): ConfigIssue[] {
  if (v.patroniPasswords !== "generated" || v.adopt === true) return [];
  return PASSWORD_KEYS.filter((key) => raw.values[key] !== undefined).map((key) => ({
    file: raw.sourceOf(key),
    key: q(key),
    message:
      `is set, but ${q("patroniPasswords")} is generated: pulumi up would write this value over the generated password in the ` +
      `live ${v.appName ? patroniName(v.appName) : "Patroni"} Secret, while the database keeps the old one (Patroni reads passwords only at bootstrap), so the app, new ` +
      `replicas and the backups could no longer log in. If these are the database's real passwords (after adoption), set ` +
      `${q("patroniPasswords")}: supplied; otherwise remove it (pulumi config rm ${q(key)} -s ${stack})`,
  }));
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
  const stackFileKeys = readStackFileKeys(path.join(projectDir, stackFileName(stack)), stack);
  return parseConfig(stack, {
    values,
    secretKeys,
    stackFileKeys,
    promotedCommit: isEnvName(stack) ? readPromotedCommit(projectDir, stack) : undefined,
    sourceOf: (key) => (stackFileKeys.has(key) ? stackFileName(stack) : "Pulumi.yaml"),
    otherStacks: readOtherStacks(projectDir, stack),
  });
}

/**
 * The commit `env` runs, as `npm run promote` recorded it in the tools stack file (`<env>Commit`):
 * the one record of what runs where, read by the tools stack (environment tags) and by the
 * environment's own stack (the image its Deployments run). Absent file or key: not promoted.
 */
export function readPromotedCommit(projectDir: string, env: EnvName): string | undefined {
  const file = path.join(projectDir, stackFileName("tools"));
  if (!fs.existsSync(file)) return undefined;
  const entry = stackFileEntries(file, "tools").find((e) => e.key === `${env}Commit`);
  return entry === undefined || entry.value === null ? undefined : asConfigString(entry.value);
}

/** The project keys written in a stack file (without the project prefix); empty if there is no file. */
export function readStackFileKeys(file: string, stack: string = path.basename(file).replace(/^Pulumi\.|\.yaml$/g, "")): Set<string> {
  return new Set(stackFileEntries(file, stack).map((e) => e.key));
}

/**
 * The plain values of the other stacks that must agree with this one (licence plate, route hosts),
 * read from their stack files over the Pulumi.yaml defaults. A stack file that cannot be read is
 * left out: its own run reports it.
 */
export function readOtherStacks(projectDir: string, stack: string): OtherStack[] {
  const out: OtherStack[] = [];
  const { defaults } = projectDefaults(projectDir, stack);
  for (const other of STACKS) {
    if (other === stack) continue;
    const file = path.join(projectDir, stackFileName(other));
    if (!fs.existsSync(file)) continue;
    try {
      const values: Record<string, string> = {};
      for (const key of CROSS_STACK_KEYS)
        if (defaults[key] !== undefined && defaults[key] !== null) values[key] = asConfigString(defaults[key]);
      for (const e of stackFileEntries(file, other))
        if ((CROSS_STACK_KEYS as readonly string[]).includes(e.key) && !isSecure(e.value)) values[e.key] = asConfigString(e.value);
      out.push({ stack: other, file: stackFileName(other), values });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
    }
  }
  return out;
}
