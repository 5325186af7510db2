/**
 * Components one at a time under Pulumi's mock runtime: each is built from literal args (no stack,
 * no config), and the test reads the inputs of the resources it registers.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { NOT_ADOPTING } from "../components/adoption";
import type { BackupNames, KeycloakNames, NetworkPolicyNames, ObjectNames, PatroniNames } from "../components/names";

interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  /** The provider reference (`<urn>::<id>`) the resource was registered with, if any. */
  readonly provider?: string;
}

let registered: Registered[] = [];

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown>, provider: args.provider });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => {
        throw new Error(`unexpected call ${args.token}`);
      },
    },
    "demo",
    "dev",
    false,
  );
});

beforeEach(() => {
  registered = [];
});

/** Waits until every registration of the component has reached the mocks. */
async function settled(): Promise<void> {
  await (pulumi.runtime as typeof pulumi.runtime & { waitForRPCs(): Promise<void> }).waitForRPCs();
}

const ofType = (type: string) => registered.filter((r) => r.type === type);

describe("NetworkPolicies", () => {
  const names: NetworkPolicyNames = {
    labels: { app: "demo" },
    denyByDefault: "p-deny",
    routerTo: { server: "p-router-server", client: "p-router-client" },
    databaseClientsToPatroni: "p-db-clients",
    patroniCluster: "p-patroni",
  };

  it("names each policy as its args say, never from a selector", async () => {
    const { NetworkPolicies } = await import("../components/network-policies");
    new NetworkPolicies("network", {
      names,
      patroni: { selector: { db: "yes" }, ports: { postgres: 5432, rest: 8008 } },
      routed: [{ policy: "p-router-server", selector: { tier: "api" }, port: 8080 }],
      databaseClients: [{ tier: "api" }],
      adoption: NOT_ADOPTING,
    });
    await settled();
    const policies = ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy");
    expect(policies.map((p) => p.name).sort()).toEqual(["p-db-clients", "p-deny", "p-patroni", "p-router-server"]);
    for (const p of policies) expect((p.inputs.metadata as { name: string }).name).toBe(p.name);
  });

  it("a namespace without a database: only deny-by-default and the router policies", async () => {
    const { NetworkPolicies } = await import("../components/network-policies");
    new NetworkPolicies("network", { names, routed: [], databaseClients: [], adoption: NOT_ADOPTING });
    await settled();
    expect(ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").map((p) => p.name)).toEqual(["p-deny"]);
  });
});

describe("KeycloakSecret", () => {
  it("writes the client ids it is given under the template's keys", async () => {
    const { KeycloakSecret } = await import("../components/keycloak-secret");
    const names: KeycloakNames = { name: "demo-kc", labels: { app: "demo" }, clientIds: { frontend: "id-fe", api: "id-api" } };
    new KeycloakSecret("keycloak", {
      names,
      realm: "r1",
      authUrl: "https://sso.example.org/auth",
      apiSecret: pulumi.secret("s"),
      serviceAccountUsername: pulumi.secret("u"),
      serviceAccountPassword: pulumi.secret("p"),
      adoption: NOT_ADOPTING,
    });
    await settled();
    const [secret] = ofType("kubernetes:core/v1:Secret");
    expect(secret.name).toBe("demo-kc");
    // The whole of stringData reaches the engine as a secret.
    const wrapped = secret.inputs.stringData as Record<string, unknown> & { value: Record<string, unknown> };
    expect(wrapped[pulumi.runtime.specialSigKey]).toBe(pulumi.runtime.specialSecretSig);
    const data = wrapped.value;
    expect(data["fe-client-id"]).toBe("id-fe");
    expect(data["be-client-id"]).toBe("id-api");
    expect(data.realm).toBe("r1");
  });
});

describe("PatroniCluster", () => {
  const names: PatroniNames = {
    name: "demo-patroni",
    labels: { app: "demo", statefulset: "demo-patroni" },
    selector: { statefulset: "demo-patroni" },
    podLabels: { statefulset: "demo-patroni", app: "demo" },
    scope: "demo-patroni",
    clusterLabels: { "cluster-name": "demo-patroni" },
    leaderSelector: { "cluster-name": "demo-patroni", role: "master" },
    volumeClaimTemplate: "postgresql",
    database: "demo",
  };
  const args = {
    names,
    namespace: "ns-dev",
    image: "registry/ns/demo-patroni:12.4",
    replicas: 1,
    resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    volume: { size: "1Gi", storageClass: "netapp-block-standard" },
    protect: false,
    adoption: NOT_ADOPTING,
  };

  it("runs the replicas it is given (the stack decides the maintenance scale) and generates missing passwords", async () => {
    const { PatroniCluster } = await import("../components/patroni-cluster");
    new PatroniCluster("database", { ...args, passwords: {} });
    await settled();
    const [sts] = ofType("kubernetes:apps/v1:StatefulSet");
    expect((sts.inputs.spec as { replicas: number }).replicas).toBe(1);
    expect(
      ofType("random:index/randomPassword:RandomPassword")
        .map((r) => r.name)
        .sort(),
    ).toEqual(["demo-patroni-app-password", "demo-patroni-replication-password", "demo-patroni-superuser-password"]);
    const [binding] = ofType("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding");
    expect(binding.inputs.subjects).toEqual([{ kind: "ServiceAccount", name: "demo-patroni", namespace: "ns-dev" }]);
  });

  it("generates no password that is supplied", async () => {
    const { PatroniCluster } = await import("../components/patroni-cluster");
    new PatroniCluster("database", { ...args, passwords: { superuserPassword: pulumi.secret("a"), appPassword: pulumi.secret("c") } });
    await settled();
    expect(ofType("random:index/randomPassword:RandomPassword").map((r) => r.name)).toEqual(["demo-patroni-replication-password"]);
  });
});

describe("DatabaseBackup", () => {
  const names: BackupNames = {
    name: "demo-backup",
    labels: { app: "demo" },
    selector: { role: "backup" },
    podLabels: { role: "backup", app: "demo" },
    dataVolume: "demo-backup-data",
    verificationVolume: "demo-backup-verification",
    config: "demo-backup-config",
    verifyJob: "demo-backup-verify",
    restoreTool: "demo-backup-restore",
    restoreToolSelector: { tool: "restore" },
  };
  const backup = {
    schedule: "0 1 * * *",
    timeZone: "America/Vancouver",
    retention: { daily: 3, weekly: 2, monthly: 1 },
    volumeSize: "5Gi",
    storageClass: "netapp-file-backup",
    verification: { enabled: true, schedule: "0 3 * * *", volumeSize: "2Gi" },
    resources: { requests: { cpu: "50m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
  } as const;
  const args = {
    names,
    database: {
      secretKeyRef: (key: string) => ({ secretKeyRef: { name: "db", key } }),
      serviceName: pulumi.output("demo-db"),
      databaseName: "demo",
      port: 5432,
      podSelector: { db: "yes" },
    },
    image: "registry/ns/demo-backup:2.13.0",
    backup,
    environment: { name: "dev", friendlyName: "Dev" },
    protect: false,
    adoption: NOT_ADOPTING,
  };
  type CronJobInputs = { spec: { schedule: string; suspend: boolean; timeZone: string } };

  it("a nightly backup and a verification CronJob on their schedules and zone; the restore tool at the replicas it is given", async () => {
    const { DatabaseBackup } = await import("../components/database-backup");
    new DatabaseBackup("backup", { ...args, scale: { backupSuspended: false, restoreToolReplicas: 0 } });
    await settled();
    const jobs = ofType("kubernetes:batch/v1:CronJob");
    expect(jobs.map((j) => [j.name, (j.inputs as CronJobInputs).spec.schedule, (j.inputs as CronJobInputs).spec.timeZone])).toEqual([
      ["demo-backup", "0 1 * * *", "America/Vancouver"],
      ["demo-backup-verify", "0 3 * * *", "America/Vancouver"],
    ]);
    const [tool] = ofType("kubernetes:apps/v1:Deployment");
    expect((tool.inputs.spec as { replicas: number }).replicas).toBe(0);
    const [config] = ofType("kubernetes:core/v1:ConfigMap");
    expect((config.inputs.data as Record<string, string>)["backup.conf"]).toBe(
      "postgres=demo-db:5432/demo\n0 3 * * * default ./backup.sh -s -v all\n",
    );
  });

  it("under a restore: both CronJobs suspended, one restore tool pod", async () => {
    const { DatabaseBackup } = await import("../components/database-backup");
    new DatabaseBackup("backup", { ...args, scale: { backupSuspended: true, restoreToolReplicas: 1 } });
    await settled();
    expect(ofType("kubernetes:batch/v1:CronJob").map((j) => (j.inputs as CronJobInputs).spec.suspend)).toEqual([true, true]);
    expect((ofType("kubernetes:apps/v1:Deployment")[0].inputs.spec as { replicas: number }).replicas).toBe(1);
  });

  it("without verification: no verify CronJob, no scratch volume, and backup.conf holds no cron line", async () => {
    const { DatabaseBackup } = await import("../components/database-backup");
    new DatabaseBackup("backup", {
      ...args,
      backup: { ...backup, verification: { ...backup.verification, enabled: false } },
      scale: { backupSuspended: false, restoreToolReplicas: 0 },
    });
    await settled();
    expect(ofType("kubernetes:batch/v1:CronJob").map((j) => j.name)).toEqual(["demo-backup"]);
    expect(ofType("kubernetes:core/v1:PersistentVolumeClaim").map((c) => c.name)).toEqual(["demo-backup-data"]);
    const [config] = ofType("kubernetes:core/v1:ConfigMap");
    expect((config.inputs.data as Record<string, string>)["backup.conf"]).toBe("postgres=demo-db:5432/demo\n");
  });
});

describe("AppTier", () => {
  const names: ObjectNames = {
    name: "demo-api",
    labels: { app: "demo" },
    selector: { tier: "api" },
    podLabels: { tier: "api", app: "demo" },
  };
  const probe = { path: "/health", initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 };
  const args = {
    names,
    image: { namespace: "ns-tools", stream: "demo-api", tag: "dev" },
    port: 8080,
    replicas: 2,
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    workload: "DeploymentConfig" as const,
    commit: "",
    readOnlyRoot: { writable: [] },
    host: "demo.example.org",
    pathRoutes: [{ name: "demo-api-path", host: "web.example.org", path: "/api" }],
    env: [],
    readiness: probe,
    liveness: probe,
    adoption: NOT_ADOPTING,
  };
  type RouteSpec = { host: string; path?: string; to: { kind: string; name: string } };

  it("a DeploymentConfig tier: its Service targets the container port by number, its Routes reach that Service", async () => {
    const { AppTier } = await import("../components/app-tier");
    new AppTier("api", args);
    await settled();
    expect(ofType("kubernetes:apps.openshift.io/v1:DeploymentConfig").map((r) => r.name)).toEqual(["demo-api"]);
    expect(ofType("kubernetes:apps/v1:Deployment")).toEqual([]);
    const [service] = ofType("kubernetes:core/v1:Service");
    expect(service.inputs.spec).toMatchObject({ selector: { tier: "api" }, ports: [{ port: 8080, targetPort: 8080 }] });
    const routes = ofType("kubernetes:route.openshift.io/v1:Route").map((r) => r.inputs.spec as RouteSpec);
    expect(routes.map((r) => [r.host, r.path ?? "", r.to])).toEqual([
      ["demo.example.org", "", { kind: "Service", name: "demo-api", weight: 100 }],
      ["web.example.org", "/api", { kind: "Service", name: "demo-api", weight: 100 }],
    ]);
  });

  it("a Deployment tier declares a Deployment and no DeploymentConfig", async () => {
    const { AppTier } = await import("../components/app-tier");
    new AppTier("api", { ...args, workload: "Deployment", commit: "1a2b3c4" });
    await settled();
    expect(ofType("kubernetes:apps/v1:Deployment").map((r) => r.name)).toEqual(["demo-api"]);
    expect(ofType("kubernetes:apps.openshift.io/v1:DeploymentConfig")).toEqual([]);
  });

  it("refuses a path Route for the whole host", async () => {
    const { AppTier } = await import("../components/app-tier");
    expect(() => new AppTier("api", { ...args, pathRoutes: [{ name: "all", host: "web.example.org", path: "/" }] })).toThrow(
      'AppTier api: route all needs a path below "/" (got "/")',
    );
  });
});

describe("AppImage", () => {
  const args = {
    names: { name: "demo-api", labels: { app: "demo" } },
    git: { repository: "https://github.com/example/demo.git", ref: "main" },
    adoption: NOT_ADOPTING,
  };

  it("declares a tag for each promoted environment only, through the tag provider, from the commit's tag", async () => {
    const k8s = await import("@pulumi/kubernetes");
    const { AppImage } = await import("../components/app-image");
    const tagProvider = new k8s.Provider("image-tags", { enableServerSideApply: false });
    new AppImage("api-image", { ...args, promotions: { dev: "1a2b3c4", test: "" }, tagProvider, tagHooks: {} });
    await settled();
    const tags = ofType("kubernetes:image.openshift.io/v1:ImageStreamTag");
    expect(tags.map((t) => [t.name, (t.inputs.tag as { from: unknown }).from])).toEqual([
      ["demo-api:dev", { kind: "ImageStreamTag", name: "demo-api:1a2b3c4" }],
    ]);
    expect(tags[0].provider).toMatch(/::image-tags::/);
    const [stream] = ofType("kubernetes:image.openshift.io/v1:ImageStream");
    expect(stream.provider ?? "").not.toMatch(/image-tags/);
  });

  it("refuses a promotion that is not a commit, naming the environment", async () => {
    const k8s = await import("@pulumi/kubernetes");
    const { AppImage } = await import("../components/app-image");
    const tagProvider = new k8s.Provider("image-tags", { enableServerSideApply: false });
    expect(() => new AppImage("api-image", { ...args, promotions: { prod: "main" }, tagProvider, tagHooks: {} })).toThrow(
      /AppImage api-image: the prod commit .*\(got "main"\)/,
    );
  });
});
