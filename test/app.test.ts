import { describe, expect, it } from "vitest";
import { ENVIRONMENTS } from "../config";
import { cpu, memory } from "../config/fields";
import { KEYCLOAK_SECRET_KEYS, PATRONI_SECRET_KEYS } from "../components/names";
import { toYaml, type KubeObject } from "../lib/render";
import { find, ofKind, projectWith, render } from "./harness";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-only view of rendered YAML

const COMMITS = { "hcap-infra:devCommit": "1a2b3c4", "hcap-infra:testCommit": "5d6e7f8", "hcap-infra:prodCommit": "0123456" };

function container(dc: KubeObject): Obj {
  const containers = (dc.spec as Obj).template.spec.containers as Obj[];
  expect(containers).toHaveLength(1);
  return containers[0];
}

describe("tools: build and promotion tags", () => {
  it("builds hcap-server from the repository's root Dockerfile into hcap-server:latest, on config change only", async () => {
    const { objects } = await render("tools");
    expect(find(objects, "ImageStream", "hcap-server").spec).toEqual({ lookupPolicy: { local: false } });
    const bc = find(objects, "BuildConfig", "hcap-server").spec as Obj;
    expect(bc.source).toEqual({ type: "Git", git: { uri: "https://github.com/bcgov/hcap.git", ref: "main" } });
    expect(bc.strategy).toEqual({ type: "Docker", dockerStrategy: { dockerfilePath: "Dockerfile" } });
    expect(bc.output).toEqual({ to: { kind: "ImageStreamTag", name: "hcap-server:latest" } });
    expect(bc.runPolicy).toBe("SerialLatestOnly");
    expect(bc.triggers).toEqual([{ type: "ConfigChange" }]);
    expect(bc.completionDeadlineSeconds).toBeGreaterThan(0);
  });

  it("the web client has no image of its own: hcap-server serves it", async () => {
    const { objects } = await render("tools");
    expect(ofKind(objects, "BuildConfig").map((o) => o.metadata.name)).toEqual(["hcap-server"]);
  });

  it("declares no environment tag while nothing is promoted, and one per promoted environment", async () => {
    expect(ofKind((await render("tools")).objects, "ImageStreamTag")).toEqual([]);
    const { objects } = await render("tools", { projectDir: projectWith("tools", COMMITS) });
    expect(ofKind(objects, "ImageStreamTag").map((o) => o.metadata.name).sort()).toEqual(["hcap-server:dev", "hcap-server:prod", "hcap-server:test"]);
    expect(find(objects, "ImageStreamTag", "hcap-server:prod").tag).toEqual({
      name: "prod",
      from: { kind: "ImageStreamTag", name: "hcap-server:0123456" },
      referencePolicy: { type: "Source" },
    });
  });

  it("the ImageStream never declares spec.tags, so CI's oc tag and the ImageStreamTags have one owner each", async () => {
    const { objects } = await render("tools", { projectDir: projectWith("tools", COMMITS) });
    for (const is of ofKind(objects, "ImageStream")) expect((is.spec as Obj).tags).toBeUndefined();
  });

  it("promoting one environment changes only that environment's tag", async () => {
    const before = (await render("tools", { projectDir: projectWith("tools", COMMITS) })).objects;
    const after = (await render("tools", { projectDir: projectWith("tools", { ...COMMITS, "hcap-infra:testCommit": "99aa99b" }) })).objects;
    const key = (o: KubeObject) => `${o.kind}/${o.metadata.name}`;
    expect(after.map(key)).toEqual(before.map(key));
    const changed = after.filter((o) => JSON.stringify(o) !== JSON.stringify(before.find((b) => key(b) === key(o))));
    expect(changed.map(key)).toEqual(["ImageStreamTag/hcap-server:test"]);
    expect((changed[0].tag as Obj).from.name).toBe("hcap-server:99aa99b");
  });

  it("lets every environment's service accounts pull from tools, under our own binding name", async () => {
    const rb = find((await render("tools")).objects, "RoleBinding", "hcap-image-pullers");
    expect(rb.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:image-puller" });
    expect((rb.subjects as Obj[]).map((s) => s.name)).toEqual(ENVIRONMENTS.map((e) => `system:serviceaccounts:f047a2-${e}`));
  });
});

describe.each(ENVIRONMENTS)("%s: application tier", (env) => {
  it("declares the DC, Service, Route, Keycloak Secret and NetworkPolicies", async () => {
    const { objects } = await render(env);
    for (const kind of ["DeploymentConfig", "Service", "Route"]) find(objects, kind, "hcap-server");
    find(objects, "Secret", "hcap-keycloak");
    expect(ofKind(objects, "NetworkPolicy").map((o) => o.metadata.name).sort()).toEqual([
      "hcap-allow-db-clients-to-patroni", "hcap-allow-patroni-cluster", "hcap-allow-router-to-hcap-server", "hcap-deny-by-default",
    ]);
  });

  it("the DC's trigger follows hcap-server:<env> in tools, and tools declares that tag once promoted", async () => {
    const dc = find((await render(env)).objects, "DeploymentConfig", "hcap-server");
    const [ict] = (dc.spec as Obj).triggers as Obj[];
    const from = ict.imageChangeParams.from;
    expect(from).toEqual({ kind: "ImageStreamTag", name: `hcap-server:${env}`, namespace: "f047a2-tools" });
    expect(ict.imageChangeParams.containerNames).toEqual([container(dc).name]);

    const tools = (await render("tools", { projectDir: projectWith("tools", COMMITS) })).objects;
    const tag = find(tools, "ImageStreamTag", from.name);
    expect(tag.metadata.namespace).toBe(from.namespace);
    const [stream] = String(from.name).split(":");
    find(tools, "ImageStream", stream);
  });

  it("every env reference resolves: Keycloak keys to the declared Secret, Postgres keys to the Patroni Secret's keys", async () => {
    const { objects } = await render(env);
    const env_ = container(find(objects, "DeploymentConfig", "hcap-server")).env as Obj[];
    const keycloak = find(objects, "Secret", "hcap-keycloak");
    const keycloakKeys = Object.keys(keycloak.stringData as Obj);
    expect(keycloakKeys.sort()).toEqual(Object.values(KEYCLOAK_SECRET_KEYS).sort());
    const refs = env_.filter((e) => e.valueFrom).map((e) => e.valueFrom.secretKeyRef as { name: string; key: string });
    expect(refs.length).toBe(10);
    for (const ref of refs) {
      if (ref.name === "hcap-keycloak") expect(keycloakKeys).toContain(ref.key);
      else {
        expect(ref.name).toBe("hcap-patroni");
        expect(Object.values(PATRONI_SECRET_KEYS)).toContain(ref.key);
      }
    }
    const plain = Object.fromEntries(env_.filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
    expect(plain).toEqual({ SERVER_PORT: "8080", POSTGRES_HOST: "hcap-patroni", POSTGRES_PORT: "5432" });
    // No MongoDB in this system: the old template's MONGO_* variables are gone.
    expect(env_.map((e) => e.name).filter((n) => n.startsWith("MONGO"))).toEqual([]);
  });

  it("the Route reaches the Service, the Service reaches the DC's pods on the container's named port", async () => {
    const { objects } = await render(env);
    const dc = find(objects, "DeploymentConfig", "hcap-server");
    const route = find(objects, "Route", "hcap-server").spec as Obj;
    const service = find(objects, "Service", route.to.name).spec as Obj;
    const servicePort = (service.ports as Obj[]).find((p) => p.name === route.port.targetPort);
    expect(servicePort).toBeDefined();
    const containerPort = (container(dc).ports as Obj[]).find((p) => p.name === servicePort?.targetPort);
    expect(containerPort?.containerPort).toBe(servicePort?.port);
    const podLabels = (dc.spec as Obj).template.metadata.labels;
    expect(podLabels).toMatchObject(service.selector);
    expect(podLabels).toMatchObject((dc.spec as Obj).selector);
    for (const probe of [container(dc).readinessProbe, container(dc).livenessProbe]) {
      expect(probe.httpGet.port).toBe(containerPort?.name);
    }
  });

  it("the Route is TLS-only: edge termination, plain HTTP redirected, 90 s router timeout", async () => {
    for (const route of ofKind((await render(env)).objects, "Route")) {
      expect((route.spec as Obj).tls).toEqual({ termination: "edge", insecureEdgeTerminationPolicy: "Redirect" });
      expect(route.metadata.annotations).toEqual({ "haproxy.router.openshift.io/timeout": "90s" });
    }
  });
});

describe("drift: the DC declares only what it owns, as the server stores it", () => {
  it.each(ENVIRONMENTS)("%s: no image, triggers exactly as declared, canonical quantities, no server-filled fields", async (env) => {
    const dc = find((await render(env)).objects, "DeploymentConfig", "hcap-server");
    const spec = dc.spec as Obj;
    const c = container(dc);
    expect(c).not.toHaveProperty("image");
    expect(spec.triggers).toEqual([
      { type: "ImageChange", imageChangeParams: { automatic: true, containerNames: ["hcap-server"], from: { kind: "ImageStreamTag", name: `hcap-server:${env}`, namespace: "f047a2-tools" } } },
      { type: "ConfigChange" },
    ]);
    for (const q of [c.resources.requests.cpu, c.resources.limits.cpu]) expect(cpu.safeParse(q).success, `cpu ${q}`).toBe(true);
    for (const q of [c.resources.requests.memory, c.resources.limits.memory]) expect(memory.safeParse(q).success, `memory ${q}`).toBe(true);
    expect(spec.strategy).toEqual({
      type: "Rolling",
      activeDeadlineSeconds: 21600,
      rollingParams: { intervalSeconds: 1, updatePeriodSeconds: 1, timeoutSeconds: 600, maxSurge: "25%", maxUnavailable: "25%" },
    });
    for (const field of ["terminationMessagePath", "terminationMessagePolicy"]) expect(c).not.toHaveProperty(field);
    for (const field of ["restartPolicy", "dnsPolicy", "schedulerName", "securityContext", "terminationGracePeriodSeconds"]) {
      expect(spec.template.spec).not.toHaveProperty(field);
    }
    expect(spec).not.toHaveProperty("test");
  });

  it("BuildConfig quantities are canonical too", async () => {
    const bc = find((await render("tools")).objects, "BuildConfig", "hcap-server").spec as Obj;
    for (const part of ["requests", "limits"]) {
      expect(cpu.safeParse(bc.resources[part].cpu).success).toBe(true);
      expect(memory.safeParse(bc.resources[part].memory).success).toBe(true);
    }
  });

  it("a real change still shows: replicas, resources and env come from config", async () => {
    const dir = projectWith("dev", { "hcap-infra:serverReplicas": 4, "hcap-infra:serverMemoryLimit": "768Mi" });
    const dc = find((await render("dev", { projectDir: dir })).objects, "DeploymentConfig", "hcap-server");
    expect((dc.spec as Obj).replicas).toBe(4);
    expect(container(dc).resources.limits.memory).toBe("768Mi");
  });
});

describe("operations", () => {
  it("restore maintenance scales the server to 0 and keeps its trigger", async () => {
    const dc = find((await render("prod", { projectDir: projectWith("prod", { "hcap-infra:maintenance": "restore" }) })).objects, "DeploymentConfig", "hcap-server");
    expect((dc.spec as Obj).replicas).toBe(0);
    expect(((dc.spec as Obj).triggers as Obj[]).map((t) => t.type)).toEqual(["ImageChange", "ConfigChange"]);
  });

  it("adopt imports the template-made DC, Service, Route and Keycloak Secret by name", async () => {
    const { plan } = await render("test", { projectDir: projectWith("test", { "hcap-infra:adopt": true }) });
    const imports = plan.filter((e) => e.import !== null).map((e) => e.import);
    for (const id of ["f047a2-test/hcap-server", "f047a2-test/hcap-keycloak"]) expect(imports).toContain(id);
    expect(imports.filter((id) => id === "f047a2-test/hcap-server")).toHaveLength(3);
  });

  it("Keycloak credentials never appear in the render or the plan", async () => {
    const secrets = { keycloakApiSecret: "kc-api-s3cret", keycloakSaUsername: "kc-sa-user-x", keycloakSaPassword: "kc-sa-pa55" };
    const { objects, plan } = await render("dev", { secrets });
    const text = toYaml(objects) + JSON.stringify(plan);
    for (const value of Object.values(secrets)) expect(text).not.toContain(value);
  });
});
