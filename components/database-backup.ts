/**
 * Nightly logical backups of the Patroni database with the BC Gov backup container
 * (github.com/bcgov/backup-container), as Kubernetes CronJobs instead of the old always-on
 * `backup.dc.yml` pod:
 *
 * - `<backup>` CronJob: `backup.sh -1` (one backup, prune by the rolling retention, exit);
 * - `<backup>-verify` CronJob (optional): copies the latest backup without its trailing role
 *   statements (components/backup-scripts.ts) and runs `backup.sh -s -v all` on the copy, which
 *   restores it into a local scratch server and checks it has tables;
 * - `<backup>-restore` Deployment: 0 pods, except under `maintenance: restore`, when it gives the
 *   operator a pod with the backup volume and the superuser credentials to run `backup.sh -r` in
 *   (the old DC's pod, only when needed). See `npm run restore-plan`.
 *
 * The backup volume is `netapp-file-backup` (the only class the platform copies off-site), protected
 * per config and always retained on delete.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { EnvConfig } from "../config";
import { STORAGE_CLASSES } from "../config/platform";
import { adoptOptions, type Adoption } from "./adoption";
import { RESTORE_CHECK_SCRIPT, ROLE_FREE_COPY_SCRIPT, verifyLatestScript } from "./backup-scripts";
import type { DatabaseHandle } from "./database-handle";
import type { WorkloadScale } from "./maintenance";
import type { BackupNames, Labels } from "./names";
import { ASSIGNED_BY_CLUSTER, statefulOptions, waive } from "./safety";

/** Class of the verification scratch volume: the namespace default the old template got. */
const VERIFICATION_STORAGE_CLASS = STORAGE_CLASSES.file;

type EnvVar = k8s.types.input.core.v1.EnvVar;
type PodSpec = k8s.types.input.core.v1.PodSpec;

/** Where the container reads and writes (the backup container's defaults and the old DC's mounts). */
export const BACKUP_PATHS = {
  /** `BACKUP_DIR`: root of the daily/weekly/monthly folders. */
  backups: "/backups/",
  /** `serverDataDirectory` of the Postgres plug-in: where verification starts its scratch server. */
  verificationData: "/var/lib/pgsql/data",
  /** Folder the ConfigMap is mounted at; `BACKUP_CONF` points at the file in it. */
  config: "/etc/backup-container",
  /** Verify job: the role-free copy of the latest backup, and its `BACKUP_DIR` (an emptyDir). */
  verifyInput: "/verify",
} as const;

/** The ConfigMap keys; the containers read each one through a configMapKeyRef. */
export const BACKUP_CONFIG_KEYS = {
  conf: "backup.conf",
  strategy: "BACKUP_STRATEGY",
  daily: "DAILY_BACKUPS",
  weekly: "WEEKLY_BACKUPS",
  monthly: "MONTHLY_BACKUPS",
  /** Scripts the restore plan runs in the restore tool (components/backup-scripts.ts). */
  roleFreeCopy: "role-free-copy.sh",
  restoreCheck: "restore-check.sh",
} as const;

/** Job limits: a nightly dump of a small database; generous enough not to kill a slow night. */
const JOB_LIMITS = {
  /** One retry: a second failure in a row is worth a human look, not a loop on the backup volume. */
  backoffLimit: 1,
  /** A run that has not started within the hour is skipped (the next night's run still happens). */
  startingDeadlineSeconds: 3600,
  /** Kill a hung dump or verification after two hours (it would otherwise hold the RWO volume). */
  activeDeadlineSeconds: 7200,
  successfulJobsHistoryLimit: 3,
  failedJobsHistoryLimit: 3,
} as const;

export interface DatabaseBackupArgs {
  readonly names: BackupNames;
  /** The database to back up; credentials come from its Secret, never from here. */
  readonly database: DatabaseHandle;
  /** Image reference (internal registry, the tools ImageStreamTag of the pinned release). */
  readonly image: string;
  /** Schedules, retention, volume sizes and job resources. */
  readonly backup: EnvConfig["backup"];
  /** What the maintenance scale decides for the jobs (components/maintenance.ts). */
  readonly scale: Pick<WorkloadScale, "backupSuspended" | "restoreToolReplicas">;
  /** How the backup container names the environment in its notifications. */
  readonly environment: { readonly name: string; readonly friendlyName: string };
  /** `protect` on the backup volume (config `protectStateful`). */
  readonly protect: boolean;
  readonly adoption: Adoption;
}

/** Env var of the restore tool holding the superuser password (`backup.sh -r … -a "$<this>"`). */
export const RESTORE_PASSWORD_ENV = "SUPERUSER_PASSWORD";

/** `postgres=<service>:<port>/<database>`: a database spec as backup.conf and `backup.sh -r` take it. */
export function databaseSpec(serviceName: string, port: number, databaseName: string): string {
  return `postgres=${serviceName}:${port}/${databaseName}`;
}

/**
 * backup.conf: the database line, and the verification cron line when verification is on. The
 * container only runs `-s -v` ("scheduled verify") if backup.conf holds at least one cron line; the
 * line itself is never executed by cron here, because no pod runs the container's cron mode.
 */
export function backupConf(spec: string, verifySchedule: string | undefined): string {
  const lines = [spec];
  if (verifySchedule !== undefined) lines.push(`${verifySchedule} default ./backup.sh -s -v all`);
  return `${lines.join("\n")}\n`;
}

/**
 * The env of the three pods. Backups and verification run as the application role; only the restore
 * tool gets the cluster's superuser.
 */
export function backupEnvs(input: {
  /** The ConfigMap holding backup.conf and the retention settings. */
  readonly configMap: pulumi.Input<string>;
  readonly database: Pick<DatabaseHandle, "secretKeyRef">;
  /** The schedules' zone: the rolling strategy decides daily/weekly/monthly by the container's date. */
  readonly timeZone: string;
  readonly environment: { readonly name: string; readonly friendlyName: string };
}): { readonly backup: EnvVar[]; readonly verify: EnvVar[]; readonly restore: EnvVar[] } {
  const { database } = input;
  const fromConfig = (envName: string, key: string): EnvVar => ({
    name: envName,
    valueFrom: { configMapKeyRef: { name: input.configMap, key } },
  });
  const settings: EnvVar[] = [
    { name: "BACKUP_CONF", value: `${BACKUP_PATHS.config}/${BACKUP_CONFIG_KEYS.conf}` },
    fromConfig("BACKUP_STRATEGY", BACKUP_CONFIG_KEYS.strategy),
    fromConfig("DAILY_BACKUPS", BACKUP_CONFIG_KEYS.daily),
    fromConfig("WEEKLY_BACKUPS", BACKUP_CONFIG_KEYS.weekly),
    fromConfig("MONTHLY_BACKUPS", BACKUP_CONFIG_KEYS.monthly),
    { name: "TZ", value: input.timeZone },
    // Verification waits this long for its scratch server (the container's default, 120 s, is tight).
    { name: "DATABASE_SERVER_TIMEOUT", value: "600" },
    { name: "ENVIRONMENT_NAME", value: input.environment.name },
    { name: "ENVIRONMENT_FRIENDLY_NAME", value: input.environment.friendlyName },
    // Back up and verify as the application role (backup.config.utils getUsername/getPassword read
    // DATABASE_USER/PASSWORD). It owns database `hcap`, so pg_dump sees everything, and
    // `pg_dumpall --roles-only --no-role-passwords` needs no superuser. Verification starts its scratch
    // server with POSTGRESQL_USER=DATABASE_USER (backup.postgres.plugin onStartServer), and sclorg's
    // run-postgresql dies on `createuser postgres` (common.sh create_users), so the superuser would
    // never verify; the app role also has to exist there for the dump's `OWNER TO hcap`.
    { name: "DATABASE_USER", valueFrom: database.secretKeyRef("appUsername") },
    { name: "DATABASE_PASSWORD", valueFrom: database.secretKeyRef("appPassword") },
  ];
  const backup: EnvVar[] = [{ name: "BACKUP_DIR", value: BACKUP_PATHS.backups }, ...settings];
  return {
    backup,
    // The scratch server's own superuser, which initdb names after the container user and trusts on
    // 127.0.0.1 (sclorg initdb without --auth): backup.sh's restore runs psql without -U, and DROP/CREATE
    // DATABASE need it. Nothing from the Secret.
    verify: [{ name: "BACKUP_DIR", value: `${BACKUP_PATHS.verifyInput}/` }, ...settings, { name: "PGUSER", value: "postgres" }],
    // `backup.sh -r` drops and recreates the database, connecting as PGUSER with the password passed
    // as `-a "$SUPERUSER_PASSWORD"`.
    restore: [
      ...backup,
      { name: "PGUSER", valueFrom: database.secretKeyRef("superuserUsername") },
      { name: RESTORE_PASSWORD_ENV, valueFrom: database.secretKeyRef("superuserPassword") },
    ],
  };
}

/**
 * The pod of a backup, verify or restore-tool run: the backup volume and the ConfigMap, plus, for
 * verification, the scratch volume and an emptyDir for the role-free copy.
 */
export function backupPodSpec(input: {
  readonly image: string;
  readonly resources: k8s.types.input.core.v1.ResourceRequirements;
  readonly command: string[];
  readonly env: EnvVar[];
  readonly restartPolicy: "Never" | "Always";
  readonly dataVolume: pulumi.Input<string>;
  readonly configMap: pulumi.Input<string>;
  /** Set for verification only. */
  readonly verificationVolume?: pulumi.Input<string>;
}): PodSpec {
  const data = { name: "backup", persistentVolumeClaim: { claimName: input.dataVolume } };
  const config = { name: "config", configMap: { name: input.configMap } };
  const dataMount = { name: data.name, mountPath: BACKUP_PATHS.backups };
  const configMount = { name: config.name, mountPath: BACKUP_PATHS.config, readOnly: true };
  const verification =
    input.verificationVolume === undefined
      ? undefined
      : { name: "verification", persistentVolumeClaim: { claimName: input.verificationVolume } };
  const verifyInput = { name: "verify-input", emptyDir: {} };
  return {
    restartPolicy: input.restartPolicy,
    terminationGracePeriodSeconds: 30,
    containers: [
      {
        name: "backup",
        image: input.image,
        // backup.sh sources its siblings (./backup.usage, ...) relative to the working directory.
        workingDir: "/",
        command: input.command,
        env: input.env,
        resources: input.resources,
        // Verification only reads the backups; it works on its copy in the verify-input emptyDir.
        volumeMounts: verification
          ? [
              { ...dataMount, readOnly: true },
              configMount,
              { name: verification.name, mountPath: BACKUP_PATHS.verificationData },
              { name: verifyInput.name, mountPath: BACKUP_PATHS.verifyInput },
            ]
          : [dataMount, configMount],
      },
    ],
    volumes: verification ? [data, config, verification, verifyInput] : [data, config],
  };
}

export class DatabaseBackup extends pulumi.ComponentResource {
  readonly cronJob: k8s.batch.v1.CronJob;
  readonly verifyCronJob?: k8s.batch.v1.CronJob;
  readonly restoreTool: k8s.apps.v1.Deployment;
  readonly dataVolume: k8s.core.v1.PersistentVolumeClaim;
  readonly configMap: k8s.core.v1.ConfigMap;

  constructor(name: string, args: DatabaseBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hcap:backup:DatabaseBackup", name, {}, opts);
    const { names, database, backup } = args;
    const self = { parent: this };
    const verification = backup.verification.enabled ? backup.verification : undefined;

    // --- volumes ------------------------------------------------------------------------------
    // The backups themselves: protected (per config) and never deleted with the stack.
    this.dataVolume = new k8s.core.v1.PersistentVolumeClaim(
      names.dataVolume,
      {
        metadata: {
          name: names.dataVolume,
          labels: names.labels,
          annotations: waive(
            "storage-class",
            "besides the backup jobs, only the restore tool mounts it, and that runs only under maintenance: restore",
          ),
        },
        spec: {
          // ReadWriteOnce as the old template created it: access modes cannot change in place.
          accessModes: ["ReadWriteOnce"],
          storageClassName: backup.storageClass,
          resources: { requests: { storage: backup.volumeSize } },
        },
      },
      {
        ...self,
        ...statefulOptions(args.protect),
        ...adoptOptions(args.adoption, "PersistentVolumeClaim", names.dataVolume),
        ignoreChanges: [...ASSIGNED_BY_CLUSTER.persistentVolumeClaim],
      },
    );

    // Scratch space, emptied by every verification: nothing of record, so not protected. The storage
    // class is written out: the old template left it to the namespace default (netapp-file-standard),
    // and an unset class would read as a change, which for a claim means replacement.
    const verificationVolume =
      verification &&
      new k8s.core.v1.PersistentVolumeClaim(
        names.verificationVolume,
        {
          metadata: {
            name: names.verificationVolume,
            labels: names.labels,
            annotations: waive("protect-stateful", "scratch volume that verification restores into and empties; holds no data of record"),
          },
          spec: {
            accessModes: ["ReadWriteOnce"],
            storageClassName: VERIFICATION_STORAGE_CLASS,
            resources: { requests: { storage: verification.volumeSize } },
          },
        },
        {
          ...self,
          ...adoptOptions(args.adoption, "PersistentVolumeClaim", names.verificationVolume),
          ignoreChanges: [...ASSIGNED_BY_CLUSTER.persistentVolumeClaim],
        },
      );

    // --- configuration ------------------------------------------------------------------------
    const spec = pulumi.output(database.serviceName).apply((svc) => databaseSpec(svc, database.port, database.databaseName));
    this.configMap = new k8s.core.v1.ConfigMap(
      names.config,
      {
        metadata: { name: names.config, labels: names.labels },
        data: {
          [BACKUP_CONFIG_KEYS.conf]: spec.apply((s) => backupConf(s, verification?.schedule)),
          [BACKUP_CONFIG_KEYS.strategy]: "rolling",
          [BACKUP_CONFIG_KEYS.daily]: String(backup.retention.daily),
          [BACKUP_CONFIG_KEYS.weekly]: String(backup.retention.weekly),
          [BACKUP_CONFIG_KEYS.monthly]: String(backup.retention.monthly),
          [BACKUP_CONFIG_KEYS.roleFreeCopy]: ROLE_FREE_COPY_SCRIPT,
          [BACKUP_CONFIG_KEYS.restoreCheck]: RESTORE_CHECK_SCRIPT,
        },
      },
      { ...self, ...adoptOptions(args.adoption, "ConfigMap", names.config) },
    );

    const envs = backupEnvs({
      configMap: this.configMap.metadata.name,
      database,
      timeZone: backup.timeZone,
      environment: args.environment,
    });

    // --- pods ---------------------------------------------------------------------------------
    const podSpec = (command: string[], env: EnvVar[], withVerification: boolean, restartPolicy: "Never" | "Always"): PodSpec =>
      backupPodSpec({
        image: args.image,
        resources: backup.resources,
        command,
        env,
        restartPolicy,
        dataVolume: this.dataVolume.metadata.name,
        configMap: this.configMap.metadata.name,
        verificationVolume: withVerification ? verificationVolume?.metadata.name : undefined,
      });
    // Job pods carry the backup selector: the NetworkPolicy lets exactly these labels reach Postgres.
    const cronJob = (jobName: string, schedule: string, command: string[], podEnv: EnvVar[], withVerification: boolean) =>
      new k8s.batch.v1.CronJob(
        jobName,
        {
          metadata: { name: jobName, labels: names.labels },
          spec: {
            schedule,
            // spec.timeZone, never a CRON_TZ= prefix (the platform's Kyverno policy rejects those).
            timeZone: backup.timeZone,
            concurrencyPolicy: "Forbid",
            suspend: args.scale.backupSuspended,
            startingDeadlineSeconds: JOB_LIMITS.startingDeadlineSeconds,
            successfulJobsHistoryLimit: JOB_LIMITS.successfulJobsHistoryLimit,
            failedJobsHistoryLimit: JOB_LIMITS.failedJobsHistoryLimit,
            jobTemplate: {
              metadata: { labels: names.labels },
              spec: {
                backoffLimit: JOB_LIMITS.backoffLimit,
                activeDeadlineSeconds: JOB_LIMITS.activeDeadlineSeconds,
                template: { metadata: { labels: names.podLabels }, spec: podSpec(command, podEnv, withVerification, "Never") },
              },
            },
          },
        },
        { ...self, ...adoptOptions(args.adoption, "CronJob", jobName) },
      );

    this.cronJob = cronJob(names.name, backup.schedule, ["/bin/bash", "/backup.sh", "-1"], envs.backup, false);
    this.verifyCronJob =
      verification &&
      cronJob(
        names.verifyJob,
        verification.schedule,
        ["/bin/bash", "-c", verifyLatestScript(BACKUP_PATHS.backups, BACKUP_PATHS.verifyInput)],
        envs.verify,
        true,
      );

    // The pod the restore runs in. Its own selector, so it never claims the CronJobs' pods; the backup
    // pod labels on top so the NetworkPolicy lets it reach Postgres.
    const restoreLabels: Labels = { ...names.podLabels, ...names.restoreToolSelector };
    this.restoreTool = new k8s.apps.v1.Deployment(
      names.restoreTool,
      {
        metadata: {
          name: names.restoreTool,
          labels: { ...names.labels, ...names.restoreToolSelector },
          annotations: waive("readiness-probe", "an idle shell an operator execs into during a restore; no Service routes to it"),
        },
        spec: {
          replicas: args.scale.restoreToolReplicas,
          selector: { matchLabels: names.restoreToolSelector },
          // Never two pods on the ReadWriteOnce backup volume.
          strategy: { type: "Recreate" },
          template: {
            metadata: { labels: restoreLabels },
            spec: podSpec(["/bin/bash", "-c", "exec sleep infinity"], envs.restore, false, "Always"),
          },
        },
      },
      { ...self, ...adoptOptions(args.adoption, "Deployment", names.restoreTool) },
    );

    this.registerOutputs({
      cronJob: this.cronJob.metadata.name,
      restoreTool: this.restoreTool.metadata.name,
      dataVolume: this.dataVolume.metadata.name,
    });
  }
}
