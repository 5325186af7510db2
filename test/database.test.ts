import { describe, expect, it } from "vitest";
import { ENVIRONMENTS } from "../config";
import { PATRONI_SECRET_KEYS } from "../components/names";
import type { DeclaredResource, StackEvaluation } from "../tools/evaluate/evaluate";
import { SecretValue } from "../tools/kube/secret";
import { toYaml } from "../tools/evaluate/render";
import type { KubeObject } from "../tools/kube/object";
import { configError, find, ofKind, planEntry, projectWith, registeredCount, render, type Rendered } from "./harness";

const SECRET = "hcap-patroni";
const PASSWORD_NAMES = ["hcap-patroni-superuser-password", "hcap-patroni-replication-password", "hcap-patroni-app-password"];
const RANDOM = "random:index/randomPassword:RandomPassword";

/** Values a stack supplies when it adopts a live database (known fakes, to look for in the output). */
const ADOPTED = {
  patroniSuperuserPassword: "FakeSuperuser0123456789abcdefABCD",
  patroniReplicationPassword: "FakeReplication0123456789abcdefAB",
  patroniAppPassword: "FakeApp0123456789abcdefABCDEFGHIJ",
};

type Obj = Record<string, unknown>;
const at = (o: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>((x, k) => (x === null || x === undefined ? undefined : (x as Obj)[k as string]), o);

function statefulSet(objects: readonly KubeObject[]): Obj {
  return find(objects, "StatefulSet", SECRET).spec as Obj;
}
function podSpec(objects: readonly KubeObject[]): Obj {
  return at(statefulSet(objects), "template", "spec") as Obj;
}
function container(objects: readonly KubeObject[]): Obj {
  return (podSpec(objects).containers as Obj[]).find((c) => c.name === "postgresql") as Obj;
}
type Env = { name: string; value?: string; valueFrom?: Obj };
function envOf(objects: readonly KubeObject[]): Env[] {
  return container(objects).env as Env[];
}

/** The declared resource (inputs as the engine receives them, secrets unredacted). */
function declared(ev: StackEvaluation, type: string, name: string): DeclaredResource {
  const hits = ev.resources.filter((r) => r.type === type && r.name === name);
  if (hits.length !== 1) throw new Error(`expected one ${type} ${name}, found ${hits.length}`);
  return hits[0];
}

/** The Secret's stringData as it is sent to the cluster (the test may look; renders never show it). */
function secretData(ev: StackEvaluation): Record<string, string> {
  const data = declared(ev, "kubernetes:core/v1:Secret", SECRET).inputs.stringData;
  expect(data).toBeInstanceOf(SecretValue);
  return (data as SecretValue).value as Record<string, string>;
}

function rendered(r: Rendered): string {
  return toYaml(r.objects) + JSON.stringify(r.plan);
}

async function adoptingRender(stack: string): Promise<Rendered> {
  return render(stack, {
    projectDir: projectWith(stack, { "hcap-infra:adopt": true, "hcap-infra:appWorkload": "DeploymentConfig" }),
    secrets: ADOPTED,
  });
}

describe.each(ENVIRONMENTS)("the %s database", (env) => {
  it("declares the Secret, Patroni's RBAC, the StatefulSet, the leader Service and a PodDisruptionBudget", async () => {
    const { objects } = await render(env);
    expect(Object.keys(find(objects, "Secret", SECRET).stringData as Obj).sort()).toEqual(Object.values(PATRONI_SECRET_KEYS).sort());
    find(objects, "ServiceAccount", SECRET);
    const rules = find(objects, "Role", SECRET).rules as { resources: string[]; verbs: string[] }[];
    const verbsOn = (resource: string) =>
      rules
        .filter((r) => r.resources.includes(resource))
        .flatMap((r) => r.verbs)
        .sort();
    for (const resource of ["configmaps", "endpoints", "services"]) {
      // deletecollection on Patroni's own ConfigMaps/Endpoints: `patronictl remove` needs it.
      expect(verbsOn(resource)).toEqual(
        resource === "services"
          ? ["create", "delete", "get", "list", "patch", "update", "watch"]
          : ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
      );
    }
    expect(verbsOn("pods")).toEqual(["get", "list", "patch", "update", "watch"]);
    expect(find(objects, "PodDisruptionBudget", SECRET).spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { statefulset: "hcap-patroni" } },
    });
    expect(find(objects, "Service", SECRET).spec).toMatchObject({
      type: "ClusterIP",
      selector: { "cluster-name": "hcap-patroni", "app.kubernetes.io/name": "patroni", role: "master" },
      ports: [{ port: 5432, targetPort: 5432 }],
    });
  });

  it("every reference of the StatefulSet resolves to an object the program declares", async () => {
    const { objects } = await render(env);
    const sts = statefulSet(objects);
    const template = at(sts, "template") as Obj;
    const podLabels = at(template, "metadata", "labels") as Record<string, string>;

    // Every secretKeyRef names the declared Secret and one of its keys.
    const refs = envOf(objects)
      .map((e) => at(e, "valueFrom", "secretKeyRef") as { name: string; key: string } | undefined)
      .filter((r) => r !== undefined);
    expect(refs.length).toBe(7);
    for (const ref of refs) {
      expect(Object.keys(find(objects, "Secret", ref.name).stringData as Obj)).toContain(ref.key);
    }
    find(objects, "ServiceAccount", podSpec(objects).serviceAccountName as string);
    find(objects, "Service", sts.serviceName as string);
    const roleBinding = find(objects, "RoleBinding", SECRET);
    find(objects, "Role", at(roleBinding, "roleRef", "name") as string);
    find(objects, "ServiceAccount", at(roleBinding, "subjects", 0, "name") as string);

    // The selector picks the pod template; the leader Service picks it plus Patroni's run-time role.
    expect(podLabels).toMatchObject(at(sts, "selector", "matchLabels") as Obj);
    const { role, ...leaderLabels } = at(find(objects, "Service", SECRET), "spec", "selector") as Record<string, string>;
    expect(role).toBe("master");
    expect(podLabels).toMatchObject(leaderLabels);
    expect(podLabels).toMatchObject(at(find(objects, "PodDisruptionBudget", SECRET), "spec", "selector", "matchLabels") as Obj);
    // Patroni finds its members by PATRONI_KUBERNETES_LABELS: the pods must carry them.
    const patroniLabels = JSON.parse(envOf(objects).find((e) => e.name === "PATRONI_KUBERNETES_LABELS")?.value ?? "{}") as Obj;
    expect(podLabels).toMatchObject(patroniLabels);
    // The named target port exists on the container.
    const ports = container(objects).ports as { name: string; containerPort: number }[];
    expect(ports.find((p) => p.name === "postgresql")?.containerPort).toBe(5432);
    expect(ports.find((p) => p.containerPort === 8008)).toBeDefined();
  });

  it("runs the tools image stream tag through the internal registry, which tools lets this namespace pull", async () => {
    const { objects } = await render(env);
    const tools = await render("tools");
    const image = container(objects).image as string;
    const m = /^image-registry\.openshift-image-registry\.svc:5000\/([^/]+)\/([^:]+):(.+)$/.exec(image);
    expect(m, image).not.toBeNull();
    const [, namespace, stream, tag] = m as RegExpExecArray;
    const imageStream = find(tools.objects, "ImageStream", stream);
    expect(imageStream.metadata.namespace).toBe(namespace);
    expect((at(imageStream, "spec", "tags") as { name: string }[]).map((t) => t.name)).toContain(tag);
    const grants = ofKind(tools.objects, "RoleBinding").filter((b) =>
      (b.subjects as { kind: string; name: string }[]).some((s) => s.kind === "Group" && s.name === `system:serviceaccounts:f047a2-${env}`),
    );
    expect(grants.map((g) => at(g, "roleRef", "name"))).toEqual(["system:image-puller"]);
  });

  it("passes the full Patroni environment, credentials only by secretKeyRef", async () => {
    const { objects } = await render(env);
    const byName = Object.fromEntries(envOf(objects).map((e) => [e.name, e]));
    expect(Object.keys(byName)).toEqual([
      "POD_IP",
      "PATRONI_KUBERNETES_NAMESPACE",
      "PATRONI_KUBERNETES_LABELS",
      "PATRONI_SUPERUSER_USERNAME",
      "PATRONI_SUPERUSER_PASSWORD",
      "PATRONI_REPLICATION_USERNAME",
      "PATRONI_REPLICATION_PASSWORD",
      "APP_USER",
      "APP_PASSWORD",
      "APP_DATABASE",
      "PATRONI_SCOPE",
      "PATRONI_NAME",
      "PATRONI_LOG_LEVEL",
      "PATRONI_POSTGRESQL_DATA_DIR",
      "PATRONI_POSTGRESQL_PGPASS",
      "PATRONI_POSTGRESQL_LISTEN",
      "PATRONI_RESTAPI_LISTEN",
    ]);
    for (const [name, e] of Object.entries(byName)) {
      if (/PASSWORD|USER|DATABASE/.test(name)) expect(e.value, name).toBeUndefined();
    }
    expect(at(byName.PATRONI_NAME, "valueFrom", "fieldRef", "fieldPath")).toBe("metadata.name");
    expect(at(byName.POD_IP, "valueFrom", "fieldRef", "fieldPath")).toBe("status.podIP");
    expect(byName.PATRONI_SCOPE.value).toBe("hcap-patroni");
    expect(JSON.parse(byName.PATRONI_KUBERNETES_LABELS.value ?? "")).toEqual({
      "cluster-name": "hcap-patroni",
      "app.kubernetes.io/name": "patroni",
    });
    expect(byName.PATRONI_POSTGRESQL_DATA_DIR.value).toBe("/home/postgres/pgdata/pgroot/data");
    expect(container(objects).readinessProbe).toEqual({
      exec: { command: ["/usr/share/scripts/patroni/health_check.sh"] },
      initialDelaySeconds: 5,
      timeoutSeconds: 5,
      failureThreshold: 4,
    });
    expect(at(podSpec(objects), "affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution", 0, "topologyKey")).toBe(
      "kubernetes.io/hostname",
    );
  });

  it("keeps the immutable parts of the StatefulSet as the live one has them", async () => {
    const { objects, plan } = await render(env);
    const sts = statefulSet(objects);
    expect(sts.selector).toEqual({ matchLabels: { statefulset: "hcap-patroni" } });
    expect(sts.serviceName).toBe("hcap-patroni");
    expect(sts.podManagementPolicy).toBe("OrderedReady");
    expect(sts.volumeClaimTemplates).toEqual([
      {
        metadata: { name: "postgresql", annotations: { "volume.beta.kubernetes.io/storage-class": "netapp-block-standard" } },
        spec: { storageClassName: "netapp-block-standard", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
      },
    ]);
    expect(sts.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
    // The engine never diffs the volume claim template, so it can never become a replace.
    expect(planEntry(plan, "kubernetes:apps/v1:StatefulSet", SECRET).ignoreChanges).toEqual(["spec.volumeClaimTemplates"]);
  });

  it("does not declare or fight what Patroni writes at run time", async () => {
    const { objects } = await render(env);
    const configMaps = ofKind(objects, "ConfigMap").map((c) => c.metadata.name);
    for (const own of ["leader", "config", "failover", "sync"]) expect(configMaps).not.toContain(`hcap-patroni-${own}`);
    expect(ofKind(objects, "Endpoints")).toEqual([]);
    const templateMeta = at(statefulSet(objects), "template", "metadata") as Obj;
    expect(Object.keys(templateMeta.labels as Obj)).not.toContain("role");
    expect(templateMeta.annotations).toBeUndefined();
  });
});

describe("passwords", () => {
  it("are generated once, alphanumeric, and never regenerated by a change of length or charset", async () => {
    const { ev } = await render("prod");
    for (const name of PASSWORD_NAMES) {
      const r = declared(ev, RANDOM, name);
      expect(r.inputs).toMatchObject({ length: 32, special: false, upper: true, lower: true, numeric: true });
      expect(r.inputs.keepers).toBeUndefined();
      expect(r.options.ignoreChanges).toEqual([
        "length",
        "lower",
        "minLower",
        "minNumeric",
        "minSpecial",
        "minUpper",
        "numeric",
        "overrideSpecial",
        "special",
        "upper",
      ]);
    }
  });

  it("are stable across two evaluations and reach the Secret, never the render or the plan", async () => {
    const a = await render("test");
    const b = await render("test", { fresh: true });
    expect(secretData(b.ev)).toEqual(secretData(a.ev));
    const data = secretData(a.ev);
    expect(data[PATRONI_SECRET_KEYS.superuserPassword]).toBe("offline-hcap-patroni-superuser-password");
    expect(data[PATRONI_SECRET_KEYS.replicationPassword]).toBe("offline-hcap-patroni-replication-password");
    expect(data[PATRONI_SECRET_KEYS.appPassword]).toBe("offline-hcap-patroni-app-password");
    expect(data[PATRONI_SECRET_KEYS.superuserUsername]).toBe("postgres");
    expect(data[PATRONI_SECRET_KEYS.replicationUsername]).toBe("replication");
    expect(data[PATRONI_SECRET_KEYS.appUsername]).toBe("hcap");
    expect(data[PATRONI_SECRET_KEYS.databaseName]).toBe("hcap");
    for (const name of PASSWORD_NAMES) expect(rendered(a)).not.toContain(`offline-${name}`);
  });

  it("adopting: the stack's own secret values fill the Secret, no RandomPassword is declared, nothing leaks", async () => {
    const r = await adoptingRender("prod");
    expect(r.ev.resources.filter((x) => x.type === RANDOM)).toEqual([]);
    expect(secretData(r.ev)).toMatchObject({
      [PATRONI_SECRET_KEYS.superuserPassword]: ADOPTED.patroniSuperuserPassword,
      [PATRONI_SECRET_KEYS.replicationPassword]: ADOPTED.patroniReplicationPassword,
      [PATRONI_SECRET_KEYS.appPassword]: ADOPTED.patroniAppPassword,
    });
    for (const value of Object.values(ADOPTED)) expect(rendered(r)).not.toContain(value);
  });

  it("a password set as a config secret without adopting, while the passwords are generated, is refused", async () => {
    await expect(render("dev", { secrets: { patroniAppPassword: ADOPTED.patroniAppPassword } })).rejects.toThrow(
      "hcap-infra:patroniAppPassword: is set, but hcap-infra:patroniPasswords is generated",
    );
    expect(registeredCount()).toBe(0);
  });

  it("with patroniPasswords: supplied the three config secrets fill the Secret and no RandomPassword is declared", async () => {
    const r = await render("dev", { projectDir: projectWith("dev", { "hcap-infra:patroniPasswords": "supplied" }), secrets: ADOPTED });
    expect(r.ev.resources.filter((x) => x.type === RANDOM)).toEqual([]);
    expect(secretData(r.ev)[PATRONI_SECRET_KEYS.appPassword]).toBe(ADOPTED.patroniAppPassword);
    expect(rendered(r)).not.toContain(ADOPTED.patroniAppPassword);
  });
});

describe("protection", () => {
  it.each(["test", "prod"])("%s protects the StatefulSet, the Secret and the passwords", async (env) => {
    const { plan } = await render(env);
    for (const [type, name] of [
      ["kubernetes:apps/v1:StatefulSet", SECRET],
      ["kubernetes:core/v1:Secret", SECRET],
      ...PASSWORD_NAMES.map((n) => [RANDOM, n]),
    ]) {
      expect(planEntry(plan, type, name).protect, `${type} ${name}`).toBe(true);
    }
    expect(planEntry(plan, "kubernetes:apps/v1:StatefulSet", SECRET).retainOnDelete).toBe(true);
    expect(planEntry(plan, "kubernetes:core/v1:Secret", SECRET).retainOnDelete).toBe(true);
  });

  it("dev does not protect them, but still retains the StatefulSet and the Secret on delete", async () => {
    const { plan } = await render("dev");
    expect(planEntry(plan, "kubernetes:apps/v1:StatefulSet", SECRET).protect).toBe(false);
    expect(planEntry(plan, "kubernetes:core/v1:Secret", SECRET).protect).toBe(false);
    for (const name of PASSWORD_NAMES) expect(planEntry(plan, RANDOM, name).protect).toBe(false);
    expect(planEntry(plan, "kubernetes:apps/v1:StatefulSet", SECRET).retainOnDelete).toBe(true);
    expect(planEntry(plan, "kubernetes:core/v1:Secret", SECRET).retainOnDelete).toBe(true);
  });

  it("adopting imports what the templates created and creates the PodDisruptionBudget", async () => {
    const { plan } = await adoptingRender("test");
    for (const type of [
      "apps/v1:StatefulSet",
      "core/v1:Secret",
      "core/v1:Service",
      "core/v1:ServiceAccount",
      "rbac.authorization.k8s.io/v1:Role",
      "rbac.authorization.k8s.io/v1:RoleBinding",
    ]) {
      expect(planEntry(plan, `kubernetes:${type}`, SECRET).import, type).toBe("f047a2-test/hcap-patroni");
    }
    expect(planEntry(plan, "kubernetes:policy/v1:PodDisruptionBudget", SECRET).import).toBeNull();
  });
});

describe("changes Kubernetes cannot apply to a StatefulSet in place fail with what to do instead", () => {
  it("a bigger volume: grow the PVCs", async () => {
    const e = await configError("prod", { "hcap-infra:patroniVolumeSize": "5Gi" });
    expect(e.message).toContain(
      "Pulumi.prod.yaml: hcap-infra:patroniVolumeSize: is 5Gi, but the hcap-patroni StatefulSet's volume claim template was created with 1Gi (hcap-infra:patroniVolumeLock)",
    );
    expect(e.message).toContain(
      `oc -n f047a2-prod patch pvc postgresql-hcap-patroni-<ordinal> -p '{"spec":{"resources":{"requests":{"storage":"5Gi"}}}}'`,
    );
  });

  it("a smaller volume: NetApp volumes cannot shrink", async () => {
    const e = await configError("dev", { "hcap-infra:patroniVolumeSize": "512Mi" });
    expect(e.message).toContain("hcap-infra:patroniVolumeSize: is 512Mi, but");
    expect(e.message).toContain("NetApp volumes cannot shrink");
  });

  it("another storage class", async () => {
    const e = await configError("test", { "hcap-infra:patroniStorageClass": "netapp-file-standard" });
    expect(e.message).toContain(
      "Pulumi.test.yaml: hcap-infra:patroniStorageClass: is netapp-file-standard, but the hcap-patroni StatefulSet's volume claim template was created with netapp-block-standard",
    );
    expect(e.message).toContain("a volume cannot change class");
  });

  it("a malformed lock", async () => {
    const e = await configError("dev", { "hcap-infra:patroniVolumeLock": "1Gi" });
    expect(e.message).toContain(
      'hcap-infra:patroniVolumeLock: must be none or <size>/<storage class> as the StatefulSet was created, e.g. 1Gi/netapp-block-standard (got "1Gi")',
    );
  });

  it("a namespace without a database yet (lock none) creates the volumes as configured", async () => {
    const { objects } = await render("dev", {
      projectDir: projectWith("dev", { "hcap-infra:patroniVolumeLock": "none", "hcap-infra:patroniVolumeSize": "5Gi" }),
    });
    expect(at(statefulSet(objects), "volumeClaimTemplates", 0, "spec", "resources", "requests", "storage")).toBe("5Gi");
  });

  it("a lock recording the new template allows it", async () => {
    const { objects } = await render("prod", {
      projectDir: projectWith("prod", {
        "hcap-infra:patroniVolumeLock": "2Gi/netapp-file-standard",
        "hcap-infra:patroniVolumeSize": "2Gi",
        "hcap-infra:patroniStorageClass": "netapp-file-standard",
      }),
    });
    expect(at(statefulSet(objects), "volumeClaimTemplates", 0, "spec")).toEqual({
      storageClassName: "netapp-file-standard",
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: "2Gi" } },
    });
  });
});

describe("each environment runs the database as configured", () => {
  it("replicas: 3 in test and prod, 2 in dev, 1 during a restore", async () => {
    expect(statefulSet((await render("prod")).objects).replicas).toBe(3);
    expect(statefulSet((await render("test")).objects).replicas).toBe(3);
    expect(statefulSet((await render("dev")).objects).replicas).toBe(2);
    const restore = await render("prod", { projectDir: projectWith("prod", { "hcap-infra:maintenance": "restore" }) });
    expect(statefulSet(restore.objects).replicas).toBe(1);
  });

  it("resources come from each stack's config", async () => {
    expect(container((await render("prod")).objects).resources).toEqual({
      requests: { cpu: "250m", memory: "1Gi" },
      limits: { cpu: "1", memory: "2Gi" },
    });
    expect(container((await render("dev")).objects).resources).toEqual({
      requests: { cpu: "100m", memory: "256Mi" },
      limits: { cpu: "500m", memory: "512Mi" },
    });
  });

  it("patroniReplicas scales the StatefulSet", async () => {
    const { objects } = await render("test", { projectDir: projectWith("test", { "hcap-infra:patroniReplicas": 5 }) });
    expect(statefulSet(objects).replicas).toBe(5);
  });
});

describe("tools", () => {
  it("imports the published Patroni image as hcap-patroni:<patroniImageTag>, pulled through the internal registry", async () => {
    const { objects } = await render("tools");
    expect(find(objects, "ImageStream", "hcap-patroni").spec).toEqual({
      lookupPolicy: { local: false },
      tags: [
        {
          name: "12.4",
          from: { kind: "DockerImage", name: "artifacts.developer.gov.bc.ca/bcgov-docker-local/patroni-postgres:2.0.1-12.4-latest" },
          referencePolicy: { type: "Local" },
        },
      ],
    });
  });

  it("grants system:image-puller to the service accounts of dev, test and prod under our own binding names", async () => {
    const { objects } = await render("tools");
    const bindings = ofKind(objects, "RoleBinding").filter((b) => at(b, "roleRef", "name") === "system:image-puller");
    expect(bindings.map((b) => b.metadata.name).sort()).toEqual([
      "hcap-image-puller-f047a2-dev",
      "hcap-image-puller-f047a2-prod",
      "hcap-image-puller-f047a2-test",
    ]);
    for (const b of bindings) {
      expect(b.metadata.namespace).toBe("f047a2-tools");
      expect(b.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:image-puller" });
      expect(b.subjects).toEqual([
        {
          apiGroup: "rbac.authorization.k8s.io",
          kind: "Group",
          name: `system:serviceaccounts:${b.metadata.name.replace("hcap-image-puller-", "")}`,
        },
      ]);
    }
    expect(bindings.map((b) => b.metadata.name)).not.toContain("system:image-pullers");
  });

  it("the tools stack declares no database", async () => {
    const { objects } = await render("tools");
    expect(ofKind(objects, "StatefulSet")).toEqual([]);
    expect(ofKind(objects, "Secret")).toEqual([]);
  });
});
