/**
 * Pure builders, one at a time, without the mock runtime: literal inputs, literal expectations.
 */
import { describe, expect, it } from "vitest";
import { adoptOptions, madeByOldFlow, NOT_ADOPTING, stackAdoption } from "../components/adoption";
import { imageStreamObject } from "../components/app-image";
import { routeObject } from "../components/app-tier";
import { backupBuildConfig } from "../components/backup-image";
import { backupEnvs, backupPodSpec } from "../components/database-backup";
import { workloadScale } from "../components/maintenance";
import { stackNames, type PatroniNames } from "../components/names";
import { patroniStatefulSetSpec } from "../components/patroni-cluster";

const LABELS = { app: "demo" };

describe("stackNames: names the components used to build themselves", () => {
  const names = stackNames("demo");

  it("NetworkPolicy names", () => {
    expect(names.networkPolicies).toEqual({
      labels: { app: "demo", "app.kubernetes.io/part-of": "demo", "app.kubernetes.io/managed-by": "pulumi" },
      denyByDefault: "demo-deny-by-default",
      routerTo: { server: "demo-allow-router-to-demo-server", client: "demo-allow-router-to-demo-client" },
      databaseClientsToPatroni: "demo-allow-db-clients-to-patroni",
      patroniCluster: "demo-allow-patroni-cluster",
    });
  });

  it("Keycloak Secret and client ids, as keycloak.prep.yml derived them", () => {
    expect(names.keycloak.name).toBe("demo-keycloak");
    expect(names.keycloak.clientIds).toEqual({ frontend: "demo-fe", api: "demo-api" });
  });

  it("image streams in tools, the Patroni one labelled as the database component", () => {
    expect(names.imageStreams.patroni).toEqual({
      name: "demo-patroni",
      labels: {
        app: "demo",
        "app.kubernetes.io/part-of": "demo",
        "app.kubernetes.io/managed-by": "pulumi",
        "app.kubernetes.io/component": "database",
      },
    });
    expect(names.imageStreams.backup.name).toBe("demo-backup");
    expect(names.imageStreams.backup.labels.cronjob).toBe("demo-backup");
  });

  it("the database and its owner are named after the app", () => {
    expect(names.patroni.database).toBe("demo");
  });
});

describe("adoption: what the old flow made, in one table", () => {
  const names = stackNames("hcap");

  it("an environment: Patroni's objects, the Keycloak Secret, the server tier, the backup volumes and ConfigMap", () => {
    expect([...madeByOldFlow(names, "env")].sort()).toEqual([
      "ConfigMap/hcap-backup-config",
      "DeploymentConfig/hcap-server",
      "PersistentVolumeClaim/hcap-backup-data",
      "PersistentVolumeClaim/hcap-backup-verification",
      "Role/hcap-patroni",
      "RoleBinding/hcap-patroni",
      "Route/hcap-server",
      "Secret/hcap-keycloak",
      "Secret/hcap-patroni",
      "Service/hcap-patroni",
      "Service/hcap-server",
      "ServiceAccount/hcap-patroni",
      "StatefulSet/hcap-patroni",
    ]);
  });

  it("tools: the server, Patroni and backup image streams, two BuildConfigs and the `oc tag` environment tags", () => {
    expect([...madeByOldFlow(names, "tools")].sort()).toEqual([
      "BuildConfig/hcap-backup",
      "BuildConfig/hcap-server",
      "ImageStream/hcap-backup",
      "ImageStream/hcap-patroni",
      "ImageStream/hcap-server",
      "ImageStreamTag/hcap-server:dev",
      "ImageStreamTag/hcap-server:prod",
      "ImageStreamTag/hcap-server:test",
    ]);
  });

  it("imports only a listed object, and only while adopting", () => {
    const adopting = stackAdoption({ adopt: true, namespace: "f047a2-prod", names, role: "env" });
    expect(adoptOptions(adopting, "StatefulSet", "hcap-patroni")).toEqual({ import: "f047a2-prod/hcap-patroni" });
    // Same name, a kind the templates never made.
    expect(adoptOptions(adopting, "PodDisruptionBudget", "hcap-patroni")).toEqual({});
    expect(adoptOptions(adopting, "DeploymentConfig", "hcap-client")).toEqual({});
    expect(adoptOptions({ ...adopting, adopt: false }, "StatefulSet", "hcap-patroni")).toEqual({});
    expect(adoptOptions(NOT_ADOPTING, "StatefulSet", "hcap-patroni")).toEqual({});
  });
});

describe("workloadScale: the maintenance scale, decided once", () => {
  const cfg = { patroni: { replicas: 3 }, server: { replicas: 2 }, client: { replicas: 4 } };

  it("no maintenance: the configured replicas, backups running, no restore pod", () => {
    expect(workloadScale({ ...cfg, maintenance: "none" } as Parameters<typeof workloadScale>[0])).toEqual({
      patroniReplicas: 3,
      serverReplicas: 2,
      clientReplicas: 4,
      backupSuspended: false,
      restoreToolReplicas: 0,
    });
  });

  it("restore: one Patroni member, no server, the client kept, backups suspended, one restore pod", () => {
    expect(workloadScale({ ...cfg, maintenance: "restore" } as Parameters<typeof workloadScale>[0])).toEqual({
      patroniReplicas: 1,
      serverReplicas: 0,
      clientReplicas: 4,
      backupSuspended: true,
      restoreToolReplicas: 1,
    });
  });
});

describe("routeObject", () => {
  const args = { names: { name: "demo-server", labels: LABELS, selector: {}, podLabels: {} }, host: "demo.example.org" };

  it("sends the host to the Service it is given, edge TLS, HTTP redirected", () => {
    const route = routeObject(args, "the-service");
    expect(route.metadata.name).toBe("demo-server");
    expect(route.spec).toEqual({
      host: "demo.example.org",
      to: { kind: "Service", name: "the-service", weight: 100 },
      port: { targetPort: "web" },
      tls: { termination: "edge", insecureEdgeTerminationPolicy: "Redirect" },
      wildcardPolicy: "None",
    });
  });

  it("a path Route: its own name and host, one path, the same Service", () => {
    const route = routeObject(args, "the-service", { name: "demo-client-api", host: "client.example.org", path: "/api" });
    expect(route.metadata.name).toBe("demo-client-api");
    expect(route.spec.host).toBe("client.example.org");
    expect(route.spec.path).toBe("/api");
    expect(route.spec.to.name).toBe("the-service");
  });
});

describe("image builders", () => {
  it("an ImageStream declares no tags (their writers are builds and tag objects)", () => {
    expect(imageStreamObject({ name: "demo-server", labels: LABELS })).toEqual({
      apiVersion: "image.openshift.io/v1",
      kind: "ImageStream",
      metadata: { name: "demo-server", labels: LABELS },
      spec: { lookupPolicy: { local: false } },
    });
  });

  it("the backup BuildConfig builds the pinned release on the given Postgres base into <stream>:<release>", () => {
    const bc = backupBuildConfig({
      names: { name: "demo-backup", labels: LABELS },
      release: "2.13.0",
      baseImage: "registry/pg:12-1",
      adoption: NOT_ADOPTING,
    });
    expect(bc.spec.source).toEqual({
      type: "Git",
      git: { uri: "https://github.com/bcgov/backup-container", ref: "2.13.0" },
      contextDir: "docker",
    });
    expect(bc.spec.strategy.dockerStrategy?.from).toEqual({ kind: "DockerImage", name: "registry/pg:12-1" });
    expect(bc.spec.output.to).toEqual({ kind: "ImageStreamTag", name: "demo-backup:2.13.0" });
  });
});

describe("patroniStatefulSetSpec", () => {
  const names: PatroniNames = {
    name: "demo-patroni",
    labels: { app: "demo", statefulset: "demo-patroni", "cluster-name": "demo-patroni" },
    selector: { statefulset: "demo-patroni" },
    podLabels: { statefulset: "demo-patroni", "cluster-name": "demo-patroni", app: "demo" },
    scope: "demo-patroni",
    clusterLabels: { "cluster-name": "demo-patroni" },
    leaderSelector: { "cluster-name": "demo-patroni", role: "master" },
    volumeClaimTemplate: "pgdata",
    database: "demo",
  };
  /** The spec as plain data: the builder returns no Outputs or Promises for these inputs. */
  interface Plain {
    replicas: number;
    serviceName: string;
    selector: unknown;
    persistentVolumeClaimRetentionPolicy: unknown;
    volumeClaimTemplates: unknown[];
    template: {
      metadata: { labels: unknown };
      spec: {
        serviceAccountName: string;
        containers: { env: { name: string; value?: string }[]; image: string; volumeMounts: { name: string }[] }[];
      };
    };
  }
  const spec = patroniStatefulSetSpec({
    names,
    replicas: 2,
    image: "registry/ns/demo-patroni:12.4",
    resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    volume: { size: "2Gi", storageClass: "netapp-block-standard" },
    serviceName: "demo-leader",
    serviceAccountName: "demo-sa",
    secretKeyRef: (key) => ({ secretKeyRef: { name: "demo-secret", key } }),
  }) as unknown as Plain;
  const container = spec.template.spec.containers[0];
  const env = (name: string) => container.env.find((e) => e.name === name);

  it("takes the replicas, Service, ServiceAccount and image it is given", () => {
    expect(spec.replicas).toBe(2);
    expect(spec.serviceName).toBe("demo-leader");
    expect(spec.template.spec.serviceAccountName).toBe("demo-sa");
    expect(container.image).toBe("registry/ns/demo-patroni:12.4");
  });

  it("selects on the selector and labels pods with the pod labels (no role label: Patroni sets it)", () => {
    expect(spec.selector).toEqual({ matchLabels: { statefulset: "demo-patroni" } });
    expect(spec.template.metadata.labels).toEqual({ statefulset: "demo-patroni", "cluster-name": "demo-patroni", app: "demo" });
  });

  it("Patroni's scope and labels come from the names", () => {
    expect(env("PATRONI_SCOPE")?.value).toBe("demo-patroni");
    expect(env("PATRONI_KUBERNETES_LABELS")?.value).toBe('{"cluster-name":"demo-patroni"}');
  });

  it("the volume claim template and its mount share the template's name; volumes outlive the StatefulSet", () => {
    expect(spec.volumeClaimTemplates[0]).toEqual({
      metadata: { name: "pgdata", annotations: { "volume.beta.kubernetes.io/storage-class": "netapp-block-standard" } },
      spec: { storageClassName: "netapp-block-standard", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "2Gi" } } },
    });
    expect(container.volumeMounts.map((m) => m.name)).toEqual(["pgdata"]);
    expect(spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
  });
});

describe("backupEnvs: who connects as whom", () => {
  // A handle whose Secret references are readable as "<key>".
  const database = { secretKeyRef: (key: string) => ({ secretKeyRef: { name: "db-secret", key } }) };
  const envs = backupEnvs({
    configMap: "demo-backup-config",
    database,
    timeZone: "America/Vancouver",
    environment: { name: "d", friendlyName: "D" },
  });
  const secretKeys = (env: readonly { valueFrom?: unknown }[]) =>
    env.flatMap((e) => {
      const ref = (e.valueFrom as { secretKeyRef?: { key: string } } | undefined)?.secretKeyRef;
      return ref ? [ref.key] : [];
    });
  const value = (env: readonly { name: unknown; value?: unknown }[], name: string) => env.find((e) => e.name === name)?.value;

  it("backups and verification read only the application role's credentials", () => {
    expect(secretKeys(envs.backup)).toEqual(["appUsername", "appPassword"]);
    expect(secretKeys(envs.verify)).toEqual(["appUsername", "appPassword"]);
  });

  it("only the restore tool gets the superuser, as PGUSER and the password backup.sh -r takes", () => {
    expect(secretKeys(envs.restore)).toEqual(["appUsername", "appPassword", "superuserUsername", "superuserPassword"]);
    expect(envs.restore.map((e) => e.name)).toContain("SUPERUSER_PASSWORD");
  });

  it("verification restores the copy in /verify as the scratch server's own postgres user; the others use /backups/", () => {
    expect(value(envs.verify, "BACKUP_DIR")).toBe("/verify/");
    expect(value(envs.verify, "PGUSER")).toBe("postgres");
    expect(value(envs.backup, "BACKUP_DIR")).toBe("/backups/");
    expect(value(envs.backup, "TZ")).toBe("America/Vancouver");
    expect(envs.backup.find((e) => e.name === "DAILY_BACKUPS")?.valueFrom).toEqual({
      configMapKeyRef: { name: "demo-backup-config", key: "DAILY_BACKUPS" },
    });
  });
});

describe("backupPodSpec", () => {
  const base = {
    image: "registry/backup:2.13.0",
    resources: { requests: { cpu: "50m" } },
    command: ["/bin/bash", "/backup.sh", "-1"],
    env: [],
    restartPolicy: "Never" as const,
    dataVolume: "demo-backup-data",
    configMap: "demo-backup-config",
  };
  type Plain = { containers: { volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[] }[]; volumes: { name: string }[] };

  it("a backup writes to the backup volume and reads the ConfigMap", () => {
    const spec = backupPodSpec(base) as unknown as Plain;
    expect(spec.volumes.map((v) => v.name)).toEqual(["backup", "config"]);
    expect(spec.containers[0].volumeMounts).toEqual([
      { name: "backup", mountPath: "/backups/" },
      { name: "config", mountPath: "/etc/backup-container", readOnly: true },
    ]);
  });

  it("verification reads the backups read-only and works on the scratch volume and an emptyDir", () => {
    const spec = backupPodSpec({ ...base, verificationVolume: "demo-backup-verification" }) as unknown as Plain;
    expect(spec.volumes.map((v) => v.name)).toEqual(["backup", "config", "verification", "verify-input"]);
    expect(spec.containers[0].volumeMounts).toEqual([
      { name: "backup", mountPath: "/backups/", readOnly: true },
      { name: "config", mountPath: "/etc/backup-container", readOnly: true },
      { name: "verification", mountPath: "/var/lib/pgsql/data" },
      { name: "verify-input", mountPath: "/verify" },
    ]);
  });
});
