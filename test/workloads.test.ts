import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { ENVIRONMENTS } from "../config";
import type { PlanEntry } from "../tools/evaluate/render";
import type { KubeObject } from "../tools/kube/object";
import { find, ofKind, planEntry, projectWith, registeredCount, render } from "./harness";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-only view of rendered YAML

const TIERS = ["hcap-server", "hcap-client"] as const;
const REGISTRY = "image-registry.openshift-image-registry.svc:5000";

/** A copy of the project with several stack files edited (`undefined` deletes a key). */
function projectWithAll(edits: Readonly<Record<string, Record<string, unknown>>>): string {
  const [first, ...rest] = Object.entries(edits);
  const dir = projectWith(first[0], first[1]);
  for (const [stack, edit] of rest) {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    const doc = parseDocument(fs.readFileSync(file, "utf8"));
    for (const [key, value] of Object.entries(edit)) doc.setIn(["config", key], value);
    fs.writeFileSync(file, doc.toString());
  }
  return dir;
}

const DC = { "hcap-infra:appWorkload": "DeploymentConfig" };
const PROMOTED = { "hcap-infra:devCommit": "1a2b3c4", "hcap-infra:testCommit": "5d6e7f8", "hcap-infra:prodCommit": "0123456" };

function podSpec(o: KubeObject): Obj {
  return (o.spec as Obj).template.spec;
}
function labelsMatch(selector: Obj, labels: Obj): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

describe.each(ENVIRONMENTS)("%s: the committed stack runs apps/v1 Deployments", (env) => {
  it("declares a Deployment for server and client and no DeploymentConfig", async () => {
    const { objects } = await render(env);
    for (const tier of TIERS) expect(find(objects, "Deployment", tier).apiVersion).toBe("apps/v1");
    expect(ofKind(objects, "DeploymentConfig")).toEqual([]);
  });

  it("appWorkload: DeploymentConfig declares the two DCs again and no app Deployment", async () => {
    const { objects } = await render(env, { projectDir: projectWith(env, DC) });
    for (const tier of TIERS) find(objects, "DeploymentConfig", tier);
    expect(ofKind(objects, "Deployment").map((o) => o.metadata.name)).toEqual(["hcap-backup-restore"]);
  });
});

describe("the Deployment's image is the commit the promotion recorded in Pulumi.tools.yaml", () => {
  it("runs <tools>/<stream>:<commit> for each tier, pods as configured", async () => {
    const { objects } = await render("test", { projectDir: projectWith("tools", PROMOTED) });
    for (const tier of TIERS) {
      const d = find(objects, "Deployment", tier);
      expect(podSpec(d).containers[0].image).toBe(`${REGISTRY}/f047a2-tools/${tier}:5d6e7f8`);
      expect((d.spec as Obj).replicas).toBe(2);
    }
  });

  it("re-promoting the previous commit gives back exactly the previous Deployment (rollback = re-promote)", async () => {
    const first = await render("prod", { projectDir: projectWith("tools", { "hcap-infra:prodCommit": "aaaaaaa" }) });
    const second = await render("prod", { projectDir: projectWith("tools", { "hcap-infra:prodCommit": "bbbbbbb" }) });
    const back = await render("prod", { projectDir: projectWith("tools", { "hcap-infra:prodCommit": "aaaaaaa" }), fresh: true });
    const server = (r: typeof first) => find(r.objects, "Deployment", "hcap-server");
    expect(podSpec(server(second)).containers[0].image).toContain(":bbbbbbb");
    expect(server(back)).toEqual(server(first));
  });

  it("before the first promotion there is no image to run: 0 pods, no PDB, no autoscaler", async () => {
    const { objects } = await render("prod", { projectDir: projectWith("prod", { "hcap-infra:serverAutoscaleMaxReplicas": 6 }) });
    for (const tier of TIERS) expect((find(objects, "Deployment", tier).spec as Obj).replicas).toBe(0);
    expect(ofKind(objects, "HorizontalPodAutoscaler")).toEqual([]);
    expect(ofKind(objects, "PodDisruptionBudget").map((o) => o.metadata.name)).toEqual(["hcap-patroni"]);
  });

  it("a malformed commit in the tools stack file is an error naming that file and key, and nothing is declared", async () => {
    const dir = projectWith("tools", { "hcap-infra:devCommit": "HEAD" });
    await expect(render("dev", { projectDir: dir })).rejects.toThrow(
      /Pulumi\.tools\.yaml: hcap-infra:devCommit: must be the 7-character short SHA/,
    );
    expect(registeredCount()).toBe(0);
  });
});

describe("no owned field that a controller rewrites", () => {
  it("the Deployment has no image-trigger annotation (nothing else writes image) and no pod-template annotations", async () => {
    const { objects } = await render("prod", { projectDir: projectWith("tools", PROMOTED) });
    for (const tier of TIERS) {
      const d = find(objects, "Deployment", tier);
      expect(d.metadata.annotations ?? {}).not.toHaveProperty("image.openshift.io/triggers");
      expect((d.spec as Obj).template.metadata).not.toHaveProperty("annotations");
    }
  });

  it("without an autoscaler the program owns replicas; with one, it neither declares them nor diffs them (ignoreChanges)", async () => {
    const off = await render("prod", { projectDir: projectWith("tools", PROMOTED) });
    expect((find(off.objects, "Deployment", "hcap-server").spec as Obj).replicas).toBe(3);
    expect(planEntry(off.plan, "Deployment", "hcap-server").ignoreChanges).toEqual([]);

    const dir = projectWithAll({
      tools: PROMOTED,
      prod: { "hcap-infra:serverAutoscaleMaxReplicas": 6, "hcap-infra:serverAutoscaleCpuPercent": 70 },
    });
    const on = await render("prod", { projectDir: dir });
    const server = find(on.objects, "Deployment", "hcap-server");
    expect(server.spec as Obj).not.toHaveProperty("replicas");
    expect(planEntry(on.plan, "Deployment", "hcap-server").ignoreChanges).toEqual(["spec.replicas"]);
    const hpa = find(on.objects, "HorizontalPodAutoscaler", "hcap-server").spec as Obj;
    expect(hpa.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: "hcap-server" });
    expect([hpa.minReplicas, hpa.maxReplicas]).toEqual([3, 6]);
    expect(hpa.metrics[0].resource.target).toEqual({ type: "Utilization", averageUtilization: 70 });
    // The client keeps its fixed count.
    expect((find(on.objects, "Deployment", "hcap-client").spec as Obj).replicas).toBe(2);
  });

  it("restore maintenance takes the server back to 0 pods it owns again (an autoscaler never scales 0)", async () => {
    const dir = projectWithAll({
      tools: PROMOTED,
      prod: { "hcap-infra:serverAutoscaleMaxReplicas": 6, "hcap-infra:maintenance": "restore" },
    });
    const { objects, plan } = await render("prod", { projectDir: dir });
    expect((find(objects, "Deployment", "hcap-server").spec as Obj).replicas).toBe(0);
    expect(planEntry(plan, "Deployment", "hcap-server").ignoreChanges).toEqual([]);
    expect(ofKind(objects, "HorizontalPodAutoscaler")).toEqual([]);
  });
});

describe("hardened pods (restricted-v2 without fixed IDs)", () => {
  it.each(TIERS)(
    "%s: no privilege, no capabilities, non-root, RuntimeDefault seccomp, read-only root, no token, no UID/GID",
    async (tier) => {
      const spec = podSpec(find((await render("prod", { projectDir: projectWith("tools", PROMOTED) })).objects, "Deployment", tier));
      const [c] = spec.containers;
      expect(c.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        seccompProfile: { type: "RuntimeDefault" },
      });
      expect(spec.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
      expect(spec.automountServiceAccountToken).toBe(false);
      const text = JSON.stringify(spec);
      for (const fixed of ["runAsUser", "runAsGroup", "fsGroup", "supplementalGroups", "privileged", "hostPath"])
        expect(text).not.toContain(fixed);
    },
  );

  it("every writable path is an emptyDir mounted where the image writes", async () => {
    const { objects } = await render("prod", { projectDir: projectWith("tools", PROMOTED) });
    const mounts = (tier: string) => {
      const spec = podSpec(find(objects, "Deployment", tier));
      const volumes = new Map((spec.volumes as Obj[]).map((v) => [v.name, v]));
      return (spec.containers[0].volumeMounts as Obj[]).map((m) => {
        expect(volumes.get(m.name)).toEqual({ name: m.name, emptyDir: {} });
        return m.mountPath;
      });
    };
    // UBI nginx: temp files, the log links its run script makes, the pid file.
    expect(mounts("hcap-client").sort()).toEqual(["/run", "/var/lib/nginx/tmp", "/var/log/nginx"]);
    expect(mounts("hcap-server")).toEqual(["/tmp"]);
    const server = podSpec(find(objects, "Deployment", "hcap-server")).containers[0];
    expect(server.env).toContainEqual({ name: "NPM_CONFIG_CACHE", value: "/tmp/.npm" });
  });

  it("the DeploymentConfig renders as before: no securityContext, volumes or affinity", async () => {
    const { objects } = await render("prod", { projectDir: projectWith("prod", DC) });
    const spec = podSpec(find(objects, "DeploymentConfig", "hcap-server"));
    for (const field of ["securityContext", "volumes", "affinity", "automountServiceAccountToken"]) expect(spec).not.toHaveProperty(field);
    expect(spec.containers[0]).not.toHaveProperty("securityContext");
  });
});

describe("PDB and anti-affinity only for a tier that runs more than one pod", () => {
  it("dev (1 server, 1 client): neither; prod (3 servers, 2 clients): both, selecting the tier's pods", async () => {
    const dev = (await render("dev", { projectDir: projectWith("tools", PROMOTED) })).objects;
    expect(ofKind(dev, "PodDisruptionBudget").map((o) => o.metadata.name)).toEqual(["hcap-patroni"]);
    for (const tier of TIERS) expect(podSpec(find(dev, "Deployment", tier))).not.toHaveProperty("affinity");

    const prod = (await render("prod", { projectDir: projectWith("tools", PROMOTED) })).objects;
    for (const tier of TIERS) {
      const pdb = find(prod, "PodDisruptionBudget", tier).spec as Obj;
      expect(pdb.maxUnavailable).toBe(1);
      const d = find(prod, "Deployment", tier);
      expect(labelsMatch(pdb.selector.matchLabels, (d.spec as Obj).template.metadata.labels)).toBe(true);
      const [term] = podSpec(d).affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution;
      expect(term.podAffinityTerm.topologyKey).toBe("kubernetes.io/hostname");
      expect(labelsMatch(term.podAffinityTerm.labelSelector.matchLabels, (d.spec as Obj).template.metadata.labels)).toBe(true);
      expect(podSpec(d).affinity.podAntiAffinity).not.toHaveProperty("requiredDuringSchedulingIgnoredDuringExecution");
    }
  });

  it("one pod that may autoscale to more gets both", async () => {
    const dir = projectWithAll({ tools: PROMOTED, dev: { "hcap-infra:clientAutoscaleMaxReplicas": 3 } });
    const { objects } = await render("dev", { projectDir: dir });
    find(objects, "PodDisruptionBudget", "hcap-client");
    expect(podSpec(find(objects, "Deployment", "hcap-client"))).toHaveProperty("affinity");
    expect(ofKind(objects, "PodDisruptionBudget").map((o) => o.metadata.name)).not.toContain("hcap-server");
  });
});

describe("config errors for workloads name the file and key", () => {
  it.each([
    [{ "hcap-infra:appWorkload": "Pod" }, /Pulumi\.dev\.yaml: hcap-infra:appWorkload: must be Deployment or DeploymentConfig/],
    [
      { ...DC, "hcap-infra:serverAutoscaleMaxReplicas": 4 },
      /hcap-infra:serverAutoscaleMaxReplicas: is 4, but only a Deployment is autoscaled/,
    ],
    [
      { "hcap-infra:clientAutoscaleMaxReplicas": 1 },
      /hcap-infra:clientAutoscaleMaxReplicas: must be more than hcap-infra:clientReplicas = 1/,
    ],
    [{ "hcap-infra:serverAutoscaleCpuPercent": 5 }, /hcap-infra:serverAutoscaleCpuPercent: must be 10 or more/],
    [
      { "hcap-infra:adopt": true },
      /hcap-infra:appWorkload: is Deployment while hcap-infra:adopt is true; adopt the template-made DeploymentConfigs first/,
    ],
  ])("%j", async (edit, message) => {
    await expect(render("dev", { projectDir: projectWith("dev", edit) })).rejects.toThrow(message);
    expect(registeredCount()).toBe(0);
  });
});

/**
 * The switch as `pulumi up` runs it: resources of the new program are created or updated in
 * dependency order (each create of a Deployment completes only once its pods are ready), and
 * resources no longer in the program are deleted after all of them. After every step, each
 * Service must select the ready pods of some workload that still exists.
 */
function switchOrder(before: readonly PlanEntry[], after: readonly PlanEntry[]): { op: "create" | "update" | "delete"; urn: string }[] {
  const known = new Set(before.map((e) => e.urn));
  const kept = new Set(after.map((e) => e.urn));
  const done = new Set<string>();
  const steps: { op: "create" | "update" | "delete"; urn: string }[] = [];
  const pending = [...after];
  while (pending.length > 0) {
    const i = pending.findIndex((e) => e.dependsOn.every((d) => done.has(d) || !after.some((a) => a.urn === d)));
    if (i < 0) throw new Error("dependency cycle");
    const [e] = pending.splice(i, 1);
    steps.push({ op: known.has(e.urn) ? "update" : "create", urn: e.urn });
    done.add(e.urn);
  }
  for (const e of before) if (!kept.has(e.urn)) steps.push({ op: "delete", urn: e.urn });
  return steps;
}

describe("migration DeploymentConfig -> Deployment without an empty Service", () => {
  it.each(["hcap-server", "hcap-client"])(
    "%s: Deployment ready before the DC goes; the Service always has ready pods behind it",
    async (tier) => {
      const tools = { tools: PROMOTED };
      const dcSide = await render("prod", { projectDir: projectWithAll({ ...tools, prod: DC }) });
      const dSide = await render("prod", { projectDir: projectWithAll(tools) });
      const urnOf = (plan: readonly PlanEntry[], type: string, name: string) => planEntry(plan, type, name).urn;
      const dcUrn = urnOf(dcSide.plan, "DeploymentConfig", tier);
      const deploymentUrn = urnOf(dSide.plan, "Deployment", tier);
      const serviceUrn = urnOf(dSide.plan, "Service", tier);

      // The Service itself does not change: same selector on both sides.
      const service = find(dSide.objects, "Service", tier);
      expect(find(dcSide.objects, "Service", tier)).toEqual(service);
      const selector = (service.spec as Obj).selector as Obj;
      const podsOf = { [dcUrn]: find(dcSide.objects, "DeploymentConfig", tier), [deploymentUrn]: find(dSide.objects, "Deployment", tier) };
      for (const w of Object.values(podsOf)) expect(labelsMatch(selector, (w.spec as Obj).template.metadata.labels)).toBe(true);
      // The port the Service targets exists on both kinds' pods.
      const targetPort = ((service.spec as Obj).ports as Obj[])[0].targetPort;
      for (const w of Object.values(podsOf)) {
        const ports = (w.spec as Obj).template.spec.containers[0].ports as Obj[];
        expect(ports.some((p) => p.name === targetPort || p.containerPort === targetPort)).toBe(true);
      }
      expect(planEntry(dSide.plan, "Service", tier).dependsOn).toContain(deploymentUrn);

      const steps = switchOrder(dcSide.plan, dSide.plan);
      const ready = new Set<string>([dcUrn]);
      let serviceExists = true;
      for (const step of steps) {
        if (step.op === "create" && step.urn === deploymentUrn) ready.add(deploymentUrn); // awaited by the provider
        if (step.op === "delete") ready.delete(step.urn);
        if (step.urn === serviceUrn) serviceExists = step.op !== "delete";
        if (serviceExists) expect([...ready], `after ${step.op} ${step.urn}`).not.toEqual([]);
      }
      const at = (op: string, urn: string) => steps.findIndex((s) => s.op === op && s.urn === urn);
      expect(at("create", deploymentUrn)).toBeGreaterThanOrEqual(0);
      expect(at("delete", dcUrn)).toBeGreaterThan(at("create", deploymentUrn));
      expect(at("update", serviceUrn)).toBeGreaterThan(at("create", deploymentUrn));
    },
  );

  it("switching back keeps the Deployment running (retainOnDelete) until the DC has rolled out", async () => {
    const { plan } = await render("prod");
    for (const tier of TIERS) expect(planEntry(plan, "Deployment", tier).retainOnDelete).toBe(true);
  });
});

describe("stack outputs", () => {
  it.each(ENVIRONMENTS)(
    "%s: URLs, namespace, commit and image per tier, database Service, backup schedule; nothing secret",
    async (env) => {
      const { ev, objects } = await render(env, {
        projectDir: projectWith("tools", PROMOTED),
        secrets: { keycloakApiSecret: "kc-out-secret" },
      });
      const commit = PROMOTED[`hcap-infra:${env}Commit`];
      const o = ev.outputs as Obj;
      expect(o.namespace).toBe(`f047a2-${env}`);
      expect(o.workload).toBe("Deployment");
      const route = find(objects, "Route", "hcap-server").spec as Obj;
      expect(o.server.url).toBe(`https://${route.host}`);
      expect(o.server.versionUrl).toBe(`https://${route.host}/api/v1/version`);
      for (const [key, tier] of [
        ["server", "hcap-server"],
        ["client", "hcap-client"],
      ] as const) {
        expect(o[key].commit).toBe(commit);
        expect(o[key].image).toBe(`${REGISTRY}/f047a2-tools/${tier}:${commit}`);
      }
      expect(o.database).toEqual({ service: "hcap-patroni", port: 5432 });
      find(objects, "Service", o.database.service);
      expect(o.backup.schedule).toBe("0 2 * * *");
      expect(o.backup.verifySchedule).toBe(env === "dev" ? null : "30 4 * * *");
      expect(JSON.stringify(o)).not.toContain("kc-out-secret");
    },
  );

  it("a DeploymentConfig environment reports the tag its trigger follows; an unpromoted one reports no commit", async () => {
    const dc = (await render("test", { projectDir: projectWithAll({ tools: PROMOTED, test: DC }) })).ev.outputs as Obj;
    expect(dc.workload).toBe("DeploymentConfig");
    expect(dc.server.image).toBe("f047a2-tools/hcap-server:test");
    expect(dc.server.commit).toBe("5d6e7f8");
    const fresh = (await render("test")).ev.outputs as Obj;
    expect([fresh.server.commit, fresh.server.image, fresh.client.commit]).toEqual([null, null, null]);
  });

  it("tools: every image stream and the commit each environment tag points at", async () => {
    const o = (await render("tools", { projectDir: projectWith("tools", { "hcap-infra:devCommit": "1a2b3c4" }) })).ev.outputs as Obj;
    expect(o.imageStreams).toEqual({
      server: "f047a2-tools/hcap-server",
      client: "f047a2-tools/hcap-client",
      patroni: "f047a2-tools/hcap-patroni",
      backup: "f047a2-tools/hcap-backup",
    });
    expect(o.environmentTags.dev).toEqual({
      commit: "1a2b3c4",
      tags: ["hcap-server:dev -> hcap-server:1a2b3c4", "hcap-client:dev -> hcap-client:1a2b3c4"],
    });
    expect(o.environmentTags.prod).toEqual({ commit: null, tags: [] });
  });
});

describe("npm run diff explains a workload switch step by step", () => {
  it("DC -> Deployment: create and wait, Service unchanged, DC deleted last; and the way back", async () => {
    const { switchesMarkdown, workloadSwitches } = await import("../tools/diff/workload-switch");
    const dcSide = (await render("test", { projectDir: projectWith("test", DC) })).objects;
    const dSide = (await render("test")).objects;
    const forward = workloadSwitches(dcSide, dSide);
    expect(forward).toEqual([
      { name: "hcap-client", from: "DeploymentConfig", to: "Deployment" },
      { name: "hcap-server", from: "DeploymentConfig", to: "Deployment" },
    ]);
    const text = switchesMarkdown(forward);
    const server = text.split("**hcap-server: DeploymentConfig → Deployment**")[1];
    expect(server).toMatch(/\n1\. create Deployment\/hcap-server .*waits until all its pods are ready/);
    expect(server).toMatch(/\n2\. .*Service\/hcap-server \(selector unchanged\)/);
    expect(server).toMatch(/\n3\. after every create and update, delete DeploymentConfig\/hcap-server/);
    expect(switchesMarkdown(workloadSwitches(dSide, dcSide))).toContain("oc delete deployment/hcap-server");
    expect(switchesMarkdown(workloadSwitches(dSide, dSide))).toBe("");
  });
});

describe("adopt-check: a namespace in either state", () => {
  const managed = { "app.kubernetes.io/managed-by": "pulumi" };
  const declared = (kind: string) => [
    { apiVersion: "v1", kind, name: "hcap-server", namespace: "f047a2-test", body: {}, ignoreChanges: [] },
  ];
  const live = (kind: string, labels: Record<string, string> = {}) => [
    { apiVersion: "v1", kind, metadata: { name: "hcap-server", labels } },
  ];

  it("the same kind live and declared: nothing to say", async () => {
    const { workloadFindings } = await import("../tools/adopt/workload");
    expect(workloadFindings(declared("Deployment"), live("Deployment", managed))).toEqual({ errors: [], notes: [] });
  });

  it("our Deployment live, DeploymentConfig declared: the way back, step by step (delete the retained Deployment by hand)", async () => {
    const { workloadFindings } = await import("../tools/adopt/workload");
    const { errors, notes } = workloadFindings(declared("DeploymentConfig"), live("Deployment", managed));
    expect(errors).toEqual([]);
    expect(notes[0]).toBe("Deployment/hcap-server -> DeploymentConfig/hcap-server: pulumi up switches the workload kind:");
    expect(notes.at(-1)).toContain("oc delete deployment/hcap-server");
  });

  it("a Deployment nobody made with this program, DeploymentConfig declared: an error, it would keep running", async () => {
    const { workloadFindings } = await import("../tools/adopt/workload");
    const { errors } = workloadFindings(declared("DeploymentConfig"), live("Deployment"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^Deployment\/hcap-server is live but not made by this program, .*keep running beside the new DeploymentConfig/,
    );
  });
});
