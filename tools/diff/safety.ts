/**
 * Safety findings of a diff that no single field shows: a provider with a new identity (every
 * resource replaced), a lowered backup retention (the next run deletes backups), a rotated secret,
 * and changes `pulumi up` will not apply because the resource ignores them. Pure functions over two
 * snapshots; tools/diff/plan-diff.ts adds them to the report's Safety section.
 */
import type { FieldChange, ObjectChange, SafetyChange } from "./plan-diff";
import { quantityBytes } from "../../config/quantity";
import type { KubeObject } from "../kube/object";
import { PROVIDER_TYPE, type PlanEntry } from "../evaluate/render";
import type { Snapshot, SnapshotGuards } from "../evaluate/snapshot";

/** The backup counts, in the order the report names them. */
const RETENTION = ["daily", "weekly", "monthly"] as const;

/**
 * A provider whose URN changes (a new `licencePlate`: the provider is named after the namespace) or
 * whose cluster settings change is a new identity: "if one or both of these providers are not default
 * providers … replace everything" (pulumi/pulumi pkg/resource/deploy/step_generator.go), and the
 * Kubernetes provider's DiffConfig asks for a replacement when the cluster it points at changes.
 */
function providerChanges(base: SnapshotGuards, head: SnapshotGuards, basePlan: readonly PlanEntry[]): SafetyChange[] {
  const what: string[] = [];
  if (base.provider.urn !== head.provider.urn)
    what.push(`its name changes (\`${base.provider.namespace}\` → \`${head.provider.namespace}\`)`);
  else if (base.provider.namespace !== head.provider.namespace)
    what.push(`its namespace changes (\`${base.provider.namespace}\` → \`${head.provider.namespace}\`)`);
  if (base.provider.context !== head.provider.context) what.push("`kubeContext` changes");
  if (base.provider.kubeconfig !== head.provider.kubeconfig) what.push("`kubeconfig` changes");
  if (what.length === 0) return [];
  const managed = basePlan.filter((e) => e.type.startsWith("kubernetes:"));
  const protectedOnes = managed.filter((e) => e.protect).map((e) => `${e.type.split(":").pop()}/${e.name}`);
  return [
    {
      resource: `${PROVIDER_TYPE} ${base.provider.namespace}`,
      message:
        `the stack's provider gets a new identity (${what.join(", ")}): Pulumi treats all ${managed.length} Kubernetes resources ` +
        `as replaced under the new provider — ${protectedOnes.length > 0 ? `${protectedOnes.length} protected (${protectedOnes.join(", ")}), so \`pulumi up\` stops on them` : "none protected, so unprotected data (the database, its volumes and Secret) is deleted or orphaned"}. ` +
        "Point a new stack at the new cluster or namespace instead, or move state deliberately (README: CI/CD, `npm run diff`)",
    },
  ];
}

/**
 * The backup container prunes every folder to the configured counts on each run
 * (bcgov/backup-container docker/backup.file.utils, `prune`/`pruneBackups`): a lower count deletes
 * the oldest backups beyond it at the next scheduled backup.
 */
function retentionChanges(base: SnapshotGuards, head: SnapshotGuards): SafetyChange[] {
  const before = base.backupRetention;
  const after = head.backupRetention;
  if (!before || !after) return [];
  const lowered = RETENTION.filter((k) => after[k] < before[k]).map((k) => `${k} ${before[k]} → ${after[k]}`);
  if (lowered.length === 0) return [];
  return [
    {
      resource: "backup retention",
      message: `lowered (${lowered.join(", ")}): the next backup run deletes the backups beyond the new counts, for good`,
    },
  ];
}

/** prod runs only what test ran: a prod promotion to another commit needs a recorded override. */
function promotionChanges(base: SnapshotGuards, head: SnapshotGuards): SafetyChange[] {
  const before = base.promotions;
  const after = head.promotions;
  if (!before || !after || before.prod === after.prod || after.prod === "" || after.prod === after.test) return [];
  return [
    {
      resource: "hcap-infra:prodCommit",
      message:
        `prod moves to ${after.prod}, which test does not run (testCommit is ${after.test || "not set"}): ` +
        'allowed only as an emergency override with a recorded reason (npm run promote -- prod <sha> --override "<reason>")',
    },
  ];
}

/** Provider identity, retention and promotions, when both sides recorded them (older code may not). */
export function guardChanges(base: Snapshot, head: Snapshot): SafetyChange[] {
  if (!base.guards || !head.guards) return [];
  return [
    ...providerChanges(base.guards, head.guards, base.plan),
    ...retentionChanges(base.guards, head.guards),
    ...promotionChanges(base.guards, head.guards),
  ];
}

/** Whether `path` (a diff path) lies under the ignoreChanges entry `ignored` (a Pulumi property path). */
function isUnder(path: string, ignored: string): boolean {
  return path === ignored || path.startsWith(`${ignored}.`) || path.startsWith(`${ignored}[`);
}

/** The plan entry of a Kubernetes object (`kind/namespace/name`): same kind, namespace and name. */
function entryOf(key: string, plan: readonly PlanEntry[]): PlanEntry | undefined {
  const [kind, namespace, name] = key.split("/");
  return plan.find((e) => e.type.startsWith("kubernetes:") && e.type.endsWith(`:${kind}`) && e.namespace === namespace && e.name === name);
}

const paths = (fields: readonly FieldChange[]): string => fields.map((f) => `\`${f.path}\``).join(", ");

/**
 * Per changed object: secret values that change (a rotation `pulumi up` applies) and fields the
 * resource's `ignoreChanges` covers (shown in the diff, never applied: the live object keeps them).
 */
export function objectSafety(changed: readonly ObjectChange[], headPlan: readonly PlanEntry[]): SafetyChange[] {
  const out: SafetyChange[] = [];
  for (const c of changed) {
    const ignoredPaths = entryOf(c.key, headPlan)?.ignoreChanges ?? [];
    const ignored = c.fields.filter((f) => ignoredPaths.some((p) => isUnder(f.path, p)));
    const applied = c.fields.filter((f) => !ignored.includes(f));
    const secrets = applied.filter((f) => f.kind === "secret");
    if (secrets.length > 0) {
      out.push({
        resource: c.key,
        message: `secret value changed (${paths(secrets)}): \`pulumi up\` writes the new value — a rotation; check every user of it is ready`,
      });
    }
    if (ignored.length > 0) {
      out.push({
        resource: c.key,
        message:
          `${ignored.some((f) => f.kind === "secret") ? "secret values change" : "changes"} to ${paths(ignored)} are ignored by \`pulumi up\` ` +
          `(\`ignoreChanges\` ${ignoredPaths.join(", ")}): the live object keeps its values`,
      });
    }
  }
  return out;
}

const kindOf = (key: string): string => key.split("/")[0];
const nameOf = (key: string): string => key.split("/").slice(2).join("/");

/** The Postgres major version of an image reference's tag (`…/hcap-patroni:12.4` → 12), if it has one. */
function majorVersion(image: unknown): number | undefined {
  const tag = typeof image === "string" ? /:([^:/@]+)$/.exec(image)?.[1] : undefined;
  const major = tag === undefined ? undefined : /^(\d+)/.exec(tag)?.[1];
  return major === undefined ? undefined : Number(major);
}

function smaller(before: unknown, after: unknown): boolean {
  try {
    return typeof before === "string" && typeof after === "string" && quantityBytes(after) < quantityBytes(before);
  } catch {
    return false;
  }
}

/**
 * Changes the API server or the database punish although the diff shows them as one value: a
 * volume that shrinks (refused: volumes only grow), fewer database members (the highest ordinals
 * leave first, a leader among them fails over), a new database image (a new Postgres major version
 * cannot start on the old data directory), and a database that is replaced by a new, empty one.
 */
export function riskyChanges(
  changed: readonly ObjectChange[],
  removed: readonly KubeObject[],
  added: readonly KubeObject[],
): SafetyChange[] {
  const out: SafetyChange[] = [];
  for (const c of changed) {
    for (const f of c.fields) {
      if (f.kind !== "changed") continue;
      if (kindOf(c.key) === "PersistentVolumeClaim" && f.path === "spec.resources.requests.storage" && smaller(f.before, f.after)) {
        out.push({
          resource: c.key,
          message: `volume shrinks (${String(f.before)} → ${String(f.after)}): the API server refuses it (volumes only grow), so \`pulumi up\` fails; keep the size, or move to a new volume and copy the data`,
        });
      }
      if (kindOf(c.key) !== "StatefulSet") continue;
      if (f.path === "spec.replicas" && typeof f.before === "number" && typeof f.after === "number" && f.after < f.before) {
        out.push({
          resource: c.key,
          message:
            `fewer database members (${f.before} → ${f.after}): the highest ordinals stop first, and if one of them leads, Patroni fails over and ` +
            `asynchronously replicated commits can be lost; make ${nameOf(c.key)}-0 the leader first (patronictl -c patroni.yml switchover --candidate ${nameOf(c.key)}-0)`,
        });
      }
      if (/^spec\.template\.spec\.containers\[name=[^\]]+\]\.image$/.test(f.path)) {
        const [from, to] = [majorVersion(f.before), majorVersion(f.after)];
        out.push({
          resource: c.key,
          message:
            from !== undefined && to !== undefined && from !== to
              ? `database image moves to another Postgres major version (${from} → ${to}): the members cannot start on the old data directory and crash-loop (the data is kept); a major upgrade needs pg_upgrade or a dump and restore`
              : "database image changes: the members restart one at a time",
        });
      }
    }
  }
  const oldDatabases = removed.filter((o) => o.kind === "StatefulSet");
  const newDatabases = added.filter((o) => o.kind === "StatefulSet");
  for (const old of oldDatabases) {
    for (const created of newDatabases) {
      out.push({
        resource: `StatefulSet/${old.metadata.namespace}/${old.metadata.name}`,
        message:
          `the database moves to a new, empty StatefulSet ${created.metadata.name} (new volumes, new passwords); ${old.metadata.name} and its data stay in ` +
          "the cluster, unmanaged, and the application no longer uses them. Keep the name, or restore a backup into the new database before the application switches",
      });
    }
  }
  return out;
}
