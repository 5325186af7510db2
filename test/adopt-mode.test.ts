import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig, type EnvConfig } from "../config";
import { adoptOptions, stackAdoption } from "../components/adoption";
import { stackNames } from "../components/names";
import { readStackFiles } from "../tools/evaluate/stack-files";
import { PROJECT_DIR } from "../tools/cli/project";
import { projectWith, render } from "./harness";

const KEYCLOAK = { keycloakApiSecret: "k", keycloakSaUsername: "u", keycloakSaPassword: "p" };

/** Parses dev's real config with `adopt` set and only the given secrets configured. */
function parseDev(extra: Record<string, string>, secrets: Record<string, string>) {
  const files = readStackFiles(PROJECT_DIR, "dev");
  return parseConfig("dev", {
    values: { ...files.values, ...extra, ...secrets },
    secretKeys: new Set(Object.keys(secrets)),
    stackFileKeys: files.stackFileKeys,
    sourceOf: (key) => (files.stackFileKeys.has(key) ? "Pulumi.dev.yaml" : "Pulumi.yaml"),
  });
}

describe("adopt: true", () => {
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
    const cfg = parseDev({ adopt: "true", appWorkload: "DeploymentConfig" }, { ...KEYCLOAK, patroniSuperuserPassword: "a", patroniReplicationPassword: "b", patroniAppPassword: "c" }) as EnvConfig;
    const adoption = stackAdoption({ adopt: cfg.adopt, namespace: cfg.namespace, names: stackNames(cfg.appName), role: "env" });
    expect(adoptOptions(adoption, "StatefulSet", "hcap-patroni")).toEqual({ import: "f047a2-dev/hcap-patroni" });
    expect(adoptOptions(adoption, "NetworkPolicy", "hcap-deny-by-default")).toEqual({});
    // The templates made no PodDisruptionBudget, whatever its name.
    expect(adoptOptions(adoption, "PodDisruptionBudget", "hcap-patroni")).toEqual({});
    expect(adoptOptions({ ...adoption, adopt: false }, "StatefulSet", "hcap-patroni")).toEqual({});
  });

  it("renders offline with placeholders for the unset passwords, and no RandomPassword", async () => {
    const { ev, plan } = await render("dev", { projectDir: projectWith("dev", { "hcap-infra:adopt": true, "hcap-infra:appWorkload": "DeploymentConfig" }) });
    expect(ev.placeholderSecrets).toEqual(expect.arrayContaining(["patroniSuperuserPassword", "patroniReplicationPassword", "patroniAppPassword"]));
    expect(plan.filter((e) => e.type === "random:index/randomPassword:RandomPassword")).toEqual([]);
  });

  it("creates the program's NetworkPolicies (the templates named theirs differently), importing none", async () => {
    const { plan } = await render("dev", { projectDir: projectWith("dev", { "hcap-infra:adopt": true, "hcap-infra:appWorkload": "DeploymentConfig" }) });
    const policies = plan.filter((e) => e.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy");
    expect(policies.map((p) => p.name)).toContain("hcap-deny-by-default");
    for (const p of policies) {
      expect(["deny-by-default", "allow-from-openshift-ingress", "allow-same-namespace"]).not.toContain(p.name);
      expect(p.import).toBeNull();
    }
  });
});
