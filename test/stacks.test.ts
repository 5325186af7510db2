import { describe, expect, it } from "vitest";
import { ENVIRONMENTS, STACKS } from "../config";
import { find, render } from "./harness";

describe("every stack lands in its own namespace", () => {
  it.each(STACKS)("%s: every object is in f047a2-<stack>, through the stack's own provider", async (stack) => {
    const { objects, plan } = await render(stack);
    expect(objects.length).toBeGreaterThan(0);
    for (const o of objects) expect(o.metadata.namespace).toBe(`f047a2-${stack}`);

    const providers = plan.filter((e) => e.type === "pulumi:providers:kubernetes");
    // tools has a second provider for the environment ImageStreamTags only (no server-side apply).
    expect(providers.map((p) => p.name)).toEqual(stack === "tools" ? ["f047a2-tools", "f047a2-tools-image-tags"] : [`f047a2-${stack}`]);
    for (const e of plan.filter((e) => e.type.startsWith("kubernetes:"))) expect(e.namespace).toBe(`f047a2-${stack}`);
  });

  it("a stack provider is configured with the namespace and nothing ambient", async () => {
    const { ev } = await render("dev");
    const provider = ev.resources.find((r) => r.type === "pulumi:providers:kubernetes");
    expect(provider?.inputs).toMatchObject({ namespace: "f047a2-dev", enableServerSideApply: "true", enableSecretMutable: "true" });
    expect(provider?.inputs.context).toBeUndefined();
  });
});

describe("deterministic render", () => {
  it("two evaluations of one stack give the same objects in the same order", async () => {
    const a = await render("prod");
    const b = await render("prod", { fresh: true });
    expect(b.objects).toEqual(a.objects);
    expect(b.plan).toEqual(a.plan);
  });

  it("an evaluation turns V8's stack traces off only while the SDK runs (tools/evaluate/evaluate.ts)", async () => {
    const before = Error.stackTraceLimit;
    expect(before).toBeGreaterThan(0);
    await render("dev", { fresh: true });
    expect(Error.stackTraceLimit).toBe(before);
  });
});

describe("platform network baseline", () => {
  it.each(ENVIRONMENTS)("%s denies ingress by default and lets the router reach only routed pods", async (env) => {
    const { objects } = await render(env);
    expect(find(objects, "NetworkPolicy", "hcap-deny-by-default").spec).toEqual({ podSelector: {}, policyTypes: ["Ingress"], ingress: [] });
    const router = find(objects, "NetworkPolicy", "hcap-allow-router-to-hcap-server").spec as Record<string, unknown>;
    expect(router.podSelector).toEqual({ matchLabels: { name: "hcap-server" } });
  });
});
