import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { compareObjects, counts, type AdoptReport, type CompareInput } from "../tools/adopt/compare";
import { parseLiveDump } from "../tools/adopt/live";
import type { KubeObject } from "../tools/kube/object";
import { exitCode, formatReport, summaryLine } from "../tools/adopt/report";
import { OFFLINE_SECRET } from "../tools/evaluate/evaluate";
import { declaredObjects, providerSwitches } from "../tools/adopt/declared";
import { LIVE_DIR, LIVE_FILES, liveEnvironment } from "./fixtures/api-server";
import { projectWith, render } from "./harness";
import { declaredDev, type DeclaredOptions } from "./fixtures/declared";
import { ADOPTED_IN_EVERY_ENVIRONMENT, FAKE, type Obj } from "./fixtures/oc-process";
import * as specs from "../tools/cli/commands/specs";
import { runInProcess, runScript } from "./cli-harness";

const SWITCHES = { secretMutable: true, configMapMutable: false };

function liveDev(edit: (objects: Obj[]) => Obj[] = (o) => o): KubeObject[] {
  return edit(liveEnvironment({ env: "dev", app: "hcap", toolsNamespace: "f047a2-tools" })) as unknown as KubeObject[];
}

function check(options: { declared?: DeclaredOptions; live?: KubeObject[]; input?: Partial<CompareInput> } = {}): AdoptReport {
  return compareObjects({
    namespace: "f047a2-dev",
    adopt: true,
    switches: SWITCHES,
    declared: declaredDev(options.declared),
    live: options.live ?? liveDev(),
    ...options.input,
  });
}

function imported(report: AdoptReport, kind: string, name: string) {
  const hit = report.imported.find((o) => o.kind === kind && o.name === name);
  if (!hit) throw new Error(`${kind}/${name} is not imported; imported: ${report.imported.map((o) => `${o.kind}/${o.name}`).join(", ")}`);
  return hit;
}

/** The live StatefulSet with its volume claim template edited. */
function withVct(edit: (vct: Obj) => Obj): KubeObject[] {
  return liveDev((objects) =>
    objects.map((o) => {
      if (o.kind !== "StatefulSet") return o;
      const spec = o.spec as Obj;
      return { ...o, spec: { ...spec, volumeClaimTemplates: (spec.volumeClaimTemplates as Obj[]).map(edit) } };
    }),
  );
}

const ALL_FAKES = Object.values(FAKE).flatMap((v) => [v, Buffer.from(v).toString("base64")]);

describe("adopting the template-made dev namespace", () => {
  it("a faithful declaration imports every template object with no replacement and no error", () => {
    const report = check();
    expect(report.errors).toEqual([]);
    expect(counts(report).replaced).toBe(0);
    expect(report.imported.map((o) => `${o.kind}/${o.name}`)).toEqual(
      expect.arrayContaining([
        "StatefulSet/hcap-patroni",
        "Secret/hcap-patroni",
        "Secret/hcap-keycloak",
        "Service/hcap-patroni",
        "ServiceAccount/hcap-patroni",
        "Role/hcap-patroni",
        "RoleBinding/hcap-patroni",
        "DeploymentConfig/hcap-server",
        "Service/hcap-server",
        "Route/hcap-server",
        "PersistentVolumeClaim/hcap-backup-data",
        "PersistentVolumeClaim/hcap-backup-verification",
      ]),
    );
    for (const o of report.imported) expect(o.importId).toBe(`f047a2-dev/${o.name}`);
    expect(exitCode(report)).toBe(0);
  });

  it("lists the fields the first up changes: the program's labels are added, nothing else on the StatefulSet", () => {
    const sts = imported(check(), "StatefulSet", "hcap-patroni");
    expect(sts.changes.map((c) => c.path).sort()).toEqual(
      [
        'metadata.labels["app.kubernetes.io/component"]',
        'metadata.labels["app.kubernetes.io/managed-by"]',
        'metadata.labels["app.kubernetes.io/name"]',
        'metadata.labels["app.kubernetes.io/part-of"]',
        "metadata.labels.cluster-name",
        "metadata.labels.statefulset",
      ].sort(),
    );
    expect(sts.changes.every((c) => c.change === "add" && !c.replace)).toBe(true);
  });

  it("ignores what the server and triggers filled in: defaults, status, the resolved image, lastTriggeredImage", () => {
    const dc = imported(check(), "DeploymentConfig", "hcap-server");
    const paths = dc.changes.map((c) => c.path);
    expect(paths.filter((p) => !p.startsWith("metadata.labels"))).toEqual([]);
    // Env vars only the live DC has stay as they are (server-side apply does not remove them): listed, not changed.
    expect(dc.liveOnly).toContain("spec.template.spec.containers[name=hcap-server].env[name=MONGO_HOST]");
  });

  it("a declared field that differs is an update, with quantities compared by value", () => {
    const live = liveDev((objects) =>
      objects.map((o) => (o.kind === "StatefulSet" ? { ...o, spec: { ...(o.spec as Obj), replicas: 2 } } : o)),
    );
    const sts = imported(check({ live }), "StatefulSet", "hcap-patroni");
    expect(sts.changes).toContainEqual(
      expect.objectContaining({ path: "spec.replicas", change: "update", live: "2", declared: "3", replace: false }),
    );

    const sameMemory = check({
      declared: {
        statefulSet: (s) =>
          mapContainer(s, (c) => ({
            ...c,
            resources: { requests: { cpu: "0.25", memory: "1024Mi" }, limits: { cpu: "500m", memory: "2Gi" } },
          })),
      },
    });
    expect(imported(sameMemory, "StatefulSet", "hcap-patroni").changes.filter((c) => c.path.includes("resources"))).toEqual([]);
  });
});

function mapContainer(sts: Obj, f: (c: Obj) => Obj): Obj {
  const spec = sts.spec as Obj;
  const template = spec.template as Obj;
  const pod = template.spec as Obj;
  return { ...sts, spec: { ...spec, template: { ...template, spec: { ...pod, containers: (pod.containers as Obj[]).map(f) } } } };
}

describe("changes Kubernetes cannot make in place are errors", () => {
  it("a volume claim template of another size means the StatefulSet is replaced, and the check fails", () => {
    const live = withVct((v) => ({ ...v, spec: { ...(v.spec as Obj), resources: { requests: { storage: "2Gi" } } } }));
    const report = check({ live });
    const sts = imported(report, "StatefulSet", "hcap-patroni");
    expect(sts.replaced).toBe(true);
    expect(sts.changes).toContainEqual(
      expect.objectContaining({
        path: "spec.volumeClaimTemplates[0].spec.resources.requests.storage",
        live: '"2Gi"',
        declared: '"1Gi"',
        replace: true,
      }),
    );
    expect(report.errors.join("\n")).toContain("StatefulSet/hcap-patroni would be REPLACED");
    expect(counts(report).replaced).toBe(1);
    expect(exitCode(report)).toBe(1);
    expect(formatReport("dev", report).trimEnd().split("\n").at(-1)).toMatch(/, 1 replacements$/);
  });

  it("a different storage-class annotation on the volume claim template is a replacement", () => {
    const live = withVct((v) => ({
      ...v,
      metadata: { ...(v.metadata as Obj), annotations: { "volume.beta.kubernetes.io/storage-class": "netapp-file-standard" } },
    }));
    const sts = imported(check({ live }), "StatefulSet", "hcap-patroni");
    expect(sts.changes).toContainEqual(
      expect.objectContaining({
        path: 'spec.volumeClaimTemplates[0].metadata.annotations["volume.beta.kubernetes.io/storage-class"]',
        replace: true,
      }),
    );
  });

  it("a live volume claim template field the program leaves out is a replacement too (the import diffs the whole template)", () => {
    const report = check({
      declared: {
        statefulSet: (s) => {
          const spec = s.spec as Obj;
          return { ...s, spec: { ...spec, volumeClaimTemplates: (spec.volumeClaimTemplates as Obj[]).map(({ status: _s, ...v }) => v) } };
        },
      },
    });
    expect(imported(report, "StatefulSet", "hcap-patroni").changes).toContainEqual(
      expect.objectContaining({ path: "spec.volumeClaimTemplates[0].status", change: "remove", replace: true }),
    );
  });

  it("a different selector or serviceName is a replacement", () => {
    const report = check({
      declared: {
        statefulSet: (s) => ({
          ...s,
          spec: {
            ...(s.spec as Obj),
            serviceName: "hcap-patroni-members",
            selector: { matchLabels: { statefulset: "hcap-patroni", app: "hcap" } },
          },
        }),
      },
    });
    const paths = imported(report, "StatefulSet", "hcap-patroni")
      .changes.filter((c) => c.replace)
      .map((c) => c.path);
    expect(paths).toEqual(expect.arrayContaining(["spec.serviceName", "spec.selector.matchLabels.app"]));
  });

  it("a Service whose clusterIP the program neither sets nor ignores is a replacement", () => {
    const report = check({ declared: { forgetClusterIp: true } });
    expect(imported(report, "Service", "hcap-patroni").changes).toContainEqual(
      expect.objectContaining({ path: "spec.clusterIP", change: "remove", replace: true }),
    );
  });

  it("Secret type and RoleBinding roleRef are replacements", () => {
    const live = liveDev((objects) =>
      objects.map((o) => {
        if (o.kind === "Secret" && (o.metadata as Obj).name === "hcap-keycloak") return { ...o, type: "kubernetes.io/basic-auth" };
        if (o.kind === "RoleBinding" && (o.metadata as Obj).name === "hcap-patroni")
          return { ...o, roleRef: { ...(o.roleRef as Obj), name: "other" } };
        return o;
      }),
    );
    const report = check({ live });
    expect(imported(report, "Secret", "hcap-keycloak").changes).toContainEqual(expect.objectContaining({ path: "type", replace: true }));
    expect(imported(report, "RoleBinding", "hcap-patroni").changes).toContainEqual(
      expect.objectContaining({ path: "roleRef.name", replace: true }),
    );
  });

  it("a backup volume claim may grow but not shrink, nor change storage class", () => {
    const live = liveDev((objects) =>
      objects.map((o) => {
        const name = (o.metadata as Obj).name;
        if (o.kind !== "PersistentVolumeClaim") return o;
        if (name === "hcap-backup-data") return { ...o, spec: { ...(o.spec as Obj), resources: { requests: { storage: "10Gi" } } } };
        if (name === "hcap-backup-verification")
          return { ...o, spec: { ...(o.spec as Obj), resources: { requests: { storage: "512Mi" } } } };
        return o;
      }),
    );
    const report = check({ live });
    expect(report.errors.join("\n")).toContain(
      "PersistentVolumeClaim/hcap-backup-data: spec.resources.requests.storage: a volume claim can grow but never shrink",
    );
    expect(report.errors.join("\n")).not.toContain("hcap-backup-verification");
    // The verification claim's class was the cluster default; the program names none, so nothing changes there.
    expect(imported(report, "PersistentVolumeClaim", "hcap-backup-verification").replaced).toBe(false);
  });
});

describe("objects on one side only", () => {
  it("a live object the program does not declare is listed and left alone, never an error", () => {
    const extra = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "someone-elses-config", namespace: "f047a2-dev" },
      data: { a: "b" },
    };
    const report = check({ live: [...liveDev(), extra as unknown as KubeObject] });
    expect(report.leftAlone).toContainEqual({ kind: "ConfigMap", name: "someone-elses-config" });
    expect(report.leftAlone).toEqual(
      expect.arrayContaining([
        { kind: "ConfigMap", name: "hcap-patroni-leader" },
        { kind: "ConfigMap", name: "hcap-patroni-config" },
        { kind: "PersistentVolumeClaim", name: "postgresql-hcap-patroni-0" },
        { kind: "NetworkPolicy", name: "deny-by-default" },
      ]),
    );
    expect(report.errors).toEqual([]);
    expect(formatReport("dev", report)).toMatch(/Left alone \(\d+\)[^\n]*\n(?: {2}.*\n)* {2}ConfigMap\/someone-elses-config\n/);
  });

  it("a declared object missing from the live dump is created; with an import ID that is an error", () => {
    const live = liveDev((objects) => objects.filter((o) => !(o.kind === "Route")));
    const report = check({ live });
    expect(report.created).toContainEqual({ kind: "Route", name: "hcap-server" });
    expect(report.errors.join("\n")).toContain(
      "Route/hcap-server: import ID f047a2-dev/hcap-server is set but the object is not in the live dump",
    );
  });

  it("with adopt on, a live object declared without an import ID is an error (up would stop with AlreadyExists)", () => {
    const declared = declaredDev().map((d) => (d.kind === "Role" ? { ...d, importId: undefined } : d));
    const report = compareObjects({ namespace: "f047a2-dev", adopt: true, switches: SWITCHES, declared, live: liveDev() });
    expect(report.errors.join("\n")).toMatch(/no import ID for them; pulumi up would stop with AlreadyExists: Role\/hcap-patroni/);
  });

  it("live objects from another namespace are refused", () => {
    const other = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace: "f047a2-prod" } };
    const report = check({ live: [...liveDev(), other as unknown as KubeObject] });
    expect(report.errors).toContain("ConfigMap/x: the live dump is from namespace f047a2-prod, but this stack writes only to f047a2-dev");
  });
});

describe("secret values", () => {
  it("are compared as same / differs, key by key", () => {
    const report = check({ declared: { secretValues: { "superuser-password": "FAKE-rotated-Zk1" } } });
    const secret = imported(report, "Secret", "hcap-patroni");
    expect(secret.secretKeys).toContainEqual({ key: "superuser-password", status: "differs" });
    expect(secret.secretKeys).toContainEqual({ key: "db-password", status: "same" });
    expect(secret.changes).toContainEqual({
      path: 'data["superuser-password"]',
      change: "update",
      live: "(secret)",
      declared: "(secret)",
      replace: false,
    });
    expect(report.errors).toEqual([]);
  });

  it("without enableSecretMutable a differing value replaces the Secret", () => {
    const report = check({
      declared: { secretValues: { "db-password": "FAKE-rotated-Zk2" } },
      input: { switches: { secretMutable: false, configMapMutable: false } },
    });
    expect(imported(report, "Secret", "hcap-patroni").replaced).toBe(true);
  });

  it("an offline placeholder is reported as not comparable, not as a difference", () => {
    const report = check({ declared: { secretValues: { "api-secret": OFFLINE_SECRET } } });
    const keycloak = imported(report, "Secret", "hcap-keycloak");
    expect(keycloak.secretKeys).toContainEqual({ key: "api-secret", status: "not set offline" });
    expect(keycloak.changes).toEqual(expect.not.arrayContaining([expect.objectContaining({ path: 'data["api-secret"]' })]));
    expect(formatReport("dev", report)).toContain("secret values cannot compare offline (not set): api-secret");
  });

  it("never appear in the output, in clear or base64, whether they match or not", () => {
    const differing = Object.fromEntries(Object.entries({ "superuser-password": "FAKE-new-su-Aa1", "sa-password": "FAKE-new-sa-Bb2" }));
    for (const report of [
      check(),
      check({ declared: { secretValues: differing } }),
      check({ input: { switches: { secretMutable: false, configMapMutable: false } }, declared: { secretValues: differing } }),
    ]) {
      const text = formatReport("dev", report) + JSON.stringify(report);
      for (const secret of [...ALL_FAKES, ...Object.values(differing)]) expect(text).not.toContain(secret);
    }
  });
});

describe("live dumps", () => {
  it("reads a List, a <Kind>List and multi-document YAML alike", () => {
    const list = parseLiveDump("apiVersion: v1\nkind: List\nitems:\n- {kind: Secret, apiVersion: v1, metadata: {name: a}}\n", "x");
    const kindList = parseLiveDump(
      "apiVersion: v1\nkind: SecretList\nitems:\n- {kind: Secret, apiVersion: v1, metadata: {name: a}}\n",
      "x",
    );
    const docs = parseLiveDump(
      "kind: Secret\napiVersion: v1\nmetadata: {name: a}\n---\nkind: ConfigMap\napiVersion: v1\nmetadata: {name: b}\n",
      "x",
    );
    expect(list.map((o) => o.metadata.name)).toEqual(["a"]);
    expect(kindList.map((o) => o.metadata.name)).toEqual(["a"]);
    expect(docs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(["Secret/a", "ConfigMap/b"]);
    expect(() => parseLiveDump("kind: Secret\n", "live.yaml")).toThrow("live.yaml: document 1: every object needs kind and metadata.name");
  });

  it.each(Object.keys(LIVE_FILES))("test/fixtures/live/%s is what the generator writes", (file) => {
    expect(fs.readFileSync(path.join(LIVE_DIR, file), "utf8")).toBe(LIVE_FILES[file as keyof typeof LIVE_FILES]());
  });

  it("the committed dev dump gives the same report as the generated objects", () => {
    const fromFile = parseLiveDump(fs.readFileSync(path.join(LIVE_DIR, "dev.yaml"), "utf8"), "dev.yaml");
    expect(summaryLine(check({ live: fromFile }))).toBe(summaryLine(check()));
  });
});

/** `npm run adopt-check` in its own process (exit code, stdout and stderr as a user sees them). */
function runCli(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  return runScript("adopt-check", args, { env });
}

/**
 * What `npm run adopt-check -- <stack> --live <file>` computes and prints (tools/cli/commands/adopt-check.ts),
 * in process over the memoised render; one spawned case below covers the command itself.
 */
async function adoptCheck(stack: string, liveFile: string, projectDir?: string): Promise<{ status: number; stdout: string }> {
  const { ev } = await render(stack, { projectDir });
  const report = compareObjects({
    namespace: ev.config.namespace,
    adopt: ev.config.adopt,
    switches: providerSwitches(ev),
    declared: declaredObjects(ev),
    live: parseLiveDump(fs.readFileSync(liveFile, "utf8"), liveFile),
  });
  return { status: exitCode(report), stdout: formatReport(stack, report) };
}

describe("npm run adopt-check against the template-made namespaces", () => {
  const adoptingDir = (stack: string) => projectWith(stack, { "hcap-infra:adopt": true, "hcap-infra:appWorkload": "DeploymentConfig" });
  const adopting = (stack: string) => ({ HCAP_INFRA_PROJECT_DIR: adoptingDir(stack) });

  it("dev with adopt: imports every template object with its ID, replaces nothing, leaves Patroni's own objects alone", () => {
    const { status, stdout } = runCli(["dev", "--live", path.join(LIVE_DIR, "dev.yaml")], adopting("dev"));
    expect(status).toBe(0);
    const importBlock = stdout.split("Import (")[1].split("Create (")[0];
    for (const [kind, name] of ADOPTED_IN_EVERY_ENVIRONMENT) expect(importBlock).toContain(`  ${kind}/${name} <- f047a2-dev/${name}\n`);
    const leftAlone = stdout.split("Left alone (")[1];
    for (const name of [
      "ConfigMap/hcap-patroni-leader",
      "ConfigMap/hcap-patroni-config",
      "NetworkPolicy/deny-by-default",
      "PersistentVolumeClaim/postgresql-hcap-patroni-0",
    ]) {
      expect(leftAlone).toContain(`  ${name}\n`);
    }
    expect(stdout.trimEnd().split("\n").at(-1)).toMatch(
      /^adopt-check: 12 import, \d+ create, \d+ left alone, \d+ fields updated, 0 replacements$/,
    );
    for (const secret of ALL_FAKES) expect(stdout).not.toContain(secret);
  });

  it("dev with adopt: a live claim template unlike the declared one fails, even though the program keeps it out of the diff", async () => {
    const dump = parseLiveDump(fs.readFileSync(path.join(LIVE_DIR, "dev.yaml"), "utf8"), "dev.yaml").map((o) => {
      if (o.kind !== "StatefulSet") return o;
      const spec = o.spec as Obj;
      const vct = (spec.volumeClaimTemplates as Obj[]).map((v) => ({
        ...v,
        spec: { ...(v.spec as Obj), resources: { requests: { storage: "2Gi" } } },
      }));
      return { ...o, spec: { ...spec, volumeClaimTemplates: vct } };
    });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "live-")), "dev.yaml");
    fs.writeFileSync(file, dump.map((o) => stringify(o)).join("---\n"));
    const { status, stdout } = await adoptCheck("dev", file, adoptingDir("dev"));
    expect(status).toBe(1);
    expect(stdout).toContain(
      "StatefulSet/hcap-patroni: volume claim template postgresql is 2Gi netapp-block-standard live but declared 1Gi netapp-block-standard",
    );
    expect(stdout).toContain("StatefulSet/hcap-patroni: REVIEW container postgresql moves from");
  });

  it("dev without adopt: every existing object would stop pulumi up with AlreadyExists", async () => {
    const { status, stdout } = await adoptCheck(
      "dev",
      path.join(LIVE_DIR, "dev.yaml"),
      projectWith("dev", { "hcap-infra:appWorkload": "DeploymentConfig" }),
    );
    expect(status).toBe(1);
    expect(stdout).toContain(
      "adopt is off, but 12 declared object(s) already exist; pulumi up would stop with AlreadyExists (set hcap-infra:adopt true)",
    );
  });

  it("dev declaring Deployments over the template-made DeploymentConfig: it would keep running beside them, so adopt as DC first", async () => {
    const { status, stdout } = await adoptCheck("dev", path.join(LIVE_DIR, "dev.yaml"));
    expect(status).toBe(1);
    expect(stdout).toContain(
      "ERROR DeploymentConfig/hcap-server is live but not made by this program, and the program declares a Deployment",
    );
    expect(stdout).toContain("Adopt it first with hcap-infra:appWorkload: DeploymentConfig");
  });

  it("an adopted namespace (DC labelled by this program) switching to Deployment: the steps, and no error for the switch", async () => {
    const dump = parseLiveDump(fs.readFileSync(path.join(LIVE_DIR, "dev.yaml"), "utf8"), "dev.yaml").map((o) => {
      const labels = { ...((o.metadata.labels as Obj | undefined) ?? {}), "app.kubernetes.io/managed-by": "pulumi" };
      return { ...o, metadata: { ...o.metadata, labels } };
    });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "live-")), "dev.yaml");
    fs.writeFileSync(file, dump.map((o) => stringify(o)).join("---\n"));
    const { stdout } = await adoptCheck("dev", file);
    expect(stdout).not.toContain("ERROR DeploymentConfig/hcap-server");
    const steps = stdout.split("DeploymentConfig/hcap-server -> Deployment/hcap-server: pulumi up switches the workload kind:\n")[1];
    expect(steps).toMatch(/^ {4}1\. create Deployment\/hcap-server .*waits until all its pods are ready/);
    expect(steps).toMatch(/\n {4}3\. after every create and update, delete DeploymentConfig\/hcap-server/);
  });

  it("tools with adopt: the server build, its image stream, the oc-tag-made env tags and the Patroni stream are imported", async () => {
    // As the migration says: each environment's commit set to what it runs now, before adopting.
    const projectDir = projectWith("tools", {
      "hcap-infra:adopt": true,
      "hcap-infra:devCommit": "2a5b7fa",
      "hcap-infra:testCommit": "2a5b7fa",
      "hcap-infra:prodCommit": "2a5b7fa",
    });
    const { status, stdout } = await adoptCheck("tools", path.join(LIVE_DIR, "tools.yaml"), projectDir);
    expect(status).toBe(0);
    const importBlock = stdout.split("Import (")[1].split("Create (")[0];
    for (const name of [
      "BuildConfig/hcap-server",
      "ImageStream/hcap-server",
      "ImageStream/hcap-patroni",
      "ImageStreamTag/hcap-server:prod",
    ]) {
      expect(importBlock).toContain(`  ${name} <- f047a2-tools/`);
    }
    expect(stdout).toContain("  BuildConfig/hcap-patroni\n");
    expect(stdout.trimEnd().split("\n").at(-1)).toMatch(/ 0 replacements$/);
  });

  it("a dump from the wrong namespace fails", async () => {
    const { status, stdout } = await adoptCheck("prod", path.join(LIVE_DIR, "dev.yaml"));
    expect(status).toBe(1);
    expect(stdout).toContain("the live dump is from namespace f047a2-dev, but this stack writes only to f047a2-prod");
  });

  it("usage errors exit 2 with nothing on stdout", async () => {
    const inProcess = (args: string[]) => runInProcess(specs.adoptCheck, () => import("../tools/cli/commands/adopt-check"), args);
    const missing = await inProcess(["dev"]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toContain("adopt-check: missing --live <file.yaml>");
    expect(missing.stderr).toContain("usage: npm run adopt-check -- <dev|test|prod|tools> [--live <file.yaml>]");
    const noFile = await inProcess(["dev", "--live", "nope.yaml"]);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain("nope.yaml: no such file");
  });
});

describe("bound volume claims", () => {
  it("an imported claim whose bound volume the program neither names nor ignores would be replaced", () => {
    const report = check({ declared: { forgetVolumeName: true } });
    expect(imported(report, "PersistentVolumeClaim", "hcap-backup-data").changes).toContainEqual(
      expect.objectContaining({ path: "spec.volumeName", change: "remove", replace: true }),
    );
    expect(exitCode(report)).toBe(1);
  });
});
