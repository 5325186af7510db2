import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fileSources, stackSources } from "../tools/check/load";
import type { KubeObject } from "../tools/kube/object";
import { PLATFORM_POLICIES } from "../tools/check/policies";
import { RULES, runCheck, type CheckReport, type CheckSource } from "../tools/check/run";
import { OpenApiDocument } from "../tools/check/schema";
import * as specs from "../tools/cli/commands/specs";
import { PROJECT_DIR } from "../tools/cli/project";
import { runInProcess } from "./cli-harness";

const FIXTURES = path.join(__dirname, "fixtures", "check");
/** The shared OpenShift OpenAPI document, beside the project (as CI has it). */
const SHARED_OPENAPI = path.resolve(PROJECT_DIR, "..", "shared", "schemas", "openshift-openapi.json");
const HAVE_OPENAPI = fs.existsSync(SHARED_OPENAPI);
const NO_OPENAPI = `skipped: ${SHARED_OPENAPI} is absent`;

let openapi: OpenApiDocument | undefined;
beforeAll(() => {
  if (HAVE_OPENAPI) openapi = OpenApiDocument.load(SHARED_OPENAPI);
});

function sources(...files: string[]): CheckSource[] {
  return fileSources(files.map((f) => path.join(FIXTURES, f)));
}

/** `kind/name at path` of every finding of `rule`. */
function hits(report: CheckReport, rule: string): string[] {
  return report.findings.filter((f) => f.rule === rule).map((f) => `${f.object} at ${f.path}`);
}

function objectsWith(report: CheckReport, rule: string): string[] {
  return [...new Set(report.findings.filter((f) => f.rule === rule).map((f) => f.object))].sort();
}

const GOOD = ["good/demo-tools.yaml", "good/demo-dev.yaml", "good/demo-prod.yaml"];

describe("a correct installation passes", () => {
  it("against kubernetes-models alone (OpenShift kinds said to be skipped)", async () => {
    const report = await runCheck(sources(...GOOD));
    expect(report.findings).toEqual([]);
    expect(report.schema.skipped).toBeGreaterThan(0);
    expect(report.notes.some((n) => n.includes("DeploymentConfig not checked (OpenShift kind: no --openapi document)"))).toBe(true);
  });

  it.skipIf(!HAVE_OPENAPI)(`against the shared OpenShift OpenAPI document (${HAVE_OPENAPI ? "present" : NO_OPENAPI})`, async () => {
    const report = await runCheck(sources(...GOOD), { openapi });
    expect(report.findings).toEqual([]);
    expect(report.schema.skipped).toBe(0);
    expect(report.objects).toBe(30);
  });
});

describe("schema", () => {
  it("core kinds: wrong types and bad quantities without any document", async () => {
    const report = await runCheck(sources("cases/schema-dev.yaml"));
    expect(hits(report, "schema")).toEqual(["Deployment/bad-core-field at spec.template.spec.containers[0].ports[0].containerPort"]);
  });

  it.skipIf(!HAVE_OPENAPI)(
    `OpenShift kinds: unknown fields, bad quantities, wrong types (${HAVE_OPENAPI ? "shared openapi" : NO_OPENAPI})`,
    async () => {
      const report = await runCheck(sources("cases/schema-dev.yaml"), { openapi });
      const schema = report.findings.filter((f) => f.rule === "schema");
      expect(schema.map((f) => `${f.object} at ${f.path}: ${f.message}`)).toEqual([
        'DeploymentConfig/bad-unknown-field at spec.strategy.rollingParams.intervalSecs: unknown field "intervalSecs"',
        "DeploymentConfig/bad-quantity at spec.template.spec.containers[0].resources.limits.cpu: must be a quantity (e.g. 500m, 1Gi)",
        "Route/bad-route-type at spec.to.weight: must be integer",
        "Deployment/bad-core-field at spec.template.spec.containers[0].ports[0].containerPort: must be integer",
        'Deployment/bad-core-field at spec.template.spec.containers[0].envs: unknown field "envs"',
        'Service/bad-service at metadata.lables: unknown field "lables"',
      ]);
      expect(schema.every((f) => f.severity === "error")).toBe(true);
    },
  );

  it.skipIf(!HAVE_OPENAPI)("fields the server fills in (listed as required with a default) are not demanded", () => {
    const ist = { apiVersion: "image.openshift.io/v1", kind: "ImageStreamTag", metadata: { name: "a:b" }, tag: { name: "b" } };
    expect(openapi!.validate(openapi!.definitionOf(ist.apiVersion, ist.kind)!, ist)).toEqual([]);
    expect(openapi!.validate("com.github.openshift.api.image.v1.ImageStreamTag", { ...ist, tag: undefined })).toEqual([
      { path: "tag", message: "required field is missing" },
    ]);
  });
});

describe("references", () => {
  let report: CheckReport;
  beforeAll(async () => {
    report = await runCheck(sources("cases/refs-dev.yaml", "cases/refs-tools.yaml", "cases/refs-test.yaml"));
  });

  it("no reference finding on any ok-* object", () => {
    expect(report.findings.filter((f) => f.rule.startsWith("ref-") && f.object.includes("/ok-"))).toEqual([]);
  });

  it("Secrets and their keys (optional refs excepted)", () => {
    expect(hits(report, "ref-secret")).toEqual([
      "Deployment/bad-secret at spec.template.spec.volumes[0].secret.secretName",
      "Deployment/bad-secret at spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef",
      "Deployment/bad-secret at spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef",
    ]);
    const message = (path: string) => report.findings.find((f) => f.rule === "ref-secret" && f.path === path)?.message;
    expect(message("spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef")).toBe(
      "Secret creds has no key passwrd (has: password)",
    );
    expect(message("spec.template.spec.volumes[0].secret.secretName")).toBe("Secret missing-secret is not declared in demo-dev");
  });

  it("ConfigMaps and their keys", () => {
    expect(hits(report, "ref-configmap")).toEqual([
      "Deployment/bad-configmap at spec.template.spec.volumes[0].configMap.items[0].key",
      "Deployment/bad-configmap at spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef",
      "Deployment/bad-configmap at spec.template.spec.containers[0].envFrom[0].configMapRef",
    ]);
  });

  it("claims and mounts (a StatefulSet's claim templates count as volumes)", () => {
    expect(hits(report, "ref-volume")).toEqual([
      "Deployment/bad-volume at spec.template.spec.volumes[0].persistentVolumeClaim.claimName",
      "Deployment/bad-volume at spec.template.spec.containers[0].volumeMounts[1].name",
    ]);
  });

  it("service accounts (built-in ones exist everywhere)", () => {
    expect(hits(report, "ref-service-account")).toEqual(["Deployment/bad-volume at spec.template.spec.serviceAccountName"]);
  });

  it("Service selectors match pod templates; a StatefulSet's runtime `role` label is the one exception", () => {
    expect(hits(report, "ref-service-selector")).toEqual(["Service/bad-selector at spec.selector"]);
  });

  it("Service target ports, named and numeric", () => {
    expect(hits(report, "ref-service-port")).toEqual([
      "Service/bad-port at spec.ports[0].targetPort",
      "Service/bad-port at spec.ports[1].targetPort",
    ]);
  });

  it("Routes to a Service and one of its ports", () => {
    expect(hits(report, "ref-route")).toEqual(["Route/bad-route-service at spec.to.name", "Route/bad-route-port at spec.port.targetPort"]);
  });

  it("RoleBindings to a Role", () => {
    expect(hits(report, "ref-role")).toEqual(["RoleBinding/bad-binding at roleRef.name"]);
  });

  it("image triggers name containers, and leave image to the trigger", () => {
    expect(hits(report, "ref-trigger")).toEqual([
      "DeploymentConfig/bad-trigger-container at spec.triggers[0].imageChangeParams.containerNames[0]",
      "DeploymentConfig/bad-trigger-tag at spec.template.spec.containers[1].image",
    ]);
    expect(report.findings.find((f) => f.rule === "ref-trigger" && f.path.endsWith(".image"))?.severity).toBe("warning");
  });

  it("image streams and tags: declared (ImageStreamTag) or built (latest from a BuildConfig)", () => {
    expect(hits(report, "ref-image")).toEqual([
      "DeploymentConfig/bad-trigger-tag at spec.template.spec.containers[1].image",
      "DeploymentConfig/bad-trigger-tag at spec.triggers[0].imageChangeParams.from",
      "DeploymentConfig/bad-trigger-tag at spec.triggers[1].imageChangeParams.from",
      "CronJob/bad-image at spec.jobTemplate.spec.template.spec.containers[0].image",
      "ImageStreamTag/orphan:dev at metadata.name",
      "BuildConfig/bad-build at spec.output.to",
      "BuildConfig/bad-build at spec.strategy.dockerStrategy.from",
    ]);
  });

  it("cross-namespace pulls need system:image-puller in the source namespace (group or service account)", () => {
    expect(hits(report, "ref-image-puller")).toEqual(["Deployment/bad-puller at spec.template.spec.containers[0].image"]);
  });

  it("without the granting namespace loaded, nothing is claimed about it", async () => {
    const alone = await runCheck(sources("cases/refs-test.yaml"));
    expect(alone.findings.filter((f) => f.rule.startsWith("ref-"))).toEqual([]);
  });
});

describe("platform policy", () => {
  let report: CheckReport;
  beforeAll(async () => {
    report = await runCheck(sources("cases/policy-prod.yaml"));
  });

  it("every rule has an id and a rationale", () => {
    for (const p of PLATFORM_POLICIES) expect(RULES[p.id]).toMatch(/^\S.{20,}$/);
  });

  it("no policy finding on any ok-* or waived-* object", () => {
    const policyIds = PLATFORM_POLICIES.map((p) => p.id);
    expect(report.findings.filter((f) => policyIds.includes(f.rule) && /\/(ok|waived)-/.test(f.object))).toEqual([]);
  });

  it("resources: requests and limits on every container and build", () => {
    expect(hits(report, "resources")).toEqual([
      "Deployment/bad-no-limits at spec.template.spec.containers[0].resources",
      "BuildConfig/bad-build-resources at spec.resources",
    ]);
  });

  it("readiness-probe on long-running workloads (not CronJobs); a waiver needs a reason", () => {
    expect(objectsWith(report, "readiness-probe")).toEqual(["DeploymentConfig/bad-no-probe", "DeploymentConfig/bad-waiver-no-reason"]);
    expect(report.findings.find((f) => f.object === "DeploymentConfig/bad-waiver-no-reason")?.message).toMatch(/gives no reason/);
    expect(report.waived).toBe(1);
  });

  it("route-tls: TLS set, plain HTTP redirected or refused", () => {
    expect(hits(report, "route-tls")).toEqual([
      "Route/bad-route-plain at spec.tls",
      "Route/bad-route-allow at spec.tls.insecureEdgeTerminationPolicy",
    ]);
  });

  it("deny-by-default: required in environments, not in tools", async () => {
    expect(hits(report, "deny-by-default")).toEqual(["Namespace/demo-prod at "]);
    const good = await runCheck(sources(...GOOD));
    expect(hits(good, "deny-by-default")).toEqual([]);
    const tools = await runCheck(sources("cases/refs-tools.yaml"));
    expect(hits(tools, "deny-by-default")).toEqual([]);
  });

  it("storage-class: allowed classes; the backup class only on volumes no long-running workload mounts", () => {
    expect(hits(report, "storage-class")).toEqual([
      "PersistentVolumeClaim/bad-backup-on-app at spec.storageClassName",
      "PersistentVolumeClaim/bad-class at spec.storageClassName",
      "StatefulSet/bad-db-class at spec.volumeClaimTemplates[0].spec.storageClassName",
    ]);
  });

  it("pinned-image in prod: no latest, no missing tag; digests and trigger tags pin", async () => {
    expect(hits(report, "pinned-image")).toEqual([
      "Deployment/bad-unpinned at spec.template.spec.containers[0].image",
      "Deployment/bad-unpinned at spec.template.spec.containers[1].image",
      "DeploymentConfig/bad-trigger-latest at spec.triggers[0].imageChangeParams.from.name",
    ]);
    const dev = await runCheck(sources("cases/refs-dev.yaml"));
    expect(hits(dev, "pinned-image")).toEqual([]);
  });

  it("protect-stateful in prod, from the plan: StatefulSets, claims and the database's Secret", async () => {
    const [source] = sources("cases/policy-prod.yaml");
    const protectedNames = new Set(["StatefulSet/ok-db", "PersistentVolumeClaim/ok-backup", "Secret/db-creds"]);
    const withPlan: CheckSource = { ...source, isProtected: (o: KubeObject) => protectedNames.has(`${o.kind}/${o.metadata.name}`) };
    const r = await runCheck([withPlan]);
    expect(objectsWith(r, "protect-stateful")).toEqual([
      "PersistentVolumeClaim/bad-backup-on-app",
      "PersistentVolumeClaim/bad-class",
      "StatefulSet/bad-db-class",
    ]);
    const all: CheckSource = { ...source, isProtected: () => true };
    expect(hits(await runCheck([all]), "protect-stateful")).toEqual([]);
    expect(report.notes.some((n) => n.startsWith("protect-stateful not checked"))).toBe(true);
  });
});

describe("the four stacks", () => {
  it(`pass with 0 errors (${HAVE_OPENAPI ? "with the shared OpenShift schema" : NO_OPENAPI.replace("skipped", "OpenShift schema not used")})`, async () => {
    const report = await runCheck(await stackSources(PROJECT_DIR), { openapi });
    expect(report.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(report.objects).toBeGreaterThan(0);
  });
});

describe("npm run check", () => {
  // In process, through the same runCommand as scripts/check.ts.
  const run = async (...args: string[]) => {
    const r = await runInProcess(specs.check, () => import("../tools/cli/commands/check"), args);
    return { status: r.code, stdout: r.stdout, stderr: r.stderr };
  };

  it("groups findings by file and severity, collapses the coverage notes, ends with the summary, and exits 1 on errors", async () => {
    const testFile = path.join(FIXTURES, "cases", "refs-test.yaml");
    const r = await run("--files", testFile, path.join(FIXTURES, "cases", "refs-tools.yaml"));
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split("\n");
    const header = lines.findIndex((l) => l.startsWith(`${testFile} (demo-test): `) && l.endsWith("0 warnings"));
    expect(header).toBeGreaterThanOrEqual(0);
    const puller = lines.indexOf(
      "  error   Deployment/bad-puller [ref-image-puller] pods in demo-test (service account default) pull image-registry.openshift-image-registry.svc:5000/demo-tools/api:dev from demo-tools, but no RoleBinding in demo-tools grants ClusterRole system:image-puller to system:serviceaccounts:demo-test or to that service account",
    );
    expect(puller).toBeGreaterThan(header);
    expect(lines[puller + 1]).toBe("          at spec.template.spec.containers[0].image");
    expect(lines.filter((l) => l.startsWith("note: schema"))).toEqual([
      "note: schema: 3 kinds not checked (BuildConfig, ImageStream, ImageStreamTag), unknown fields of 3 kinds not checked (Deployment, RoleBinding, ServiceAccount); --verbose says why",
    ]);
    expect(lines[lines.length - 1]).toMatch(/^check: 10 objects, \d+ errors, 0 warnings \(schema not checked for 5 objects\)$/);
  });

  it("--json for machines; exit 0 when there is no error", async () => {
    const r = await run("--json", "--files", ...GOOD.map((f) => path.join(FIXTURES, f)));
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as CheckReport;
    expect(report).toMatchObject({ objects: 30, errors: 0, warnings: 0, findings: [] });
  });

  it("usage errors go to stderr with exit 2", async () => {
    const r = await run("staging");
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^check: unknown stack "staging": one of dev, test, prod, tools\nusage: npm run check -- /);
  });
});
