import { beforeAll, describe, expect, it } from "vitest";
import { ENVIRONMENTS } from "../config";
import { CLIENT_CSP, clientNginxConfig, INDEX_PLACEHOLDERS } from "../components/client-dockerfile";
import { KEYCLOAK_SECRET_KEYS, PATRONI_SECRET_KEYS } from "../components/names";
import { toYaml } from "../tools/evaluate/render";
import type { KubeObject } from "../tools/kube/object";
import { find, ofKind, projectWith, render } from "./harness";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-only view of rendered YAML

/** Both application tiers: the DC/Service/Route name and the ImageStream its trigger follows. */
const TIERS = ["hcap-server", "hcap-client"] as const;
const HOSTS = {
  dev: { server: "hcap-server-f047a2-dev.apps.gold.devops.gov.bc.ca", client: "hcap-f047a2-dev.apps.gold.devops.gov.bc.ca" },
  test: { server: "hcap-server-f047a2-test.apps.gold.devops.gov.bc.ca", client: "hcap-f047a2-test.apps.gold.devops.gov.bc.ca" },
  prod: { server: "hcap-server-f047a2-prod.apps.gold.devops.gov.bc.ca", client: "hcap-f047a2-prod.apps.gold.devops.gov.bc.ca" },
} as const;

const COMMITS = { "hcap-infra:devCommit": "1a2b3c4", "hcap-infra:testCommit": "5d6e7f8", "hcap-infra:prodCommit": "0123456" };

/** A render of `env` whose stack file chooses DeploymentConfig workloads (plus `edit`). */
function renderDc(env: string, edit: Record<string, unknown> = {}): ReturnType<typeof render> {
  return render(env, { projectDir: projectWith(env, { "hcap-infra:appWorkload": "DeploymentConfig", ...edit }) });
}

/**
 * A quantity as the API server writes it back (so a CustomResource's spec never drifts): whole
 * cores or millicores that are not whole cores; memory in binary units, never a multiple of 1024
 * of a smaller one. Written out here, independent of config/fields.ts.
 */
function isServerCpu(q: unknown): boolean {
  const m = /^([1-9]\d*)(m?)$/.exec(String(q));
  return m !== null && !(m[2] === "m" && Number(m[1]) % 1000 === 0);
}
function isServerMemory(q: unknown): boolean {
  const m = /^([1-9]\d*)(Ki|Mi|Gi|Ti)$/.exec(String(q));
  return m !== null && !(m[2] !== "Ti" && Number(m[1]) % 1024 === 0);
}

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

  it("builds hcap-client from the repository's client/ folder with the inline Dockerfile into hcap-client:latest", async () => {
    const { objects } = await render("tools");
    expect(
      ofKind(objects, "BuildConfig")
        .map((o) => o.metadata.name)
        .filter((n) => TIERS.some((t) => t === n))
        .sort(),
    ).toEqual(["hcap-client", "hcap-server"]);
    expect(find(objects, "ImageStream", "hcap-client").spec).toEqual({ lookupPolicy: { local: false } });
    const bc = find(objects, "BuildConfig", "hcap-client").spec as Obj;
    expect(bc.source).toEqual({
      type: "Git",
      git: { uri: "https://github.com/bcgov/hcap.git", ref: "main" },
      contextDir: "client",
      dockerfile: expect.stringMatching(/^FROM /),
    });
    // Its Node base comes through Artifactory's docker-remote, with the tools pull secret.
    expect(bc.strategy).toEqual({
      type: "Docker",
      dockerStrategy: { dockerfilePath: "Dockerfile", pullSecret: { name: "hcap-artifactory-pull" } },
    });
    expect(bc.output).toEqual({ to: { kind: "ImageStreamTag", name: "hcap-client:latest" } });
    expect(bc.runPolicy).toBe("SerialLatestOnly");
    expect(bc.triggers).toEqual([{ type: "ConfigChange" }]);
  });

  it("declares no environment tag while nothing is promoted, and one per promoted environment", async () => {
    expect(ofKind((await render("tools")).objects, "ImageStreamTag")).toEqual([]);
    const { objects } = await render("tools", { projectDir: projectWith("tools", COMMITS) });
    expect(
      ofKind(objects, "ImageStreamTag")
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(["hcap-client:dev", "hcap-client:prod", "hcap-client:test", "hcap-server:dev", "hcap-server:prod", "hcap-server:test"]);
    // Both tiers of an environment run the same commit.
    for (const stream of TIERS) {
      expect(find(objects, "ImageStreamTag", `${stream}:prod`).tag).toEqual({
        name: "prod",
        from: { kind: "ImageStreamTag", name: `${stream}:0123456` },
        referencePolicy: { type: "Source" },
      });
    }
  });

  it("the app ImageStreams never declare spec.tags, so CI's oc tag and the ImageStreamTags have one owner each", async () => {
    const { objects } = await render("tools", { projectDir: projectWith("tools", COMMITS) });
    for (const name of ["hcap-server", "hcap-client"]) expect((find(objects, "ImageStream", name).spec as Obj).tags).toBeUndefined();
  });

  it("promoting one environment changes only that environment's tags (server and client)", async () => {
    const before = (await render("tools", { projectDir: projectWith("tools", COMMITS) })).objects;
    const after = (await render("tools", { projectDir: projectWith("tools", { ...COMMITS, "hcap-infra:testCommit": "99aa99b" }) })).objects;
    const key = (o: KubeObject) => `${o.kind}/${o.metadata.name}`;
    expect(after.map(key)).toEqual(before.map(key));
    const changed = after.filter((o) => JSON.stringify(o) !== JSON.stringify(before.find((b) => key(b) === key(o))));
    expect(changed.map(key).sort()).toEqual(["ImageStreamTag/hcap-client:test", "ImageStreamTag/hcap-server:test"]);
    for (const o of changed) expect((o.tag as Obj).from.name).toBe(`${o.metadata.name.split(":")[0]}:99aa99b`);
  });
});

describe("the client image's Dockerfile (as the BuildConfig carries it)", () => {
  let dockerfile = "";
  beforeAll(async () => {
    dockerfile = String((find((await render("tools")).objects, "BuildConfig", "hcap-client").spec as Obj).source.dockerfile);
  });

  it("builds from pinned base images only: Node through Artifactory, then Red Hat's nginx", () => {
    const froms = dockerfile
      .split("\n")
      .filter((l) => l.startsWith("FROM "))
      .map((l) => l.split(/\s+/)[1]);
    expect(froms).toEqual([
      expect.stringMatching(/^artifacts\.developer\.gov\.bc\.ca\/docker-remote\/library\/node:/),
      expect.stringMatching(/^registry\.access\.redhat\.com\/ubi9\/nginx-/),
    ]);
    for (const image of froms) expect(image).toMatch(/^[a-z0-9.-]+\/[^:]+:(?!latest$)[\w.-]+$/);
  });

  it("serves the build stage's output and bakes in no API address (same origin)", () => {
    expect(dockerfile).toContain("RUN INLINE_RUNTIME_CHUNK=false npm run build");
    expect(dockerfile).toContain("COPY --from=build /client/build/ /opt/app-root/src/");
    expect(dockerfile).not.toContain("REACT_APP_API_URL");
  });

  it("falls back to index.html, whose nonce placeholder matches the CSP nonce of the same response", () => {
    const conf = clientNginxConfig();
    expect(conf).toContain("  try_files $uri /index.html;");
    const nonce = INDEX_PLACEHOLDERS.__CSP_NONCE__;
    expect(CLIENT_CSP).toContain(`script-src 'self' https://www2.gov.bc.ca 'nonce-${nonce}'`);
    expect(CLIENT_CSP).toContain(`style-src 'self' 'nonce-${nonce}'`);
    // index.html uses the placeholder as a JavaScript property name too: the value must be an identifier.
    expect(nonce.replace("$request_id", "0123abcd")).toMatch(/^[A-Za-z_$][\w$]*$/);
    for (const placeholder of Object.keys(INDEX_PLACEHOLDERS)) expect(conf.join("\n")).toContain(`sub_filter "${placeholder}"`);
  });

  it("writes the nginx snippet line for line through one single-quoted printf (shell-safe quoting)", () => {
    const run = dockerfile
      .replace(/\\\n/g, "")
      .split("\n")
      .find((l) => l.startsWith("RUN printf "));
    expect(run).toBeDefined();
    const words = [...String(run).matchAll(/'((?:[^']|'\\'')*)'/g)].map((m) => m[1].replace(/'\\''/g, "'"));
    expect(words).toEqual(["%s\\n", ...clientNginxConfig()]);
  });
});

describe.each(ENVIRONMENTS)("%s: application tier (appWorkload: DeploymentConfig)", (env) => {
  it("declares both DCs, Services and Routes, the /api Route, the Keycloak Secret and the NetworkPolicies", async () => {
    const { objects } = await renderDc(env);
    for (const tier of TIERS) for (const kind of ["DeploymentConfig", "Service", "Route"]) find(objects, kind, tier);
    find(objects, "Route", "hcap-client-api");
    find(objects, "Secret", "hcap-keycloak");
    expect(
      ofKind(objects, "NetworkPolicy")
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual([
      "hcap-allow-db-clients-to-patroni",
      "hcap-allow-patroni-cluster",
      "hcap-allow-router-to-hcap-client",
      "hcap-allow-router-to-hcap-server",
      "hcap-deny-by-default",
    ]);
  });

  it.each(TIERS)(
    "%s: the DC's trigger follows its <stream>:<env> tag in tools, and tools declares that tag once promoted",
    async (tier) => {
      const dc = find((await renderDc(env)).objects, "DeploymentConfig", tier);
      const [ict] = (dc.spec as Obj).triggers as Obj[];
      const from = ict.imageChangeParams.from;
      expect(from).toEqual({ kind: "ImageStreamTag", name: `${tier}:${env}`, namespace: "f047a2-tools" });
      expect(ict.imageChangeParams.containerNames).toEqual([container(dc).name]);

      const tools = (await render("tools", { projectDir: projectWith("tools", COMMITS) })).objects;
      const tag = find(tools, "ImageStreamTag", from.name);
      expect(tag.metadata.namespace).toBe(from.namespace);
      const [stream] = String(from.name).split(":");
      find(tools, "ImageStream", stream);
    },
  );

  it("every server env reference resolves: Keycloak keys to the declared Secret, Postgres keys to the Patroni Secret's keys", async () => {
    const { objects } = await renderDc(env);
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

  it("the client is a static build: no env, so no database or Keycloak credentials reach it", async () => {
    const c = container(find((await renderDc(env)).objects, "DeploymentConfig", "hcap-client"));
    expect(c).not.toHaveProperty("env");
    expect(c).not.toHaveProperty("envFrom");
  });

  it("every Route reaches a Service, which reaches one DC's pods on the container's port number", async () => {
    const { objects } = await renderDc(env);
    const routes = ofKind(objects, "Route");
    expect(routes.map((r) => r.metadata.name).sort()).toEqual(["hcap-client", "hcap-client-api", "hcap-server"]);
    for (const r of routes) {
      const route = r.spec as Obj;
      const service = find(objects, "Service", route.to.name).spec as Obj;
      const servicePort = (service.ports as Obj[]).find((p) => p.name === route.port.targetPort);
      expect(servicePort, r.metadata.name).toBeDefined();
      const dcs = ofKind(objects, "DeploymentConfig").filter((dc) => {
        const podLabels = (dc.spec as Obj).template.metadata.labels as Obj;
        return Object.entries(service.selector as Obj).every(([k, v]) => podLabels[k] === v);
      });
      expect(dcs.map((dc) => dc.metadata.name)).toEqual([route.to.name]);
      const dc = dcs[0];
      // A number, not the port's name: the adopted pods' ports are unnamed (components/ports.ts).
      const containerPort = (container(dc).ports as Obj[]).find((p) => p.containerPort === servicePort?.targetPort);
      expect(containerPort?.containerPort).toBe(servicePort?.port);
      expect((dc.spec as Obj).template.metadata.labels).toMatchObject((dc.spec as Obj).selector);
      for (const probe of [container(dc).readinessProbe, container(dc).livenessProbe]) {
        expect(probe.httpGet.port).toBe(containerPort?.name);
      }
    }
  });

  it("hosts: the server on serverHost, the client on clientHost, and /api on clientHost goes to the server", async () => {
    const { objects } = await renderDc(env);
    const spec = (name: string) => find(objects, "Route", name).spec as Obj;
    expect(spec("hcap-server")).toMatchObject({ host: HOSTS[env].server, to: { name: "hcap-server" } });
    expect(spec("hcap-server")).not.toHaveProperty("path");
    expect(spec("hcap-client")).toMatchObject({ host: HOSTS[env].client, to: { name: "hcap-client" } });
    expect(spec("hcap-client")).not.toHaveProperty("path");
    expect(spec("hcap-client-api")).toMatchObject({
      host: HOSTS[env].client,
      path: "/api",
      to: { kind: "Service", name: "hcap-server" },
      port: { targetPort: "web" },
    });
  });

  it("the router may reach the client's pods on their port", async () => {
    const policy = find((await renderDc(env)).objects, "NetworkPolicy", "hcap-allow-router-to-hcap-client").spec as Obj;
    expect(policy.podSelector).toEqual({ matchLabels: { name: "hcap-client" } });
    expect(policy.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { "network.openshift.io/policy-group": "ingress" } } }],
        ports: [{ protocol: "TCP", port: 8080 }],
      },
    ]);
  });

  it("every Route is TLS-only: edge termination, plain HTTP redirected, 90 s router timeout", async () => {
    const routes = ofKind((await renderDc(env)).objects, "Route");
    expect(routes).toHaveLength(3);
    for (const route of routes) {
      expect((route.spec as Obj).tls).toEqual({ termination: "edge", insecureEdgeTerminationPolicy: "Redirect" });
      expect(route.metadata.annotations).toEqual({ "haproxy.router.openshift.io/timeout": "90s" });
    }
  });
});

describe("drift: each DC declares only what it owns, as the server stores it", () => {
  const cases = ENVIRONMENTS.flatMap((env) => TIERS.map((tier) => [env, tier] as const));
  it.each(cases)("%s %s: no image, triggers exactly as declared, canonical quantities, no server-filled fields", async (env, tier) => {
    const dc = find((await renderDc(env)).objects, "DeploymentConfig", tier);
    const spec = dc.spec as Obj;
    const c = container(dc);
    expect(c).not.toHaveProperty("image");
    expect(spec.triggers).toEqual([
      {
        type: "ImageChange",
        imageChangeParams: {
          automatic: true,
          containerNames: [tier],
          from: { kind: "ImageStreamTag", name: `${tier}:${env}`, namespace: "f047a2-tools" },
        },
      },
      { type: "ConfigChange" },
    ]);
    for (const q of [c.resources.requests.cpu, c.resources.limits.cpu]) expect(isServerCpu(q), `cpu ${q}`).toBe(true);
    for (const q of [c.resources.requests.memory, c.resources.limits.memory]) expect(isServerMemory(q), `memory ${q}`).toBe(true);
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

  it.each(TIERS)("%s BuildConfig quantities are canonical too", async (tier) => {
    const bc = find((await render("tools")).objects, "BuildConfig", tier).spec as Obj;
    for (const part of ["requests", "limits"]) {
      expect(isServerCpu(bc.resources[part].cpu), `cpu ${bc.resources[part].cpu}`).toBe(true);
      expect(isServerMemory(bc.resources[part].memory), `memory ${bc.resources[part].memory}`).toBe(true);
    }
  });

  it.each([
    ["hcap-server", "server"],
    ["hcap-client", "client"],
  ] as const)("%s: a real change still shows: replicas and resources come from config", async (tier, prefix) => {
    const { objects } = await renderDc("dev", { [`hcap-infra:${prefix}Replicas`]: 4, [`hcap-infra:${prefix}MemoryLimit`]: "768Mi" });
    const dc = find(objects, "DeploymentConfig", tier);
    expect((dc.spec as Obj).replicas).toBe(4);
    expect(container(dc).resources.limits.memory).toBe("768Mi");
    // The other tier is untouched.
    const other = find(objects, "DeploymentConfig", TIERS.find((t) => t !== tier) ?? "");
    expect((other.spec as Obj).replicas).toBe(1);
  });
});

describe("operations", () => {
  it("restore maintenance scales the server to 0 and keeps its trigger; the client keeps running", async () => {
    const { objects } = await renderDc("prod", { "hcap-infra:maintenance": "restore", "hcap-infra:clientReplicas": 3 });
    const server = find(objects, "DeploymentConfig", "hcap-server");
    expect((server.spec as Obj).replicas).toBe(0);
    expect(((server.spec as Obj).triggers as Obj[]).map((t) => t.type)).toEqual(["ImageChange", "ConfigChange"]);
    expect((find(objects, "DeploymentConfig", "hcap-client").spec as Obj).replicas).toBe(3);
  });

  it("adopt imports the template-made DC, Service, Route and Keycloak Secret by name, and creates the client tier", async () => {
    const { plan } = await renderDc("test", { "hcap-infra:adopt": true });
    const imports = plan.filter((e) => e.import !== null).map((e) => e.import);
    for (const id of ["f047a2-test/hcap-server", "f047a2-test/hcap-keycloak"]) expect(imports).toContain(id);
    expect(imports.filter((id) => id === "f047a2-test/hcap-server")).toHaveLength(3);
    // The old templates never made a client tier or the /api Route: nothing there to import.
    expect(imports.filter((id) => String(id).includes("hcap-client"))).toEqual([]);
  });

  it("Keycloak credentials never appear in the render or the plan", async () => {
    const secrets = { keycloakApiSecret: "kc-api-s3cret", keycloakSaUsername: "kc-sa-user-x", keycloakSaPassword: "kc-sa-pa55" };
    const { objects, plan } = await render("dev", { secrets });
    const text = toYaml(objects) + JSON.stringify(plan);
    for (const value of Object.values(secrets)) expect(text).not.toContain(value);
  });
});

describe("DeploymentConfig start-up and field ownership", () => {
  it("the server gets a startup probe long enough for its migrations before liveness may restart it", async () => {
    const dc = find((await renderDc("prod")).objects, "DeploymentConfig", "hcap-server") as Obj;
    const container = dc.spec.template.spec.containers[0];
    expect(container.startupProbe.httpGet).toEqual({ path: "/api/v1/version", port: "web", scheme: "HTTP" });
    expect(container.startupProbe.periodSeconds * container.startupProbe.failureThreshold).toBeGreaterThanOrEqual(600);
  });

  it("both DCs re-assert their triggers over the trigger controller's ownership (patchForce on the DC only)", async () => {
    const { objects } = await renderDc("dev");
    for (const name of ["hcap-server", "hcap-client"]) {
      expect(find(objects, "DeploymentConfig", name).metadata.annotations).toEqual({ "pulumi.com/patchForce": "true" });
    }
    for (const kind of ["Service", "Route"]) {
      expect(find(objects, kind, "hcap-server").metadata.annotations ?? {}).not.toHaveProperty("pulumi.com/patchForce");
    }
  });
});
