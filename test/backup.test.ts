import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { ConfigError, ENVIRONMENTS } from "../config";
import { BACKUP_CONFIG_KEYS } from "../components/database-backup";
import { PATRONI_SECRET_KEYS } from "../components/names";
import { requiredBackupTags } from "../tools/ops/backup-tags";
import { PROJECT_DIR } from "../tools/cli/project";
import type { KubeObject } from "../tools/kube/object";
import { find, ofKind, planEntry, projectWith, registeredCount, render } from "./harness";

/**
 * The names the templates used (backup.dc.yml) and the adopting `up` imports, written out: a test
 * that took them from components/names.ts would follow a wrong name instead of failing.
 */
const names = {
  backup: {
    name: "hcap-backup",
    selector: { cronjob: "hcap-backup" },
    dataVolume: "hcap-backup-data",
    verificationVolume: "hcap-backup-verification",
    config: "hcap-backup-config",
    verifyJob: "hcap-backup-verify",
    restoreTool: "hcap-backup-restore",
  },
  images: { backup: "hcap-backup" },
  patroni: { name: "hcap-patroni" },
  maintenanceMarker: "hcap-maintenance",
} as const;
/** Pulumi.yaml's defaults and the stack files' values of the backup keys. */
const BACKUP_CONFIG = {
  dev: { schedule: "0 2 * * *", timeZone: "America/Vancouver", volumeSize: "5Gi" },
  test: { schedule: "0 2 * * *", timeZone: "America/Vancouver", volumeSize: "5Gi" },
  prod: { schedule: "0 2 * * *", timeZone: "America/Vancouver", volumeSize: "10Gi" },
} as const;
const BACKUP_RELEASE = "2.13.0";
type Obj = Record<string, unknown>;

/** The pod spec of a CronJob or Deployment. */
function podSpecOf(o: KubeObject): Obj {
  const spec = o.spec as Obj;
  const template = (o.kind === "CronJob" ? ((spec.jobTemplate as Obj).spec as Obj).template : spec.template) as Obj;
  return template.spec as Obj;
}

/** Every value under `key` anywhere in `v` (env valueFrom refs, volume sources, ...). */
function collect(v: unknown, key: string, out: Obj[] = []): Obj[] {
  if (Array.isArray(v)) v.forEach((x) => collect(x, key, out));
  else if (v !== null && typeof v === "object") {
    for (const [k, x] of Object.entries(v as Obj)) {
      if (k === key && x !== null && typeof x === "object") out.push(x as Obj);
      collect(x, key, out);
    }
  }
  return out;
}

describe("each environment renders its backups with every reference resolving", () => {
  it.each(ENVIRONMENTS)("%s", async (env) => {
    const { objects } = await render(env);
    const cfg = BACKUP_CONFIG[env];
    const cronJob = find(objects, "CronJob", names.backup.name);
    const spec = cronJob.spec as Obj;
    expect(spec).toMatchObject({
      schedule: cfg.schedule,
      timeZone: cfg.timeZone,
      concurrencyPolicy: "Forbid",
      suspend: false,
    });
    expect(String(spec.schedule)).not.toMatch(/TZ=/);
    const pod = ((spec.jobTemplate as Obj).spec as Obj).template as Obj;
    // The NetworkPolicy admits database clients by exactly this label.
    expect((pod.metadata as Obj).labels).toMatchObject(names.backup.selector);
    const container = (podSpecOf(cronJob).containers as Obj[])[0];
    expect(container.command).toEqual(["/bin/bash", "/backup.sh", "-1"]);
    expect(container.image).toBe(`image-registry.openshift-image-registry.svc:5000/f047a2-tools/hcap-backup:${BACKUP_RELEASE}`);
    expect(container.volumeMounts).toContainEqual({ name: "backup", mountPath: "/backups/" });

    const workloads = [cronJob, find(objects, "Deployment", names.backup.restoreTool), ...ofKind(objects, "CronJob")];
    const configMap = find(objects, "ConfigMap", names.backup.config);
    for (const w of workloads) {
      for (const claim of collect(podSpecOf(w), "persistentVolumeClaim")) {
        expect(ofKind(objects, "PersistentVolumeClaim").map((p) => p.metadata.name)).toContain(claim.claimName);
      }
      for (const ref of collect(podSpecOf(w), "configMapKeyRef")) {
        expect(ref.name).toBe(configMap.metadata.name);
        expect(Object.keys(configMap.data as Obj)).toContain(ref.key);
      }
      for (const ref of collect(podSpecOf(w), "secretKeyRef")) {
        expect(ref.name).toBe(names.patroni.name);
        expect(Object.values(PATRONI_SECRET_KEYS)).toContain(ref.key);
      }
      const volumeNames = (podSpecOf(w).volumes as Obj[]).map((v) => v.name);
      for (const c of podSpecOf(w).containers as Obj[]) {
        for (const m of c.volumeMounts as Obj[]) expect(volumeNames).toContain(m.name);
      }
    }
    const pvc = find(objects, "PersistentVolumeClaim", names.backup.dataVolume).spec as Obj;
    expect(pvc).toMatchObject({ storageClassName: "netapp-file-backup", resources: { requests: { storage: cfg.volumeSize } } });
    expect((configMap.data as Obj)[BACKUP_CONFIG_KEYS.conf]).toMatch(/^postgres=hcap-patroni:5432\/hcap\n/);
  });

  it("tools builds the image the environments run: hcap-backup:<release> from the pinned release", async () => {
    const { objects } = await render("tools");
    find(objects, "ImageStream", names.images.backup);
    const bc = find(objects, "BuildConfig", names.images.backup).spec as Obj;
    expect(bc.output).toEqual({ to: { kind: "ImageStreamTag", name: `hcap-backup:${BACKUP_RELEASE}` } });
    expect(bc.source).toMatchObject({ git: { ref: BACKUP_RELEASE }, contextDir: "docker" });
    expect(JSON.stringify(bc.strategy)).toContain("postgresql-12");
    for (const env of ENVIRONMENTS) {
      const { objects: envObjects } = await render(env);
      const image = (podSpecOf(find(envObjects, "CronJob", names.backup.name)).containers as Obj[])[0].image;
      expect(image).toBe(
        `image-registry.openshift-image-registry.svc:5000/f047a2-tools/${(bc.output as { to: { name: string } }).to.name}`,
      );
    }
  });
});

describe("verification", () => {
  it("prod verifies on its own schedule into a scratch volume at the plug-in's data directory", async () => {
    const { objects } = await render("prod");
    const verify = find(objects, "CronJob", names.backup.verifyJob);
    expect((verify.spec as Obj).schedule).toBe("30 4 * * *");
    const container = (podSpecOf(verify).containers as Obj[])[0];
    const command = container.command as string[];
    expect(command.slice(0, 2)).toEqual(["/bin/bash", "-c"]);
    expect(command[2]).toMatch(/\nexec \/bin\/bash \/backup\.sh -s -v all$/);
    expect(container.volumeMounts).toContainEqual({ name: "verification", mountPath: "/var/lib/pgsql/data" });
    // The backups are only read; the copy it verifies lives in an emptyDir that is its BACKUP_DIR.
    expect(container.volumeMounts).toContainEqual({ name: "backup", mountPath: "/backups/", readOnly: true });
    expect(container.volumeMounts).toContainEqual({ name: "verify-input", mountPath: "/verify" });
    expect(container.env).toContainEqual({ name: "BACKUP_DIR", value: "/verify/" });
    find(objects, "PersistentVolumeClaim", names.backup.verificationVolume);
    // Scheduled verification needs a cron line in backup.conf.
    expect((find(objects, "ConfigMap", names.backup.config).data as Obj)[BACKUP_CONFIG_KEYS.conf]).toContain(
      "30 4 * * * default ./backup.sh -s -v all",
    );
  });

  it("backs up and verifies as the application role; only the restore tool has the superuser", async () => {
    const { objects } = await render("prod");
    const envOf = (w: KubeObject) => (podSpecOf(w).containers as Obj[])[0].env as Obj[];
    const value = (env: Obj[], name: string) => env.find((e) => e.name === name);
    const secretKey = (env: Obj[], name: string) =>
      ((value(env, name)?.valueFrom as Obj | undefined)?.secretKeyRef as Obj | undefined)?.key;
    for (const job of [names.backup.name, names.backup.verifyJob]) {
      const env = envOf(find(objects, "CronJob", job));
      // The scratch server is started with POSTGRESQL_USER=DATABASE_USER: `postgres` kills it.
      expect(secretKey(env, "DATABASE_USER"), job).toBe(PATRONI_SECRET_KEYS.appUsername);
      expect(secretKey(env, "DATABASE_PASSWORD"), job).toBe(PATRONI_SECRET_KEYS.appPassword);
      expect(JSON.stringify(env), job).not.toContain(PATRONI_SECRET_KEYS.superuserPassword);
      expect(JSON.stringify(env), job).not.toContain(PATRONI_SECRET_KEYS.superuserUsername);
    }
    // Verification's psql runs as the scratch server's own superuser, which trusts 127.0.0.1.
    expect(value(envOf(find(objects, "CronJob", names.backup.verifyJob)), "PGUSER")).toEqual({ name: "PGUSER", value: "postgres" });
    const tool = envOf(find(objects, "Deployment", names.backup.restoreTool));
    expect(secretKey(tool, "PGUSER")).toBe(PATRONI_SECRET_KEYS.superuserUsername);
    expect(secretKey(tool, "SUPERUSER_PASSWORD")).toBe(PATRONI_SECRET_KEYS.superuserPassword);
    expect(secretKey(tool, "DATABASE_USER")).toBe(PATRONI_SECRET_KEYS.appUsername);
  });

  it("dev (verification off) has neither the CronJob, the volume nor the cron line", async () => {
    const { objects } = await render("dev");
    expect(
      objects.filter((o) => o.metadata.name === names.backup.verifyJob || o.metadata.name === names.backup.verificationVolume),
    ).toEqual([]);
    expect((find(objects, "ConfigMap", names.backup.config).data as Obj)[BACKUP_CONFIG_KEYS.conf]).toBe(
      "postgres=hcap-patroni:5432/hcap\n",
    );
  });
});

describe("schedule and retention come from config", () => {
  it("a stack file's values reach the CronJob and the ConfigMap", async () => {
    const projectDir = projectWith("dev", {
      "hcap-infra:backupSchedule": "30 1 * * 0",
      "hcap-infra:backupTimeZone": "UTC",
      "hcap-infra:backupDailyCount": 9,
      "hcap-infra:backupWeeklyCount": 2,
      "hcap-infra:backupMonthlyCount": 6,
    });
    const { objects } = await render("dev", { projectDir });
    expect(find(objects, "CronJob", names.backup.name).spec).toMatchObject({ schedule: "30 1 * * 0", timeZone: "UTC" });
    expect(find(objects, "ConfigMap", names.backup.config).data).toMatchObject({
      BACKUP_STRATEGY: "rolling",
      DAILY_BACKUPS: "9",
      WEEKLY_BACKUPS: "2",
      MONTHLY_BACKUPS: "6",
    });
  });

  it.each([
    ["dev", "hcap-infra:backupDailyCount", 0, "Pulumi.dev.yaml: hcap-infra:backupDailyCount: must be 1 or more (got 0)"],
    [
      "dev",
      "hcap-infra:backupVerifySchedule",
      "*/30 * * * *",
      "Pulumi.dev.yaml: hcap-infra:backupVerifySchedule: must not run more often than every 60 minutes",
    ],
    ["dev", "hcap-infra:backupTimeZone", "Pacific", "Pulumi.dev.yaml: hcap-infra:backupTimeZone: must be an IANA time zone"],
    [
      "prod",
      "hcap-infra:backupImageRef",
      "latest",
      "Pulumi.prod.yaml: hcap-infra:backupImageRef: must be a release tag such as 2.13.0 (never latest or a branch)",
    ],
    [
      "tools",
      "hcap-infra:backupBaseImage",
      "registry.access.redhat.com/rhel8/postgresql-12:latest",
      "Pulumi.tools.yaml: hcap-infra:backupBaseImage: must be an image reference with a pinned tag or digest",
    ],
  ])("%s: %s = %j is refused before anything is declared", async (stack, key, value, message) => {
    const projectDir = projectWith(stack, { [key]: value });
    const error = await render(stack, { projectDir }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(message);
    expect(registeredCount()).toBe(0);
  });
});

/** Paths (`kind/name:a.b.c`) where two renders differ; objects are matched by kind and name. */
function differences(a: readonly KubeObject[], b: readonly KubeObject[]): string[] {
  const key = (o: KubeObject) => `${o.kind}/${o.metadata.name}`;
  const out: string[] = [];
  const walk = (prefix: string, x: unknown, y: unknown): void => {
    if (isDeepStrictEqual(x, y)) return;
    if (x !== null && y !== null && typeof x === "object" && typeof y === "object" && !Array.isArray(x) && !Array.isArray(y)) {
      for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) walk(`${prefix}.${k}`, (x as Obj)[k], (y as Obj)[k]);
    } else out.push(prefix);
  };
  const bs = new Map(b.map((o) => [key(o), o]));
  for (const o of a) walk(key(o), o, bs.get(key(o)));
  for (const o of b) if (!a.some((x) => key(x) === key(o))) out.push(key(o));
  return out.map((p) => p.replace(/^([^.]+)\./, "$1:"));
}

describe("maintenance: restore", () => {
  it.each(ENVIRONMENTS)("%s: changes only replicas and suspend, of the workloads it names", async (env) => {
    const normal = await render(env);
    const restore = await render(env, { projectDir: projectWith(env, { "hcap-infra:maintenance": "restore" }) });
    // The maintenance marker the pipelines look for is the one object added (test/maintenance.test.ts).
    const marker = `ConfigMap/${names.maintenanceMarker}`;
    const diff = differences(normal.objects, restore.objects);
    expect(diff).toContain(marker);
    // Generic: whatever workloads the stack has (Patroni, server, client after the merge), nothing but
    // their scale and the CronJobs' suspension may change.
    for (const d of diff.filter((x) => x !== marker))
      expect(d, d).toMatch(/^(StatefulSet|DeploymentConfig|Deployment)\/[^:]+:spec\.replicas$|^CronJob\/[^:]+:spec\.suspend$/);
    expect(diff).toContain(`CronJob/${names.backup.name}:spec.suspend`);
    expect(diff).toContain(`Deployment/${names.backup.restoreTool}:spec.replicas`);
    for (const cj of ofKind(restore.objects, "CronJob")) expect((cj.spec as Obj).suspend).toBe(true);
    expect((find(restore.objects, "Deployment", names.backup.restoreTool).spec as Obj).replicas).toBe(1);
    expect((find(normal.objects, "Deployment", names.backup.restoreTool).spec as Obj).replicas).toBe(0);
    // Resource options (protect, import, ...) do not move either.
    const notMarker = (e: { name: string }) => e.name !== names.maintenanceMarker && e.name !== "maintenance";
    expect(restore.plan.filter(notMarker).map(({ urn: _u, ...e }) => ({ ...e, dependsOn: [...e.dependsOn] }))).toEqual(
      normal.plan.map(({ urn: _u, ...e }) => ({ ...e, dependsOn: [...e.dependsOn] })),
    );
  });
});

describe("the backup volume is never lost by accident", () => {
  it("prod protects and retains it; dev retains it (protectStateful false there)", async () => {
    const prod = planEntry((await render("prod")).plan, "PersistentVolumeClaim", names.backup.dataVolume);
    expect(prod).toMatchObject({ protect: true, retainOnDelete: true });
    const dev = planEntry((await render("dev")).plan, "PersistentVolumeClaim", names.backup.dataVolume);
    expect(dev).toMatchObject({ protect: false, retainOnDelete: true });
  });

  it("adopt imports what backup.dc.yml created and creates the rest", async () => {
    const projectDir = projectWith("prod", { "hcap-infra:adopt": true, "hcap-infra:appWorkload": "DeploymentConfig" });
    const secrets = { patroniSuperuserPassword: "s1", patroniReplicationPassword: "s2", patroniAppPassword: "s3" };
    const { plan } = await render("prod", { projectDir, secrets });
    for (const [type, name] of [
      ["PersistentVolumeClaim", names.backup.dataVolume],
      ["PersistentVolumeClaim", names.backup.verificationVolume],
      ["ConfigMap", names.backup.config],
    ]) {
      expect(planEntry(plan, type, name).import).toBe(`f047a2-prod/${name}`);
    }
    expect(planEntry(plan, "CronJob", names.backup.name).import).toBeNull();
    expect(planEntry(plan, "Deployment", names.backup.restoreTool).import).toBeNull();
  });
});

describe("backup image tags the environments run", () => {
  it("lists hcap-backup:<backupImageRef> once, and an environment on another release as its own tag", () => {
    expect(requiredBackupTags(PROJECT_DIR)).toEqual([`hcap-backup:${BACKUP_RELEASE}`]);
    expect(requiredBackupTags(projectWith("test", { "hcap-infra:backupImageRef": "2.14.0" }))).toEqual([
      "hcap-backup:2.13.0",
      "hcap-backup:2.14.0",
    ]);
  });
});
