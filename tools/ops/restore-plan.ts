/**
 * The database restore as an ordered list of commands for one environment, built from the stack's
 * real names. Pure: `scripts/restore-plan.ts` feeds it the rendered stack; the tests feed it directly.
 *
 * Why the steps look the way they do:
 * - `maintenance: restore` (components/maintenance.ts) does the seed's manual scaling in one `up`:
 *   server to 0, Patroni to 1, backup CronJobs suspended, and the restore tool pod started.
 * - The pre-restore backup and the restore run in the restore tool pod, not in Jobs: the backup
 *   volume is ReadWriteOnce, so two pods on it (a Job and the tool) can block each other on a
 *   multi-attach when they land on different nodes.
 * - The switch reaches the pipelines through the cluster, not through git: while `maintenance: restore`
 *   is applied, the stack declares the ConfigMap `<app>-maintenance` (components/maintenance-marker.ts),
 *   and deploy.yml and drift.yml run `npm run maintenance-gate` first, which refuses to apply a config
 *   without maintenance over it. So a switch set from a laptop holds as well as a committed one.
 * - The superuser password is passed as `"$SUPERUSER_PASSWORD"` in single quotes: the shell in the
 *   pod expands it from the Secret-backed env var (only the restore tool has it); it never appears on
 *   the operator's terminal.
 * - The file restored is a copy without the `CREATE/ALTER ROLE` statements the backup container
 *   appends after each dump (components/backup-scripts.ts): in the live cluster those roles exist, and
 *   `backup.sh -r` runs psql with ON_ERROR_STOP=1, so the original ends in "Restore failed" after the
 *   data is in. The copy goes to the pod's /tmp and `BACKUP_DIR` points there for the restore, so
 *   nothing extra lands on the backup volume (where the verify job would pick it up as newest).
 * - A last check compares the rows of every table in the file with the database.
 */
import { BACKUP_CONFIG_KEYS, BACKUP_PATHS, RESTORE_PASSWORD_ENV } from "../../components/database-backup";
import type { StackNames } from "../../components/names";
import { UsageError } from "../cli/cli";

export interface RestorePlanInput {
  readonly stack: string;
  readonly namespace: string;
  /** Pulumi project name (prefix of config keys). */
  readonly project: string;
  readonly names: Pick<StackNames, "backup" | "patroni" | "server" | "maintenanceMarker">;
  /** The database line of the rendered backup.conf, e.g. `postgres=hcap-patroni:5432/hcap`. */
  readonly databaseSpec: string;
  /** Backup file (full path or the file name) to restore; absent = the operator picks one in step 5. */
  readonly backupFile?: string;
  /** `YYYYMMDDHHmm`, for the name of the post-restore backup Job. */
  readonly timestamp: string;
}

export interface RestoreStep {
  readonly title: string;
  readonly commands: readonly string[];
  /** What to check before moving on. */
  readonly check?: string;
}

/** What the operator types where no file was given. */
export const BACKUP_FILE_PLACEHOLDER = "<backup-file>";

/** A backup file name or path as `backup.sh -l` prints them: safe to paste into a shell command. */
export function checkBackupFile(file: string): string {
  if (!/^\/?[A-Za-z0-9_][A-Za-z0-9._/-]*$/.test(file) || file.includes("..")) {
    throw new UsageError(
      `backup file ${JSON.stringify(file)} is not a backup file name such as /backups/daily/2026-01-31/hcap-patroni-hcap_2026-01-31_02-00-00.sql.gz (letters, digits, . _ - / only)`,
    );
  }
  return file;
}

/** `a=b,c=d`, as `oc -l` takes a selector. */
function selector(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

/** Where the restore tool keeps the role-free copy (its own /tmp, gone when the pod stops). */
const RESTORE_COPY_DIR = "/tmp/restore";

/** `postgres=<host>:<port>/<database>` → its parts (the form `databaseSpec` renders). */
function specParts(spec: string): { host: string; port: string; database: string } {
  const m = /^postgres=([A-Za-z0-9-]+):([0-9]+)\/([A-Za-z0-9_-]+)$/.exec(spec);
  if (m === null) throw new Error(`database spec ${JSON.stringify(spec)} is not postgres=<service>:<port>/<database>`);
  return { host: m[1], port: m[2], database: m[3] };
}

export function restorePlan(input: RestorePlanInput): RestoreStep[] {
  const { stack, namespace: ns, names, project, databaseSpec } = input;
  const file = input.backupFile === undefined ? BACKUP_FILE_PLACEHOLDER : checkBackupFile(input.backupFile);
  const fileName = file.split("/").pop() ?? file;
  const copy = `${RESTORE_COPY_DIR}/${fileName}`;
  const script = (key: string) => `${BACKUP_PATHS.config}/${key}`;
  const db = specParts(databaseSpec);
  const key = `${project}:maintenance`;
  const oc = `oc -n ${ns}`;
  const tool = `deployment/${names.backup.restoreTool}`;
  // StatefulSet pods are <name>-<ordinal>; with one replica the only member is ordinal 0.
  const patroniPod = `${names.patroni.name}-0`;
  const manualJob = `${names.backup.name}-manual-${input.timestamp}`;

  return [
    {
      // Scaling to one replica removes the highest ordinals first: if one of them led, the cluster
      // would fail over (maybe twice) while it shrinks. Hand leadership to member 0 beforehand.
      title: `Make ${patroniPod} the leader before the cluster shrinks to it`,
      commands: [
        `${oc} rsh ${patroniPod} patronictl -c patroni.yml list`,
        `${oc} rsh ${patroniPod} patronictl -c patroni.yml switchover --candidate ${patroniPod} --force`,
      ],
      check: `${patroniPod} is Leader (skip the switchover if it already is)`,
    },
    {
      title:
        `Put ${stack} in restore maintenance (server to 0, Patroni to 1, backups suspended, restore tool up; ` +
        `ConfigMap ${names.maintenanceMarker} makes the pipelines skip ${stack} until maintenance ends)`,
      commands: [`pulumi config set ${key} restore -s ${stack}`, `pulumi up -s ${stack}`, `${oc} get configmap ${names.maintenanceMarker}`],
      check:
        `the ConfigMap ${names.maintenanceMarker} exists: from now on deploy.yml and drift.yml refuse to touch ${stack} ` +
        "(npm run maintenance-gate), whether or not this setting is committed",
    },
    {
      title: "Check that nothing else uses the database and no backup job is running",
      commands: [`${oc} get pods -l ${selector(names.server.selector)}`, `${oc} get cronjobs,jobs -l ${selector(names.backup.selector)}`],
      check: "no server pods; the CronJobs show SUSPEND True; no job is still active",
    },
    {
      title: "Confirm Patroni runs as a single leader",
      commands: [`${oc} rsh ${patroniPod} patronictl -c patroni.yml list`],
      check: `exactly one member, ${patroniPod}, with role Leader and state running`,
    },
    {
      title: "Wait for the restore tool and take a fresh backup of the current state",
      commands: [`${oc} rollout status ${tool} --timeout=10m`, `${oc} exec ${tool} -- /bin/bash /backup.sh -1`],
      check: 'the output ends with "Single backup run complete"',
    },
    {
      title:
        input.backupFile === undefined
          ? `List the backups and choose the file to restore (${BACKUP_FILE_PLACEHOLDER} below)`
          : "List the backups and check the file to restore is there",
      commands: [`${oc} exec ${tool} -- /bin/bash /backup.sh -l`],
    },
    {
      title: `Copy ${fileName} into the pod's ${RESTORE_COPY_DIR} without the role statements appended after the dump (the roles exist; under ON_ERROR_STOP the first would fail the restore)`,
      commands: [
        `${oc} exec ${tool} -- /bin/bash -c 'mkdir -p ${RESTORE_COPY_DIR} && /bin/bash ${script(BACKUP_CONFIG_KEYS.roleFreeCopy)} "$(find /backups -type f -name "${fileName}" | head -n 1)" ${copy} && ls -l ${copy}'`,
      ],
      check: `${copy} is listed (an error here means the file was not found under /backups)`,
    },
    {
      title: `Restore ${databaseSpec} from that copy (drops and recreates the database; asks for a key press to confirm)`,
      commands: [
        `${oc} exec -it ${tool} -- /bin/bash -c 'BACKUP_DIR=${RESTORE_COPY_DIR}/ ./backup.sh -r ${databaseSpec} -f ${copy} -a "$${RESTORE_PASSWORD_ENV}"'`,
      ],
      check: 'the output ends with the restored tables (psql \\d) and no "Restore failed"',
    },
    {
      title: "Check the data is there: rows of every table in the backup against the database",
      commands: [`${oc} exec ${tool} -- /bin/bash ${script(BACKUP_CONFIG_KEYS.restoreCheck)} ${copy} ${db.host} ${db.port} ${db.database}`],
      check: '"Restored data matches the backup: <n> tables, <m> rows." (exit 1 and a diff otherwise: stay in maintenance and investigate)',
    },
    {
      title:
        `Leave maintenance: everything back to its configured size, backups resumed, restore tool stopped, ` +
        `${names.maintenanceMarker} removed (the pipelines apply ${stack} again)`,
      commands: [`pulumi config rm ${key} -s ${stack}`, `pulumi up -s ${stack}`],
      check: `${oc} get configmap ${names.maintenanceMarker} answers NotFound; if ${key} was committed, merge its removal too`,
    },
    {
      title: "Back up the restored database now (the next scheduled run is hours away)",
      commands: [`${oc} create job --from=cronjob/${names.backup.name} ${manualJob}`, `${oc} logs -f job/${manualJob}`],
    },
  ];
}

/** The plan as the operator reads it: numbered steps, commands indented, checks after them. */
export function formatRestorePlan(input: RestorePlanInput, steps: readonly RestoreStep[]): string {
  const lines = [`Database restore plan for stack ${input.stack} (namespace ${input.namespace}). Run the steps in order.`, ""];
  steps.forEach((step, i) => {
    lines.push(`${i + 1}. ${step.title}`);
    for (const c of step.commands) lines.push(`   ${c}`);
    if (step.check) lines.push(`   check: ${step.check}`);
    lines.push("");
  });
  return lines.join("\n");
}
