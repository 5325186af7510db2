import * as fs from "node:fs";
import * as path from "node:path";
import * as os from "node:os";
import { describe, expect, it } from "vitest";
import { readYamlMapping } from "../config/stack-file";
import { configError, projectWith, registeredCount, render } from "./harness";
import * as specs from "../tools/cli/commands/specs";
import { runInProcess } from "./cli-harness";

describe("invalid config names the file, the key and the reason, and declares nothing", () => {
  it("wrong type", async () => {
    const e = await configError("dev", { "hcap-infra:patroniReplicas": "three" });
    expect(e.message).toContain("Pulumi.dev.yaml: hcap-infra:patroniReplicas: must be a whole number");
  });

  it("unknown key, with a suggestion", async () => {
    const e = await configError("test", { "hcap-infra:serverReplica": 2 });
    expect(e.message).toContain("Pulumi.test.yaml: hcap-infra:serverReplica: unknown key (did you mean hcap-infra:serverReplicas?)");
  });

  it("negative replicas", async () => {
    const e = await configError("prod", { "hcap-infra:serverReplicas": -1 });
    expect(e.message).toContain("Pulumi.prod.yaml: hcap-infra:serverReplicas: must be 0 or more (got -1)");
  });

  it("bad cpu quantity", async () => {
    const e = await configError("dev", { "hcap-infra:serverCpuLimit": "lots" });
    expect(e.message).toContain('Pulumi.dev.yaml: hcap-infra:serverCpuLimit: must be a CPU quantity such as 250m or 1 (got "lots")');
  });

  it("cpu quantity not in the form the server stores (would drift forever)", async () => {
    const e = await configError("dev", { "hcap-infra:serverCpuLimit": "0.5" });
    expect(e.message).toContain("hcap-infra:serverCpuLimit: must be written as the API server stores it: 500m, not 0.5");
  });

  it("bad memory quantity", async () => {
    const e = await configError("test", { "hcap-infra:patroniMemoryLimit": "2GB" });
    expect(e.message).toContain('Pulumi.test.yaml: hcap-infra:patroniMemoryLimit: must be a quantity such as 512Mi or 1Gi (got "2GB")');
  });

  it("request above its limit", async () => {
    const e = await configError("dev", { "hcap-infra:serverMemoryRequest": "2Gi" });
    expect(e.message).toContain(
      "Pulumi.dev.yaml: hcap-infra:serverMemoryRequest: 2Gi is more than the limit hcap-infra:serverMemoryLimit = 512Mi",
    );
  });

  it("bad cron", async () => {
    const e = await configError("prod", { "hcap-infra:backupSchedule": "every night" });
    expect(e.message).toContain('Pulumi.prod.yaml: hcap-infra:backupSchedule: must be a five-field cron schedule (got "every night")');
  });

  it("cron that runs more often than the platform allows for a job with a volume", async () => {
    const e = await configError("prod", { "hcap-infra:backupSchedule": "*/10 * * * *" });
    expect(e.message).toContain("hcap-infra:backupSchedule: must not run more often than every 60 minutes");
  });

  it("a promoted commit that is not the short SHA CI tags images with (no such image tag exists)", async () => {
    const e = await configError("tools", { "hcap-infra:prodCommit": "5d6e7f8a9b0c1d2e3f405162738495a6b7c8d9e0" });
    expect(e.message).toContain(
      "Pulumi.tools.yaml: hcap-infra:prodCommit: must be the 7-character short SHA CI tags images with (e.g. 2a5b7fa), or empty",
    );
  });

  it("missing required key", async () => {
    const e = await configError("test", { "hcap-infra:serverHost": undefined });
    expect(e.message).toContain("Pulumi.test.yaml: hcap-infra:serverHost: is required for the test stack but is not set");
  });

  it("a key of the other kind of stack", async () => {
    const e = await configError("tools", { "hcap-infra:serverReplicas": 2 });
    expect(e.message).toContain("Pulumi.tools.yaml: hcap-infra:serverReplicas: is not used by the tools stack");
  });

  it("a password in clear text instead of a secret", async () => {
    const e = await configError("dev", { "hcap-infra:keycloakApiSecret": "hunter2" });
    expect(e.message).toContain(
      "Pulumi.dev.yaml: hcap-infra:keycloakApiSecret: must be stored as a secret, not in clear text: pulumi config set --secret hcap-infra:keycloakApiSecret <value> -s dev",
    );
    expect(e.message).not.toContain("hunter2");
  });

  it("a stack that is not one of the four", async () => {
    await expect(render("staging")).rejects.toThrow(
      'Pulumi.staging.yaml: stack: "staging" is not one of the four stacks: dev, test, prod, tools',
    );
    expect(registeredCount()).toBe(0);
  });

  it("the client's route host equal to the server's", async () => {
    const e = await configError("test", { "hcap-infra:clientHost": "hcap-server-f047a2-test.apps.gold.devops.gov.bc.ca" });
    expect(e.message).toContain(
      "Pulumi.test.yaml: hcap-infra:clientHost: must differ from hcap-infra:serverHost (both are hcap-server-f047a2-test.apps.gold.devops.gov.bc.ca)",
    );
  });

  it("client request above its limit", async () => {
    const e = await configError("prod", { "hcap-infra:clientCpuRequest": "500m" });
    expect(e.message).toContain(
      "Pulumi.prod.yaml: hcap-infra:clientCpuRequest: 500m is more than the limit hcap-infra:clientCpuLimit = 250m",
    );
  });

  it("reports every problem at once", async () => {
    const e = await configError("dev", { "hcap-infra:patroniReplicas": 0, "hcap-infra:clientHost": "not a host" });
    expect(e.issues.map((i) => i.key)).toEqual(["hcap-infra:patroniReplicas", "hcap-infra:clientHost"]);
  });
});

describe("npm run render on bad input", () => {
  it("exits non-zero with the message on stderr and nothing on stdout", async () => {
    const projectDir = projectWith("dev", { "hcap-infra:patroniReplicas": -3 });
    const result = await runInProcess(specs.render, () => import("../tools/cli/commands/render"), ["dev"], projectDir);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("Pulumi.dev.yaml: hcap-infra:patroniReplicas: must be 1 or more (got -3)");
  });
});

describe("keys declared in Pulumi.yaml without a default", () => {
  it("are refused offline exactly as the Pulumi CLI refuses them", async () => {
    const projectDir = projectWith("dev", {});
    const file = path.join(projectDir, "Pulumi.yaml");
    fs.writeFileSync(
      file,
      fs.readFileSync(file, "utf8").replace('  kubeContext:\n    type: string\n    default: ""\n', "  kubeContext:\n    type: string\n"),
    );
    await expect(render("dev", { projectDir })).rejects.toThrow(
      "Pulumi.dev.yaml: hcap-infra:kubeContext: is declared in Pulumi.yaml without a default, so Pulumi requires this stack to set it",
    );
  });
});

describe("stack files read once per text (config/stack-file.ts)", () => {
  it("an edited file is read afresh, and a caller's change to what it got never reaches the next read", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "hcap-yaml-")), "Pulumi.dev.yaml");
    fs.writeFileSync(file, "config:\n  hcap-infra:appName: one\n");
    // The first read parses, the later ones come from the cache: change both kinds of result.
    for (let i = 0; i < 2; i++) {
      const got = readYamlMapping(file, "dev") as { config: Record<string, string> };
      expect(got.config["hcap-infra:appName"]).toBe("one");
      got.config["hcap-infra:appName"] = "changed by a caller";
    }
    expect(readYamlMapping(file, "dev")).toEqual({ config: { "hcap-infra:appName": "one" } });
    fs.writeFileSync(file, "config:\n  hcap-infra:appName: two\n");
    expect(readYamlMapping(file, "dev")).toEqual({ config: { "hcap-infra:appName": "two" } });
  });
});
