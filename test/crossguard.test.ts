import { spawn } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { crossGuardPolicies, validateResourceWith, validateStackWith } from "../tools/check/crossguard";
import { PLATFORM_POLICIES } from "../tools/check/policies";
import { PROJECT_DIR } from "../tools/cli/project";

const POLICY_DIR = path.join(PROJECT_DIR, "policy");
const policy = (id: string) => PLATFORM_POLICIES.find((p) => p.id === id)!;
const provider = (namespace: string) => ({ type: "pulumi:providers:kubernetes", props: { namespace }, urn: "urn:p", name: namespace });

function collect(run: (report: (message: string, urn?: string) => void) => void): { message: string; urn?: string }[] {
  const out: { message: string; urn?: string }[] = [];
  run((message, urn) => out.push({ message, urn }));
  return out;
}

const dc = (name: string, probe: boolean, annotations?: Record<string, string>) => ({
  apiVersion: "apps.openshift.io/v1",
  kind: "DeploymentConfig",
  metadata: { name, annotations },
  spec: {
    template: {
      spec: { containers: [{ name: "app", image: "x:1", ...(probe ? { readinessProbe: { tcpSocket: { port: 8080 } } } : {}) }] },
    },
  },
});

describe("CrossGuard adapters (the rules of npm run check, as validateResource/validateStack)", () => {
  it("one mandatory policy per platform rule, object rules per resource, namespace rules per stack", () => {
    const policies = crossGuardPolicies();
    expect(policies.map((p) => p.name)).toEqual(PLATFORM_POLICIES.map((p) => `hcap-${p.id}`));
    for (const p of policies) expect(p.enforcementLevel).toBe("mandatory");
    expect("validateResource" in policies.find((p) => p.name === "hcap-readiness-probe")!).toBe(true);
    expect("validateStack" in policies.find((p) => p.name === "hcap-protect-stateful")!).toBe(true);
  });

  it("validateResource reports a violation, honours a waiver with a reason, and ignores non-Kubernetes resources", () => {
    const validate = validateResourceWith(policy("readiness-probe"));
    const type = "kubernetes:apiextensions.k8s.io:CustomResource";
    expect(collect((r) => validate({ type, props: dc("api", false), provider: provider("f047a2-dev") }, r))).toEqual([
      { message: "container app has no readiness probe (at spec.template.spec.containers[0].readinessProbe)", urn: undefined },
    ]);
    expect(collect((r) => validate({ type, props: dc("api", true), provider: provider("f047a2-dev") }, r))).toEqual([]);
    const waived = dc("api", false, { "hcap.bcgov/waive-readiness-probe": "batch worker" });
    expect(collect((r) => validate({ type, props: waived, provider: provider("f047a2-dev") }, r))).toEqual([]);
    expect(
      collect((r) => validate({ type: "random:index/randomPassword:RandomPassword", props: { length: 32 }, provider: undefined }, r)),
    ).toEqual([]);
  });

  it("the namespace comes from the stack's provider: pinned images are a prod rule", () => {
    const validate = validateResourceWith(policy("pinned-image"));
    const props = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: { template: { spec: { containers: [{ name: "web", image: "nginx:latest" }] } } },
    };
    expect(collect((r) => validate({ type: "kubernetes:apps/v1:Deployment", props, provider: provider("f047a2-prod") }, r))).toHaveLength(
      1,
    );
    expect(collect((r) => validate({ type: "kubernetes:apps/v1:Deployment", props, provider: provider("f047a2-dev") }, r))).toEqual([]);
  });

  it("validateStack sees protect from the plan and names the resource by URN", () => {
    const validate = validateStackWith(policy("protect-stateful"));
    const sts = (protect: boolean) => ({
      type: "kubernetes:apps/v1:StatefulSet",
      urn: "urn:sts",
      provider: provider("f047a2-prod"),
      opts: { protect } as never,
      props: { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "hcap-patroni" }, spec: {} },
    });
    expect(collect((r) => validate({ resources: [sts(false)] }, r))).toEqual([
      { message: "StatefulSet hcap-patroni is not protected (resource option protect)", urn: "urn:sts" },
    ]);
    expect(collect((r) => validate({ resources: [sts(true)] }, r))).toEqual([]);
  });

  it("validateStack reports a missing deny-by-default policy for the stack as a whole", () => {
    const validate = validateStackWith(policy("deny-by-default"));
    const svc = {
      type: "kubernetes:core/v1:Service",
      urn: "urn:svc",
      provider: provider("f047a2-test"),
      opts: { protect: false } as never,
      props: { apiVersion: "v1", kind: "Service", metadata: { name: "s" } },
    };
    expect(collect((r) => validate({ resources: [svc] }, r))).toEqual([
      { message: expect.stringContaining("namespace f047a2-test has no deny-by-default NetworkPolicy"), urn: undefined },
    ]);
  });
});

describe("the policy pack loads the way `pulumi preview --policy-pack policy` starts it", () => {
  it("run-policy-pack (ts-node, from policy/) compiles the pack and serves it", async () => {
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [POLICY_DIR] });
    const child = spawn(process.execPath, [runner, "127.0.0.1:1", "."], { cwd: POLICY_DIR, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const first = await new Promise<string>((resolve) => {
      let stdout = "";
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes("\n")) resolve(stdout.split("\n")[0]);
      });
      child.on("exit", () => resolve(`exited: ${stdout}${stderr}`));
    });
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid);
    // The analyzer prints the port of its gRPC server once every policy is registered.
    expect(first).toMatch(/^\d+$/);
  });
});
