import { describe, expect, it } from "vitest";
import { ConfigError, type EnvConfig } from "../config";
import { adoptOptions, stackAdoption } from "../components/adoption";
import { stackNames } from "../components/names";
import { ADOPTED_IN_EVERY_ENVIRONMENT, processedEnvironment } from "./fixtures/oc-process";
import { parseStack, planEntry, projectWith, render } from "./harness";

const KEYCLOAK = { keycloakApiSecret: "k", keycloakSaUsername: "u", keycloakSaPassword: "p" };

/** Dev's real config with `extra` plain values and only the given secrets set. */
const parseDev = (extra: Record<string, string>, secrets: Record<string, string>) => parseStack("dev", extra, secrets);

const ADOPTED_PASSWORDS = {
  patroniSuperuserPassword: "adopted-superuser-Zq81",
  patroniReplicationPassword: "adopted-replication-Kx27",
  patroniAppPassword: "adopted-app-Wm55",
};

describe("adopt: true", () => {
  it("prod: every object the templates made carries its import ID in the plan; new objects are created", async () => {
    const { plan } = await render("prod", {
      projectDir: projectWith("prod", { "hcap-infra:adopt": true, "hcap-infra:appWorkload": "DeploymentConfig" }),
      secrets: ADOPTED_PASSWORDS,
    });
    // prod verifies its backups, so its verification claim is adopted as well: every object the templates made.
    const adopted = [...ADOPTED_IN_EVERY_ENVIRONMENT, ["PersistentVolumeClaim", "hcap-backup-verification"] as const];
    const made = processedEnvironment({ env: "prod", app: "hcap", toolsNamespace: "f047a2-tools" });
    expect(adopted.map(([k, n]) => `${k}/${n}`).sort()).toEqual(
      made.map((o) => `${String(o.kind)}/${(o.metadata as { name: string }).name}`).sort(),
    );
    for (const [type, name] of adopted) {
      expect(planEntry(plan, type, name).import, `${type}/${name}`).toBe(`f047a2-prod/${name}`);
    }
    for (const [type, name] of [
      ["PodDisruptionBudget", "hcap-patroni"],
      ["CronJob", "hcap-backup"],
      ["NetworkPolicy", "hcap-deny-by-default"],
    ]) {
      expect(planEntry(plan, type, name).import, `${type}/${name}`).toBeNull();
    }
    expect(planEntry(plan, "DeploymentConfig", "hcap-client").import).toBeNull();
  });

  it("declares no RandomPassword and never shows the adopted passwords", async () => {
    const { plan, objects } = await render("prod", {
      projectDir: projectWith("prod", { "hcap-infra:adopt": true, "hcap-infra:appWorkload": "DeploymentConfig" }),
      secrets: ADOPTED_PASSWORDS,
    });
    expect(plan.filter((e) => e.type.startsWith("random:"))).toEqual([]);
    const text = JSON.stringify({ plan, objects });
    for (const value of Object.values(ADOPTED_PASSWORDS)) expect(text).not.toContain(value);
  });

  it("the provider forces field ownership only while adopting", async () => {
    const on = await render("dev", {
      projectDir: projectWith("dev", { "hcap-infra:adopt": true, "hcap-infra:appWorkload": "DeploymentConfig" }),
    });
    const off = await render("dev");
    const provider = (r: Awaited<ReturnType<typeof render>>) =>
      r.ev.resources.find((x) => x.type === "pulumi:providers:kubernetes")?.inputs;
    expect(provider(on)?.enablePatchForce).toBe("true");
    expect(provider(off)?.enablePatchForce).toBe("false");
  });

  it("requires the three existing database passwords, naming the command for each", () => {
    let error: unknown;
    try {
      parseDev({ adopt: "true" }, KEYCLOAK);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const key of ["patroniSuperuserPassword", "patroniReplicationPassword", "patroniAppPassword"]) {
      expect(message).toContain(`pulumi config set --secret hcap-infra:${key} <value> -s dev`);
    }
    // Without adoption the database passwords are not asked for.
    expect(() => parseDev({ adopt: "false" }, KEYCLOAK)).not.toThrow();
  });

  it("imports template-made objects by <namespace>/<name>, and nothing when adopt is off", () => {
    const cfg = parseDev(
      { adopt: "true", appWorkload: "DeploymentConfig" },
      { ...KEYCLOAK, patroniSuperuserPassword: "a", patroniReplicationPassword: "b", patroniAppPassword: "c" },
    ) as EnvConfig;
    const adoption = stackAdoption({ adopt: cfg.adopt, namespace: cfg.namespace, names: stackNames(cfg.appName), role: "env" });
    expect(adoptOptions(adoption, "StatefulSet", "hcap-patroni")).toEqual({ import: "f047a2-dev/hcap-patroni" });
    expect(adoptOptions(adoption, "NetworkPolicy", "hcap-deny-by-default")).toEqual({});
    // The templates made no PodDisruptionBudget, whatever its name.
    expect(adoptOptions(adoption, "PodDisruptionBudget", "hcap-patroni")).toEqual({});
    expect(adoptOptions({ ...adoption, adopt: false }, "StatefulSet", "hcap-patroni")).toEqual({});
  });

  it("renders offline with placeholders for the unset passwords, and no RandomPassword", async () => {
    const { ev, plan } = await render("dev", {
      projectDir: projectWith("dev", { "hcap-infra:adopt": true, "hcap-infra:appWorkload": "DeploymentConfig" }),
    });
    expect(ev.placeholderSecrets).toEqual(
      expect.arrayContaining(["patroniSuperuserPassword", "patroniReplicationPassword", "patroniAppPassword"]),
    );
    expect(plan.filter((e) => e.type === "random:index/randomPassword:RandomPassword")).toEqual([]);
  });

  it("creates the program's NetworkPolicies (the templates named theirs differently), importing none", async () => {
    const { plan } = await render("dev", {
      projectDir: projectWith("dev", { "hcap-infra:adopt": true, "hcap-infra:appWorkload": "DeploymentConfig" }),
    });
    const policies = plan.filter((e) => e.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy");
    expect(policies.map((p) => p.name)).toContain("hcap-deny-by-default");
    for (const p of policies) {
      expect(["deny-by-default", "allow-from-openshift-ingress", "allow-same-namespace"]).not.toContain(p.name);
      expect(p.import).toBeNull();
    }
  });
});
