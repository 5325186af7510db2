/**
 * A stack's render as one JSON document (objects + plan), the unit `npm run diff` compares. A copy of
 * the project at another git ref writes it with its own code (`npm run render -- <stack> --snapshot`),
 * so each side of a diff is rendered by the program as it was at that ref.
 */
import { UsageError } from "../cli/cli";
import type { StackEvaluation } from "./evaluate";
import { isRecord, type KubeObject } from "../kube/object";
import { secretDigests } from "../kube/secret";
import { kubernetesObjects, kubernetesProvider, plan, type PlanEntry } from "./render";

export const SNAPSHOT_FORMAT = "hcap-infra-snapshot/1";

/**
 * Environment variable carrying the hex HMAC key for secret digests into a child render. An
 * environment variable, not an argument, so the key never shows in a process list.
 */
export const DIFF_KEY_ENV = "HCAP_INFRA_DIFF_KEY";

export interface Snapshot {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly stack: string;
  readonly namespace: string;
  readonly objects: readonly KubeObject[];
  readonly plan: readonly PlanEntry[];
  /**
   * `digest`: secrets are keyed digests, so a changed value is detectable; `placeholder`: every secret
   * is `[secret]` (a render by code that predates digests), so secret changes cannot be seen.
   */
  readonly secrets: "digest";
  /** What a diff must check beyond the objects; absent in snapshots of older code. */
  readonly guards?: SnapshotGuards;
}

/**
 * Facts whose change is dangerous although no object shows it: the provider's identity (a new one
 * replaces every resource) and the backup retention (a lower one deletes backups).
 */
export interface SnapshotGuards {
  readonly provider: {
    readonly urn: string;
    readonly namespace: string;
    /** Keyed digests (a kubeconfig may hold credentials), or `default` when not set. */
    readonly context: string;
    readonly kubeconfig: string;
  };
  readonly backupRetention?: { readonly daily: number; readonly weekly: number; readonly monthly: number };
  /** Tools only: the commits test and prod run ("" = not promoted). */
  readonly promotions?: { readonly test: string; readonly prod: string };
}

function guardsOf(ev: StackEvaluation, key: Buffer): SnapshotGuards {
  const digest = secretDigests(key);
  const provider = kubernetesProvider(ev);
  const { context, kubeconfig } = ev.config.kube;
  return {
    provider: {
      urn: provider?.urn ?? "",
      namespace: ev.config.namespace,
      context: context === undefined ? "default" : digest(context),
      kubeconfig: kubeconfig === undefined ? "default" : digest(kubeconfig),
    },
    ...(ev.config.role === "env" ? { backupRetention: ev.config.backup.retention } : {}),
    ...(ev.config.role === "tools" ? { promotions: { test: ev.config.promotions.test, prod: ev.config.promotions.prod } } : {}),
  };
}

/** The snapshot of an evaluation, secrets as HMAC digests under `key`. */
export function snapshotOf(ev: StackEvaluation, key: Buffer): Snapshot {
  return {
    format: SNAPSHOT_FORMAT,
    stack: ev.stack,
    namespace: ev.config.namespace,
    objects: kubernetesObjects(ev, { secret: secretDigests(key) }),
    plan: plan(ev),
    secrets: "digest",
    guards: guardsOf(ev, key),
  };
}

/** Reads the HMAC key a parent process passed in {@link DIFF_KEY_ENV}; throws if absent or short. */
export function keyFromEnv(env: NodeJS.ProcessEnv = process.env): Buffer {
  const hex = env[DIFF_KEY_ENV] ?? "";
  if (!/^[0-9a-f]{32,}$/.test(hex)) {
    throw new UsageError(`${DIFF_KEY_ENV} must hold a random hex key of 16 bytes or more (npm run diff sets it)`);
  }
  return Buffer.from(hex, "hex");
}

/** Parses a child's snapshot output; throws with `where` in the message if it is not one. */
export function parseSnapshot(text: string, where: string): Snapshot {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(`${where}: the render did not print a JSON snapshot`);
  }
  if (!isRecord(data) || data.format !== SNAPSHOT_FORMAT || !Array.isArray(data.objects) || !Array.isArray(data.plan)) {
    throw new Error(`${where}: not a ${SNAPSHOT_FORMAT} document`);
  }
  return data as unknown as Snapshot;
}
