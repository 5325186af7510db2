import { describe, expect, it } from "vitest";
import { planEntry, projectWith, render } from "./harness";

const ADOPTED_PASSWORDS = {
  patroniSuperuserPassword: "adopted-superuser-Zq81",
  patroniReplicationPassword: "adopted-replication-Kx27",
  patroniAppPassword: "adopted-app-Wm55",
};

describe("adopt: true", () => {
  it("prod: every object the templates made carries its import ID in the plan; new objects are created", async () => {
    const { plan } = await render("prod", { projectDir: projectWith("prod", { "hcap-infra:adopt": true, "hcap-infra:appWorkload": "DeploymentConfig" }), secrets: ADOPTED_PASSWORDS });
    for (const [type, name] of [
      ["StatefulSet", "hcap-patroni"], ["Secret", "hcap-patroni"], ["Service", "hcap-patroni"], ["ServiceAccount", "hcap-patroni"],
      ["Role", "hcap-patroni"], ["RoleBinding", "hcap-patroni"], ["Secret", "hcap-keycloak"], ["Service", "hcap-server"],
      ["PersistentVolumeClaim", "hcap-backup-data"], ["ConfigMap", "hcap-backup-config"],
    ]) {
      expect(planEntry(plan, type, name).import, `${type}/${name}`).toBe(`f047a2-prod/${name}`);
    }
    expect(planEntry(plan, "DeploymentConfig", "hcap-server").import).toBe("f047a2-prod/hcap-server");
    for (const [type, name] of [["PodDisruptionBudget", "hcap-patroni"], ["CronJob", "hcap-backup"], ["NetworkPolicy", "hcap-deny-by-default"]]) {
      expect(planEntry(plan, type, name).import, `${type}/${name}`).toBeNull();
    }
    expect(planEntry(plan, "DeploymentConfig", "hcap-client").import).toBeNull();
  });

  it("declares no RandomPassword and never shows the adopted passwords", async () => {
    const { plan, objects } = await render("prod", { projectDir: projectWith("prod", { "hcap-infra:adopt": true, "hcap-infra:appWorkload": "DeploymentConfig" }), secrets: ADOPTED_PASSWORDS });
    expect(plan.filter((e) => e.type.startsWith("random:"))).toEqual([]);
    const text = JSON.stringify({ plan, objects });
    for (const value of Object.values(ADOPTED_PASSWORDS)) expect(text).not.toContain(value);
  });

  it("the provider forces field ownership only while adopting", async () => {
    const on = await render("dev", { projectDir: projectWith("dev", { "hcap-infra:adopt": true, "hcap-infra:appWorkload": "DeploymentConfig" }) });
    const off = await render("dev");
    const provider = (r: Awaited<ReturnType<typeof render>>) => r.ev.resources.find((x) => x.type === "pulumi:providers:kubernetes")?.inputs;
    expect(provider(on)?.enablePatchForce).toBe("true");
    expect(provider(off)?.enablePatchForce).toBe("false");
  });
});
