/**
 * One check per entry of the platform-rule catalogue (tools/check/platform-rules.ts), over the render or the
 * adoption fixtures. `CHECKS` is typed by the catalogue's ids: a rule without a check does not compile.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROLE_TAIL_FILTER } from "../components/backup-scripts";
import { PATRONI_SECRET_KEYS, stackNames } from "../components/names";
import type { DeclaredResource } from "../tools/evaluate/evaluate";
import { restorePlan } from "../tools/ops/restore-plan";
import { PLATFORM_RULES, type PlatformRuleId } from "../tools/check/platform-rules";
import { PROJECT_DIR } from "../tools/cli/project";
import { TAG_SOURCE_HOOK } from "../components/openshift/tag-source-check";
import { find, ofKind, projectWith, render } from "./harness";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-only view of rendered YAML

const COMMITS = { "hcap-infra:devCommit": "1a2b3c4", "hcap-infra:testCommit": "5d6e7f8", "hcap-infra:prodCommit": "0123456" };
const promotedTools = () => render("tools", { projectDir: projectWith("tools", COMMITS) });

function providerOf(resources: readonly DeclaredResource[], r: DeclaredResource): DeclaredResource {
  const urn = r.provider?.split("::").slice(0, -1).join("::");
  const provider = resources.find((p) => p.urn === urn);
  if (provider === undefined) throw new Error(`${r.name}: no provider registered`);
  return provider;
}

const CHECKS: Record<PlatformRuleId, () => Promise<void>> = {
  async "istag-update-not-applied"() {
    const { ev } = await promotedTools();
    const tags = ev.resources.filter((r) => r.type === "kubernetes:image.openshift.io/v1:ImageStreamTag");
    expect(tags).toHaveLength(6);
    for (const tag of tags) {
      const provider = providerOf(ev.resources, tag);
      expect(provider.inputs.enableServerSideApply, `${tag.name} via ${provider.name}`).toBe("false");
      expect(provider.inputs.namespace).toBe("f047a2-tools");
    }
    // Everything else in tools keeps server-side apply (field ownership against CI and `oc`).
    for (const r of ev.resources.filter((x) => x.custom && x.type.startsWith("kubernetes:") && !x.type.endsWith(":ImageStreamTag"))) {
      expect(providerOf(ev.resources, r).inputs.enableServerSideApply, r.name).toBe("true");
    }
  },
  async "imagestream-tags-not-declared"() {
    const { objects } = await promotedTools();
    for (const stream of ofKind(objects, "ImageStream").filter((s) =>
      ["hcap-server", "hcap-client", "hcap-backup"].includes(s.metadata.name),
    )) {
      expect((stream.spec as Obj).tags, stream.metadata.name).toBeUndefined();
    }
    expect(find(objects, "ImageStream", "hcap-server")).toBeDefined();
  },
  async "patroni-2-labels"() {
    const tools = (await render("tools")).objects;
    const tag = ((find(tools, "ImageStream", "hcap-patroni").spec as Obj).tags as Obj[])[0];
    // bcgov/patroni-postgres-container publishes exactly this tag to Artifactory (README.md "Tags").
    expect(tag.from).toEqual({
      kind: "DockerImage",
      name: "artifacts.developer.gov.bc.ca/bcgov-docker-local/patroni-postgres:2.0.1-12.4-latest",
    });
    const env = (await render("prod")).objects;
    expect((find(env, "Service", "hcap-patroni").spec as Obj).selector).toMatchObject({ role: "master" });
    const probe = (find(env, "StatefulSet", "hcap-patroni").spec as Obj).template.spec.containers[0].readinessProbe;
    expect(probe.exec.command).toContain("/usr/share/scripts/patroni/health_check.sh");
  },
  async "configchange-builds-once"() {
    const deploy = parse(fs.readFileSync(path.join(PROJECT_DIR, ".github/workflows/deploy.yml"), "utf8")) as Obj;
    const started = new Set<string>(String(deploy.env.BUILDS).split(/\s+/));
    for (const job of Object.values(deploy.jobs) as Obj[]) {
      for (const step of job.steps ?? []) {
        for (const m of String(step.run ?? "").matchAll(/^\s*bc=([a-z0-9-]+)$/gm))
          if (String(step.run).includes('oc start-build "$bc"')) started.add(m[1]);
      }
    }
    const { objects } = await render("tools");
    const buildConfigs = ofKind(objects, "BuildConfig");
    expect(buildConfigs.length).toBeGreaterThan(0);
    for (const bc of buildConfigs) expect([...started], `${bc.metadata.name} is never started by deploy.yml`).toContain(bc.metadata.name);
  },
  async "backup-verify-user"() {
    const { objects } = await render("prod");
    const verify = find(objects, "CronJob", "hcap-backup-verify");
    const env = (verify.spec as Obj).jobTemplate.spec.template.spec.containers[0].env as Obj[];
    const user = env.find((e) => e.name === "DATABASE_USER");
    expect(user?.valueFrom?.secretKeyRef?.key).toBe(PATRONI_SECRET_KEYS.appUsername);
    expect(user?.value).toBeUndefined();
  },
  async "backup-role-tail"() {
    const { objects } = await render("prod");
    const command = (find(objects, "CronJob", "hcap-backup-verify").spec as Obj).jobTemplate.spec.template.spec.containers[0]
      .command as string[];
    expect(command.join(" ")).toContain(ROLE_TAIL_FILTER);
    const plan = restorePlan({
      stack: "prod",
      namespace: "f047a2-prod",
      project: "hcap-infra",
      names: stackNames("hcap"),
      databaseSpec: "postgres=hcap-patroni:5432/hcap",
      timestamp: "202601311200",
    }).flatMap((s) => s.commands);
    // The restore tool runs the ConfigMap's role-free-copy.sh, which holds the same filter.
    expect((find(objects, "ConfigMap", "hcap-backup-config").data as Obj)["role-free-copy.sh"]).toContain(ROLE_TAIL_FILTER);
    const copy = plan.findIndex((c) => c.includes("/etc/backup-container/role-free-copy.sh"));
    const restore = plan.findIndex((c) => c.includes("backup.sh -r"));
    expect(copy).toBeGreaterThanOrEqual(0);
    expect(restore).toBeGreaterThan(copy);
  },
  async "service-target-port-resolves"() {
    const live = (parse(fs.readFileSync(path.join(PROJECT_DIR, "test/fixtures/live/dev.yaml"), "utf8")) as Obj).items as Obj[];
    const { objects } = await render("dev");
    const workloads = (items: readonly Obj[]) => items.filter((o) => ["StatefulSet", "DeploymentConfig", "Deployment"].includes(o.kind));
    // `role` is written on the pods by Patroni at run time; a pod template never has it.
    const selects = (selector: Obj, template: Obj) =>
      Object.entries(selector)
        .filter(([k]) => k !== "role")
        .every(([k, v]) => template.metadata?.labels?.[k] === v);
    const resolves = (target: unknown, template: Obj) =>
      (template.spec.containers as Obj[]).some((c) =>
        ((c.ports as Obj[] | undefined) ?? []).some((p) => (typeof target === "number" ? p.containerPort === target : p.name === target)),
      );
    const services = ofKind(objects, "Service");
    expect(services.map((s) => s.metadata.name).sort()).toEqual(["hcap-client", "hcap-patroni", "hcap-server"]);
    let adoptedPods = 0;
    for (const service of services) {
      const spec = service.spec as Obj;
      for (const [origin, items] of [
        ["rendered", objects as readonly Obj[]],
        ["live", live],
      ] as const) {
        for (const w of workloads(items).filter((x) => selects(spec.selector, x.spec.template))) {
          if (origin === "live") adoptedPods++;
          for (const port of spec.ports as Obj[]) {
            expect(
              resolves(port.targetPort, w.spec.template),
              `${service.metadata.name} → ${origin} ${w.kind}/${w.metadata.name} port ${port.targetPort}`,
            ).toBe(true);
          }
        }
      }
    }
    // The fixture's old StatefulSet and DeploymentConfig were both checked.
    expect(adoptedPods).toBe(2);
  },
  async "patroni-role-deletecollection"() {
    const { objects } = await render("prod");
    const rules = find(objects, "Role", "hcap-patroni").rules as Obj[];
    for (const resource of ["configmaps", "endpoints"]) {
      expect(
        rules.filter((r) => r.resources.includes(resource)).flatMap((r) => r.verbs),
        resource,
      ).toEqual(expect.arrayContaining(["delete", "deletecollection"]));
    }
  },
  async "base-images-not-docker-hub"() {
    const { objects } = await render("tools");
    for (const bc of ofKind(objects, "BuildConfig")) {
      const spec = bc.spec as Obj;
      const bases = [
        ...String(spec.source.dockerfile ?? "")
          .split("\n")
          .filter((l) => l.startsWith("FROM "))
          .map((l) => l.split(/\s+/)[1]),
        ...(spec.strategy.dockerStrategy.from?.kind === "DockerImage" ? [spec.strategy.dockerStrategy.from.name as string] : []),
      ];
      for (const image of bases) {
        const host = image.split("/")[0];
        expect(host.includes(".") && host !== "docker.io", `${bc.metadata.name}: ${image}`).toBe(true);
        if (image.startsWith("artifacts.developer.gov.bc.ca/"))
          expect(spec.strategy.dockerStrategy.pullSecret, bc.metadata.name).toEqual({ name: "hcap-artifactory-pull" });
      }
    }
  },
  async "istag-404-without-image"() {
    // The program: every environment tag carries the source check before it is created or moved, in previews too.
    const { ev } = await promotedTools();
    const tags = ev.resources.filter((r) => r.type === "kubernetes:image.openshift.io/v1:ImageStreamTag");
    expect(tags).toHaveLength(6);
    for (const tag of tags) {
      expect(tag.options.hooks, tag.name).toEqual({ beforeCreate: [TAG_SOURCE_HOOK], beforeUpdate: [TAG_SOURCE_HOOK] });
      const [stream] = tag.name.split(":");
      // A tracking tag of its own stream: the kind whose image the stream copies in at tagging time.
      expect((tag.inputs.tag as Obj).from, tag.name).toMatchObject({
        kind: "ImageStreamTag",
        name: expect.stringMatching(`^${stream}:[0-9a-f]{7}$`),
      });
    }
    expect(ev.hooks.filter((h) => h.name === TAG_SOURCE_HOOK)).toEqual([{ name: TAG_SOURCE_HOOK, onDryRun: true, ignoreErrors: false }]);
    // The pipelines ask too, before anything runs:
    const promote = parse(fs.readFileSync(path.join(PROJECT_DIR, ".github/workflows/promote.yml"), "utf8")) as Obj;
    const script = (promote.jobs.record.steps as Obj[]).map((s) => String(s.run ?? "")).join("\n");
    const check = script.indexOf('kubectl get imagestreamtag "$image:$short"');
    expect(check).toBeGreaterThanOrEqual(0);
    expect(script).toContain("for image in hcap-server hcap-client; do");
    expect(check).toBeLessThan(script.indexOf("npm run --silent promote"));
    // deploy.yml: before the tools stack is applied, every environment's source tags must resolve.
    const deploy = parse(fs.readFileSync(path.join(PROJECT_DIR, ".github/workflows/deploy.yml"), "utf8")) as Obj;
    const steps = deploy.jobs.tools.steps as Obj[];
    const guard = steps.findIndex((s) => String(s.run ?? "").includes('kubectl get imagestreamtag "$source"'));
    const up = steps.findIndex((s) => (s.with as Obj | undefined)?.command === "up");
    expect(guard).toBeGreaterThanOrEqual(0);
    expect(guard).toBeLessThan(up);
    expect(String(steps[guard].run)).toContain("npm run --silent render -- tools --outputs");
    expect(String(steps[guard].run)).toMatch(/::error::[\s\S]*exit "\$missing"/);
  },
  async "backup-conf-bare-host"() {
    for (const env of ["dev", "test", "prod"]) {
      const { objects } = await render(env);
      const conf = String((find(objects, "ConfigMap", "hcap-backup-config").data as Obj)["backup.conf"]);
      const spec = conf.split("\n")[0];
      // The upstream readConf filter, as written in backup.config.utils.
      expect(spec, env).toMatch(/^[a-zA-Z0-9=_/-]*(:[0-9]*)?\/[a-zA-Z0-9_/-]*(\?.*)?$/);
    }
  },
};

describe("platform rules", () => {
  it.each(Object.keys(PLATFORM_RULES) as PlatformRuleId[])("%s", async (id) => {
    expect(PLATFORM_RULES[id].source.length).toBeGreaterThan(0);
    await CHECKS[id]();
  });
});
