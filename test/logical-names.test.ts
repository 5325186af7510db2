import { describe, expect, it } from "vitest";
import { diffPlans } from "../tools/diff/plan-diff";
import type { PlanEntry } from "../tools/evaluate/render";
import { projectWith, render } from "./harness";

const STACK_NAMES = ["dev", "test", "prod", "tools"] as const;

describe("one logical-name rule", () => {
  it.each(STACK_NAMES)("%s: every Kubernetes object's logical name is its metadata.name", async (stack) => {
    const { ev } = await render(stack);
    const objects = ev.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
    expect(objects.length).toBeGreaterThan(5);
    for (const r of objects) {
      const metadata = r.inputs.metadata as { name?: unknown };
      expect(r.name, r.urn).toBe(metadata.name);
    }
  });
});

/** The URNs the resources had before the rule (suffixed logical names), written out. */
const ENV_RENAMES = (stack: string): Record<string, string> => {
  const tier = `urn:pulumi:${stack}::hcap-infra::hcap:app:AppTier$kubernetes`;
  return {
    [`${tier}:apps/v1:Deployment::hcap-server`]: `${tier}:apps/v1:Deployment::hcap-server-deployment`,
    [`${tier}:apps/v1:Deployment::hcap-client`]: `${tier}:apps/v1:Deployment::hcap-client-deployment`,
    [`${tier}:route.openshift.io/v1:Route::hcap-server`]: `${tier}:route.openshift.io/v1:Route::hcap-server-route`,
    [`${tier}:route.openshift.io/v1:Route::hcap-client`]: `${tier}:route.openshift.io/v1:Route::hcap-client-route`,
    [`${tier}:route.openshift.io/v1:Route::hcap-client-api`]: `${tier}:route.openshift.io/v1:Route::hcap-client-api-route`,
  };
};

function aliasesOf(plan: readonly PlanEntry[], urn: string): readonly string[] {
  const entry = plan.find((e) => e.urn === urn);
  if (!entry) throw new Error(`no ${urn} in the plan; have ${plan.map((e) => e.urn).join("\n")}`);
  return entry.aliases ?? [];
}

describe("renamed resources keep their old URNs as aliases (no replace, no delete)", () => {
  it.each(["dev", "prod"])("%s: Deployments and Routes", async (stack) => {
    const { plan } = await render(stack);
    for (const [urn, old] of Object.entries(ENV_RENAMES(stack))) expect(aliasesOf(plan, urn), urn).toContain(old);
  });

  it("dev with DeploymentConfigs: the DeploymentConfigs", async () => {
    const { plan } = await render("dev", { projectDir: projectWith("dev", { "hcap-infra:appWorkload": "DeploymentConfig" }) });
    const dc = "urn:pulumi:dev::hcap-infra::hcap:app:AppTier$kubernetes:apps.openshift.io/v1:DeploymentConfig";
    expect(aliasesOf(plan, `${dc}::hcap-server`)).toEqual([`${dc}::hcap-server-dc`]);
    expect(aliasesOf(plan, `${dc}::hcap-client`)).toEqual([`${dc}::hcap-client-dc`]);
  });

  it("tools: image streams, BuildConfigs and the environment tags", async () => {
    const { plan } = await render("tools", { projectDir: projectWith("tools", { "hcap-infra:devCommit": "2a5b7fa" }) });
    const app = "urn:pulumi:tools::hcap-infra::hcap:images:AppImage$kubernetes";
    const backup = "urn:pulumi:tools::hcap-infra::hcap:backup:BackupImage$kubernetes";
    const expected: Record<string, string> = {
      [`${app}:image.openshift.io/v1:ImageStream::hcap-server`]: `${app}:image.openshift.io/v1:ImageStream::hcap-server-stream`,
      [`${app}:build.openshift.io/v1:BuildConfig::hcap-server`]: `${app}:build.openshift.io/v1:BuildConfig::hcap-server-build`,
      [`${app}:image.openshift.io/v1:ImageStream::hcap-client`]: `${app}:image.openshift.io/v1:ImageStream::hcap-client-stream`,
      [`${app}:build.openshift.io/v1:BuildConfig::hcap-client`]: `${app}:build.openshift.io/v1:BuildConfig::hcap-client-build`,
      [`${app}:image.openshift.io/v1:ImageStreamTag::hcap-server:dev`]: `${app}:image.openshift.io/v1:ImageStreamTag::hcap-server-dev`,
      [`${app}:image.openshift.io/v1:ImageStreamTag::hcap-client:dev`]: `${app}:image.openshift.io/v1:ImageStreamTag::hcap-client-dev`,
      [`${backup}:image.openshift.io/v1:ImageStream::hcap-backup`]: `${backup}:image.openshift.io/v1:ImageStream::hcap-backup-is`,
      [`${backup}:build.openshift.io/v1:BuildConfig::hcap-backup`]: `${backup}:build.openshift.io/v1:BuildConfig::hcap-backup-bc`,
    };
    for (const [urn, old] of Object.entries(expected)) expect(aliasesOf(plan, urn), urn).toEqual([old]);
  });
});

describe("the plan diff sees a rename", () => {
  const entry = (name: string, aliases?: string[]): PlanEntry => ({
    type: "kubernetes:route.openshift.io/v1:Route",
    name,
    urn: `urn:pulumi:dev::hcap-infra::hcap:app:AppTier$kubernetes:route.openshift.io/v1:Route::${name}`,
    parent: "urn:pulumi:dev::hcap-infra::pulumi:pulumi:Stack$hcap:app:AppTier::server",
    namespace: "f047a2-dev",
    protect: false,
    retainOnDelete: false,
    ignoreChanges: [],
    deleteBeforeReplace: false,
    import: null,
    dependsOn: [],
    ...(aliases ? { aliases } : {}),
  });

  it("without an alias: the old resource would be deleted", () => {
    const changes = diffPlans([entry("hcap-server-route")], [entry("hcap-server")]);
    expect(changes).toEqual([
      {
        resource: "kubernetes:route.openshift.io/v1:Route hcap-server-route",
        message:
          "logical name changes to `hcap-server` without an alias: Pulumi creates the new resource and deletes this one " +
          '(add `aliases: [{ name: "hcap-server-route" }]`)',
      },
    ]);
  });

  it("with the alias: the same resource, nothing to report", () => {
    const before = entry("hcap-server-route");
    expect(diffPlans([before], [entry("hcap-server", [before.urn])])).toEqual([]);
  });

  it("with the alias, a changed safety option is still reported", () => {
    const before = entry("hcap-server-route");
    const after = { ...entry("hcap-server", [before.urn]), protect: true };
    expect(diffPlans([before], [after])).toEqual([
      { resource: "kubernetes:route.openshift.io/v1:Route hcap-server-route", message: "`protect` false → true" },
    ]);
  });
});
