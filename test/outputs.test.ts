/**
 * What the commands print for people: the npm start summary, the grouped check report and its GitHub
 * annotations, the diff's summary line and collapsed sections, the stack graph, and the README's
 * system diagrams (which must be what the program draws today).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { formatGithub, formatText } from "../tools/check/format";
import type { CheckReport } from "../tools/check/run";
import { diffSnapshots, toMarkdown } from "../tools/diff/plan-diff";
import { graphChange, stackGraph, toMermaid } from "../tools/graph/graph";
import { PROJECT_DIR } from "../tools/cli/project";
import type { KubeObject } from "../tools/kube/object";
import { SNAPSHOT_FORMAT, type Snapshot } from "../tools/evaluate/snapshot";
import { stackSummary, totalLine } from "../tools/evaluate/summary";
import { generatedBlock, systemDiagrams } from "../tools/graph/system-diagram";
import { find, projectWith, render, type Rendered } from "./harness";

let dev: Rendered;
let tools: Rendered;
beforeAll(async () => {
  dev = await render("dev");
  tools = await render("tools");
});

/** Mermaid edges `a -->|"label"| b` as [from, label, to], node ids mapped back to their labels. */
function parseMermaid(text: string): { nodes: Map<string, string>; edges: [string, string, string][] } {
  const lines = text.split("\n");
  expect(lines[0]).toBe("flowchart LR");
  const nodes = new Map<string, string>();
  for (const l of lines) {
    const m = /^\s+(\w+)\["([^"]+)"\]$/.exec(l);
    if (m) nodes.set(m[1], m[2].replace("<br/>", " "));
  }
  const edges: [string, string, string][] = [];
  for (const l of lines) {
    const m = /^\s+(\w+) (?:-->|==>|-\.->)\|"([^"]*)"\| (\w+)$/.exec(l);
    if (!m) continue;
    expect(nodes.has(m[1]), `edge from undeclared node ${m[1]}`).toBe(true);
    expect(nodes.has(m[3]), `edge to undeclared node ${m[3]}`).toBe(true);
    edges.push([nodes.get(m[1]) as string, m[2], nodes.get(m[3]) as string]);
  }
  return { nodes, edges };
}

describe("npm run graph -- dev", () => {
  it("draws components with their objects and the references a reviewer follows", () => {
    const text = toMermaid(stackGraph(dev.objects, dev.plan));
    const { edges } = parseMermaid(text);
    const edge = (from: string, to: string) => edges.find(([f, , t]) => f === from && t === to);
    expect(edge("Route hcap-client", "Service hcap-client")?.[1]).toBe("port web");
    expect(edge("Route hcap-client-api", "Service hcap-server")).toBeDefined();
    expect(edge("Service hcap-server", "Deployment hcap-server")?.[1]).toBe("selects pods");
    expect(edge("Service hcap-patroni", "StatefulSet hcap-patroni")?.[1]).toBe("selects pods");
    expect(edge("Deployment hcap-server", "Secret hcap-patroni")?.[1]).toBe("keys: db-name, db-password, db-username");
    // The Deployment runs the environment's image by its internal-registry reference (not promoted yet: :dev).
    expect(edge("Deployment hcap-server", "ImageStreamTag f047a2-tools/hcap-server:dev")?.[1]).toBe("image");
    expect(edge("StatefulSet hcap-patroni", "ImageStreamTag f047a2-tools/hcap-patroni:12.4")?.[1]).toBe("image");
    expect(edge("CronJob hcap-backup", "PersistentVolumeClaim hcap-backup-data")?.[1]).toBe("mounts");
    // Objects sit in the subgraph of the component that declares them.
    expect(text).toMatch(/subgraph \w+\["PatroniCluster database"\]\n(?: {4}.+\n)*? {4}n_StatefulSet_hcap_patroni\[/);
  });

  it("tools: builds write their image tags", () => {
    const { edges } = parseMermaid(toMermaid(stackGraph(tools.objects, tools.plan)));
    expect(edges).toContainEqual(["BuildConfig hcap-server", "builds", "ImageStreamTag hcap-server:latest"]);
  });

  it("the changed part: a Route pointed at another Service shows the old edge dotted, the new one bold", () => {
    const before = stackGraph(dev.objects, dev.plan);
    const route = find(dev.objects, "Route", "hcap-client-api");
    const moved = { ...route, spec: { ...(route.spec as object), to: { kind: "Service", name: "hcap-client" } } } as KubeObject;
    const after = stackGraph(
      dev.objects.map((o) => (o === route ? moved : o)),
      dev.plan,
    );
    const text = graphChange(before, after, new Set(["Route/hcap-client-api"]));
    expect(text).toContain('n_Route_hcap_client_api -.->|"port web"| n_Service_hcap_server');
    expect(text).toContain('n_Route_hcap_client_api ==>|"port web"| n_Service_hcap_client');
    expect(text).toContain("class n_Route_hcap_client_api changed");
    expect(text).not.toContain("NetworkPolicy");
    expect(graphChange(before, before, new Set())).toBe("");
  });
});

describe("npm start summary", () => {
  it("at most 100 characters a line, with the URLs, the commit, sorted kinds and the placeholders", () => {
    const lines = stackSummary({
      stack: "dev",
      namespace: "f047a2-dev",
      objects: dev.objects,
      plan: dev.plan,
      placeholderSecrets: dev.ev.placeholderSecrets,
      commit: "2a5b7fa",
      wrote: ["out/dev.yaml", "out/dev.plan.json"],
    });
    for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(100);
    const text = lines.join("\n");
    const host = (find(dev.objects, "Route", "hcap-client").spec as { host: string }).host;
    expect(text).toContain(`https://${host}`);
    expect(text).toContain(`https://${host}/api`);
    expect(text).toMatch(/\n {2}commit: +2a5b7fa\n/);
    expect(text).toMatch(/\n {2}kinds: +ConfigMap 1, CronJob 1, Deployment 3, NetworkPolicy 5,/);
    expect(text).toMatch(/\n {2}placeholders: +keycloakApiSecret, keycloakSaPassword, keycloakSaUsername\n/);
    expect(lines[0]).toBe(`dev    f047a2-dev: ${dev.objects.length} objects, ${dev.plan.length} resources`);
  });

  it("prod's long protected list wraps instead of running on; tools shows what each env runs", async () => {
    const prod = await render("prod");
    const lines = stackSummary({
      stack: "prod",
      namespace: "f047a2-prod",
      objects: prod.objects,
      plan: prod.plan,
      placeholderSecrets: [],
      commit: "",
      wrote: [],
    });
    for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(100);
    expect(lines.filter((l) => /^ {16}\S/.test(l)).length).toBeGreaterThan(0);
    expect(lines.join("\n")).toContain("StatefulSet/hcap-patroni");
    expect(lines.join("\n")).toContain("none promoted yet, nothing runs (npm run promote -- prod <sha>)");
    const t = stackSummary({
      stack: "tools",
      namespace: "f047a2-tools",
      objects: tools.objects,
      plan: tools.plan,
      placeholderSecrets: [],
      promotions: { dev: "1234567", test: "", prod: "" },
      wrote: [],
    });
    expect(t).toContain("  promoted:     dev 1234567, test (none), prod (none)");
    expect(totalLine({ stacks: 4, objects: 87, resources: 128, protected: 12, placeholders: 9 }, "out/")).toBe(
      "total: 4 stacks, 87 objects, 128 resources, 12 protected, 9 placeholder secrets; written to out/",
    );
  });
});

const REPORT: CheckReport = {
  findings: [
    {
      severity: "warning",
      source: "dev",
      namespace: "f047a2-dev",
      object: "Route/a",
      rule: "route-tls",
      message: "no tls",
      path: "spec.tls",
    },
    {
      severity: "error",
      source: "dev",
      namespace: "f047a2-dev",
      object: "DeploymentConfig/x",
      rule: "ref-secret",
      message: "Secret s has no key k, nor j",
      path: "",
    },
    {
      severity: "error",
      source: "prod",
      namespace: "f047a2-prod",
      object: "StatefulSet/db",
      rule: "protect-stateful",
      message: "not protected: 100%",
      path: "",
    },
  ],
  objects: 50,
  errors: 2,
  warnings: 1,
  waived: 0,
  schema: { strict: 30, partial: 0, skipped: 20 },
  notes: [
    "schema of DeploymentConfig not checked (OpenShift kind: no --openapi document)",
    "schema of Route not checked (OpenShift kind: no --openapi document)",
  ],
};

describe("npm run check output", () => {
  it("groups by stack, errors before warnings, one collapsed note, summary last", () => {
    const lines = formatText(REPORT).trimEnd().split("\n");
    expect(lines).toEqual([
      "dev (f047a2-dev): 1 error, 1 warning",
      "  error   DeploymentConfig/x [ref-secret] Secret s has no key k, nor j",
      "  warning Route/a [route-tls] no tls",
      "          at spec.tls",
      "",
      "prod (f047a2-prod): 1 error, 0 warnings",
      "  error   StatefulSet/db [protect-stateful] not protected: 100%",
      "",
      "note: schema: 2 kinds not checked (DeploymentConfig, Route); --verbose says why",
      "check: 50 objects, 2 errors, 1 warning (schema not checked for 20 objects)",
    ]);
    expect(formatText(REPORT, { verbose: true })).toContain("note: schema of Route not checked (OpenShift kind: no --openapi document)\n");
  });

  it("--format github: one annotation per finding on the stack file, properties and data escaped", () => {
    const lines = formatGithub(REPORT, (s) => `Pulumi.${s}.yaml`)
      .trimEnd()
      .split("\n");
    expect(lines[0]).toBe("::warning file=Pulumi.dev.yaml,title=route-tls%3A dev Route/a::no tls (at spec.tls)");
    expect(lines[1]).toBe("::error file=Pulumi.dev.yaml,title=ref-secret%3A dev DeploymentConfig/x::Secret s has no key k, nor j");
    expect(lines[2]).toBe("::error file=Pulumi.prod.yaml,title=protect-stateful%3A prod StatefulSet/db::not protected: 100%25");
    expect(lines[lines.length - 1]).toBe("check: 50 objects, 2 errors, 1 warning (schema not checked for 20 objects)");
  });
});

function snapshot(objects: readonly KubeObject[]): Snapshot {
  return { format: SNAPSHOT_FORMAT, stack: "dev", namespace: "f047a2-dev", objects, plan: [], secrets: "digest" };
}

describe("npm run diff report", () => {
  const cm = (name: string, value: string): KubeObject =>
    ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "f047a2-dev" }, data: { a: value } }) as KubeObject;

  it("starts with one summary line; no changes says so", () => {
    const same = diffSnapshots(snapshot([cm("a", "1")]), snapshot([cm("a", "1")]));
    expect(toMarkdown(same, { stack: "dev", namespace: "f047a2-dev", base: "b", head: "h" }).split("\n")[0]).toBe(
      "**`dev`** (f047a2-dev): no changes",
    );
    const one = diffSnapshots(snapshot([cm("a", "1")]), snapshot([cm("a", "2"), cm("b", "1")]));
    const md = toMarkdown(one, { stack: "dev", namespace: "f047a2-dev", base: "b", head: "h" });
    expect(md.split("\n")[0]).toBe("**`dev`** (f047a2-dev): 1 added, 0 removed, 1 changed");
    // Small changes stay open.
    expect(md).not.toContain("<details><summary>1 object changed");
  });

  it("a large change collapses its sections, and the graph of the change comes collapsed too", () => {
    const before = Array.from({ length: 6 }, (_, i) => cm(`c${i}`, "1"));
    const after = Array.from({ length: 6 }, (_, i) => cm(`c${i}`, "2"));
    const md = toMarkdown(diffSnapshots(snapshot(before), snapshot(after)), {
      stack: "dev",
      namespace: "f047a2-dev",
      base: "b",
      head: "h",
      graph: "flowchart LR\n  a --> b\n",
    });
    expect(md).toContain("#### Changed\n\n<details><summary>6 objects changed, 6 fields</summary>");
    expect(md).toContain(
      "<details><summary>Mermaid diagram (green added, red removed, yellow changed)</summary>\n\n```mermaid\nflowchart LR",
    );
    expect(md.split("\n")[0]).toBe("**`dev`** (f047a2-dev): 0 added, 0 removed, 6 changed");
  });
});

describe("README system diagrams", () => {
  it("are exactly what npm run graph -- --system draws now (run it with --write after a change)", async () => {
    const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
    const expected = await systemDiagrams(PROJECT_DIR);
    expect(generatedBlock(readme)).toBe(expected);
    for (const ns of ["f047a2-tools", "f047a2-dev", "f047a2-test", "f047a2-prod"]) expect(expected).toContain(`["${ns}"]`);
    for (const wf of fs.readdirSync(path.join(PROJECT_DIR, ".github", "workflows"))) expect(expected).toContain(`["${wf}<br/>`);
    expect(expected).toMatch(/f047a2_tools_ImageStream_hcap_server -->\|":prod"\| f047a2_prod_Deployment_hcap_server\n/);
    expect(expected).toMatch(/f047a2_prod_Deployment_hcap_server -->\|"SQL"\| f047a2_prod_StatefulSet_hcap_patroni\n/);
    expect(expected).toContain('(["schedule 17 6 * * 1-5"])');
  });
});

describe("the PR workflow", () => {
  it("runs the check with GitHub annotations and puts each stack's diff summary line at the top", () => {
    const text = fs.readFileSync(path.join(PROJECT_DIR, ".github", "workflows", "preview.yml"), "utf8");
    expect(text).toMatch(/\n {8}run: npm run --silent check -- .*--format github\n/);
    expect(text).toContain('echo "- $(head -n1 "offline-diff/$stack.md")"');
  });
});

describe("npm run graph -- tools, promoted", () => {
  it("an environment's tag points at the commit's tag, and every tag at its image stream", async () => {
    const promoted = await render("tools", { projectDir: projectWith("tools", { "hcap-infra:devCommit": "1234567" }) });
    const { edges } = parseMermaid(toMermaid(stackGraph(promoted.objects, promoted.plan)));
    expect(edges).toContainEqual(["ImageStreamTag hcap-server:dev", "from", "ImageStreamTag hcap-server:1234567"]);
    expect(edges).toContainEqual(["ImageStreamTag hcap-server:dev", "tag of", "ImageStream hcap-server"]);
    expect(edges).toContainEqual(["ImageStreamTag hcap-patroni:12.4", "tag of", "ImageStream hcap-patroni"]);
  });
});
