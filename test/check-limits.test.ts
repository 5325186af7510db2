/**
 * The run-time limit rules of `npm run check`, each against the program's own render broken in one
 * way: the broken render fails with that rule's id, naming the object and the field; the intact
 * render passes. The same rules run in the CrossGuard pack.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { validateStackWith } from "../tools/check/crossguard";
import type { KubeObject } from "../tools/kube/object";
import { PLATFORM_POLICIES } from "../tools/check/policies";
import { RULES, runCheck, type CheckReport, type CheckSource } from "../tools/check/run";
import { render } from "./harness";
import * as specs from "../tools/cli/commands/specs";
import { runInProcess } from "./cli-harness";

const NEW_RULES = [
  "router-admission",
  "name-limits",
  "int32",
  "resource-bounds",
  "route-host",
  "route-host-unique",
  "image-ref",
  "cron-time-zone",
  "cron-volume-collision",
];

type Mutable = { [k: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
let rendered: Record<"dev" | "test" | "prod", KubeObject[]>;

beforeAll(async () => {
  const out: Partial<typeof rendered> = {};
  for (const stack of ["dev", "test", "prod"] as const) out[stack] = (await render(stack)).objects as unknown as KubeObject[];
  rendered = out as typeof rendered;
}, 60_000);

/** A deep copy of a stack's render with `edit` applied. */
function broken(stack: "dev" | "test" | "prod", edit: (objects: Mutable[]) => Mutable[] | void): KubeObject[] {
  const copy = JSON.parse(JSON.stringify(rendered[stack])) as Mutable[];
  return (edit(copy) ?? copy) as KubeObject[];
}

function get(objects: Mutable[], kind: string, name: string): Mutable {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name} in the render`);
  return o;
}

function source(stack: string, objects: readonly KubeObject[]): CheckSource {
  const role = stack === "prod" ? "prod" : stack === "tools" ? "tools" : "env";
  return { label: stack, namespace: `f047a2-${stack}`, role, objects, report: true };
}

async function check(stack: "dev" | "test" | "prod", objects: readonly KubeObject[]): Promise<CheckReport> {
  return runCheck([source(stack, objects)]);
}

/** `kind/name at path` of the findings of `rule`. */
function hits(report: CheckReport, rule: string): string[] {
  return report.findings.filter((f) => f.rule === rule).map((f) => `${f.object} at ${f.path}`);
}

describe("the intact renders pass every new rule", () => {
  it("every new rule is a platform rule with a rationale (so CrossGuard enforces it too)", () => {
    for (const id of NEW_RULES) {
      expect(PLATFORM_POLICIES.map((p) => p.id)).toContain(id);
      expect(RULES[id]).toMatch(/^\S.{30,}$/);
    }
  });

  it("dev, test and prod together: no finding of these rules", async () => {
    const report = await runCheck((["dev", "test", "prod"] as const).map((s) => source(s, rendered[s])));
    expect(report.findings.filter((f) => NEW_RULES.includes(f.rule))).toEqual([]);
  });
});

describe("router-admission", () => {
  it("no policy admitting the router: every Route reports the pods behind it", async () => {
    const report = await check(
      "prod",
      broken("prod", (os) => os.filter((o) => !(o.kind === "NetworkPolicy" && /allow-router/.test(o.metadata.name)))),
    );
    expect(hits(report, "router-admission")).toEqual([
      "Route/hcap-client at spec.port.targetPort",
      "Route/hcap-client-api at spec.port.targetPort",
      "Route/hcap-server at spec.port.targetPort",
    ]);
    expect(report.findings.find((f) => f.rule === "router-admission")?.message).toMatch(
      /^pods of Deployment\/hcap-client behind this Route are not admitted from the OpenShift router on port \d+: no NetworkPolicy allows ingress from namespaces labelled network.openshift.io\/policy-group: ingress/,
    );
  });

  it("a policy that admits the router on another port does not count (the port is part of the rule)", async () => {
    const report = await check(
      "dev",
      broken("dev", (os) => {
        get(os, "NetworkPolicy", "hcap-allow-router-to-hcap-server").spec.ingress[0].ports = [{ protocol: "TCP", port: 9999 }];
      }),
    );
    expect(hits(report, "router-admission")).toEqual([
      "Route/hcap-client-api at spec.port.targetPort",
      "Route/hcap-server at spec.port.targetPort",
    ]);
  });

  it("a namespace without deny-by-default needs no admission policy", async () => {
    const report = await check(
      "dev",
      broken("dev", (os) => os.filter((o) => o.kind !== "NetworkPolicy")),
    );
    expect(hits(report, "router-admission")).toEqual([]);
  });
});

describe("name-limits", () => {
  it("a CronJob name over 52, a StatefulSet name over 52, a Service name starting with a digit, a label value over 63", async () => {
    const report = await check(
      "prod",
      broken("prod", (os) => {
        get(os, "CronJob", "hcap-backup-verify").metadata.name = `${"c".repeat(40)}-backup-verify`;
        get(os, "StatefulSet", "hcap-patroni").metadata.name = `${"s".repeat(45)}-patroni`;
        get(os, "Service", "hcap-server").metadata.name = "1hcap-server";
        get(os, "Deployment", "hcap-backup-restore").metadata.labels.app = "l".repeat(64);
      }),
    );
    expect(hits(report, "name-limits")).toEqual([
      "Service/1hcap-server at metadata.name",
      `StatefulSet/${"s".repeat(45)}-patroni at metadata.name`,
      "Deployment/hcap-backup-restore at metadata.labels.app",
      `CronJob/${"c".repeat(40)}-backup-verify at metadata.name`,
    ]);
    const messages = report.findings.filter((f) => f.rule === "name-limits").map((f) => f.message);
    expect(messages).toContain(
      `CronJob name ${"c".repeat(40)}-backup-verify is 54 characters, more than 52: the controller names each Job <name>-<minutes> and a Job name has at most 63`,
    );
    expect(messages).toContain(
      `StatefulSet name ${"s".repeat(45)}-patroni is 53 characters, more than 52: its pods' controller-revision-hash label <name>-<10-character hash> would exceed 63`,
    );
  });
});

describe("int32", () => {
  it("3,000,000,000 replicas", async () => {
    const report = await check(
      "prod",
      broken("prod", (os) => {
        get(os, "Deployment", "hcap-server").spec.replicas = 3_000_000_000;
      }),
    );
    expect(hits(report, "int32")).toEqual(["Deployment/hcap-server at spec.replicas"]);
    expect(report.findings.find((f) => f.rule === "int32")?.message).toBe(
      "replicas 3000000000 does not fit a 32-bit integer (at most 2147483647)",
    );
  });
});

describe("resource-bounds", () => {
  it("memory without a unit, 500 cores, 99999999Ti, a 2 MB Secret, 1,000,000 replicas", async () => {
    const report = await check(
      "prod",
      broken("prod", (os) => {
        get(os, "Deployment", "hcap-server").spec.template.spec.containers[0].resources.limits.memory = "512";
        get(os, "StatefulSet", "hcap-patroni").spec.template.spec.containers[0].resources.limits.cpu = "500";
        get(os, "PersistentVolumeClaim", "hcap-backup-data").spec.resources.requests.storage = "99999999Ti";
        get(os, "Secret", "hcap-keycloak").stringData = { realm: "r".repeat(2_000_000) };
        get(os, "Deployment", "hcap-client").spec.replicas = 1_000_000;
      }),
    );
    expect(hits(report, "resource-bounds")).toEqual([
      "Secret/hcap-keycloak at data",
      "PersistentVolumeClaim/hcap-backup-data at spec.resources.requests.storage",
      "StatefulSet/hcap-patroni at spec.template.spec.containers[0].resources.limits.cpu",
      "Deployment/hcap-client at spec.replicas",
      "Deployment/hcap-server at spec.template.spec.containers[0].resources.limits.memory",
    ]);
    const messages = report.findings.filter((f) => f.rule === "resource-bounds").map((f) => f.message);
    expect(messages).toContain("container hcap-server: memory 512 is less than 1Mi of memory (no unit means bytes: write e.g. 512Mi)");
    expect(messages).toContainEqual(
      expect.stringMatching(
        /^container [a-z-]+: cpu 500 cores is more CPU than any BC Gov namespace can hold \(limits at most 64 cores\)$/,
      ),
    );
  });
});

describe("route-host and route-host-unique", () => {
  it("a host that is not a DNS name", async () => {
    const report = await check(
      "dev",
      broken("dev", (os) => {
        get(os, "Route", "hcap-server").spec.host = "hcap_server.apps.gold.devops.gov.bc.ca";
      }),
    );
    expect(hits(report, "route-host")).toEqual(["Route/hcap-server at spec.host"]);
  });

  it("one host claimed by Routes of two stacks checked together", async () => {
    const devHost = get(rendered.dev as Mutable[], "Route", "hcap-server").spec.host as string;
    const test = broken("test", (os) => {
      get(os, "Route", "hcap-server").spec.host = devHost;
    });
    const report = await runCheck([source("dev", rendered.dev), source("test", test)]);
    expect(
      report.findings.filter((f) => f.rule === "route-host-unique").map((f) => `${f.source} ${f.object} at ${f.path}: ${f.message}`),
    ).toEqual([
      `dev Route/hcap-server at spec.host: host ${devHost} is also claimed by Route/hcap-server in f047a2-test`,
      `test Route/hcap-server at spec.host: host ${devHost} is also claimed by Route/hcap-server in f047a2-dev`,
    ]);
    expect(hits(await check("test", test), "route-host-unique")).toEqual([]);
  });
});

describe("image-ref", () => {
  it("an image with a space in its tag, a tag starting with '.'", async () => {
    const report = await check(
      "dev",
      broken("dev", (os) => {
        const c = get(os, "CronJob", "hcap-backup").spec.jobTemplate.spec.template.spec.containers[0];
        c.image = `${String(c.image).split(":").slice(0, -1).join(":")}:2.13 latest`;
        const server = get(os, "Deployment", "hcap-server").spec.template.spec.containers[0];
        server.image = `${String(server.image).split(":").slice(0, -1).join(":")}:.dev`;
      }),
    );
    expect(hits(report, "image-ref").sort()).toEqual([
      "CronJob/hcap-backup at spec.jobTemplate.spec.template.spec.containers[0].image",
      "Deployment/hcap-server at spec.template.spec.containers[0].image",
    ]);
  });
});

describe("cron-time-zone", () => {
  it("a lower-case zone Go's lookup does not find", async () => {
    const report = await check(
      "prod",
      broken("prod", (os) => {
        get(os, "CronJob", "hcap-backup").spec.timeZone = "america/vancouver";
      }),
    );
    expect(report.findings.filter((f) => f.rule === "cron-time-zone").map((f) => `${f.object} at ${f.path}: ${f.message}`)).toEqual([
      "CronJob/hcap-backup at spec.timeZone: time zone america/vancouver is not spelled as in the IANA database: America/Vancouver (the API server's lookup is case-sensitive)",
    ]);
  });
});

describe("cron-volume-collision", () => {
  it("the verification starting with the backup on the same volume", async () => {
    const report = await check(
      "prod",
      broken("prod", (os) => {
        get(os, "CronJob", "hcap-backup-verify").spec.schedule = get(os, "CronJob", "hcap-backup").spec.schedule;
      }),
    );
    expect(hits(report, "cron-volume-collision")).toEqual(["CronJob/hcap-backup-verify at spec.schedule"]);
    expect(report.findings.find((f) => f.rule === "cron-volume-collision")?.message).toMatch(
      /^starts within 60 minutes of CronJob\/hcap-backup .* both mount PersistentVolumeClaim hcap-backup-data/,
    );
  });
});

describe("the same rules in the CrossGuard pack", () => {
  it("route-host-unique and router-admission as validateStack", () => {
    const policy = (id: string) => PLATFORM_POLICIES.find((p) => p.id === id)!;
    const provider = { type: "pulumi:providers:kubernetes", props: { namespace: "f047a2-prod" }, urn: "urn:p", name: "p" };
    const objects = broken("prod", (os) => os.filter((o) => !(o.kind === "NetworkPolicy" && /allow-router/.test(o.metadata.name))));
    const resources = objects.map((o, i) => ({
      type: `kubernetes:x:${o.kind}`,
      urn: `urn:${i}`,
      props: o as unknown as Record<string, unknown>,
      opts: { protect: false } as never,
      provider,
    }));
    const reported: string[] = [];
    validateStackWith(policy("router-admission"))({ resources }, (message) => reported.push(message));
    expect(reported).toHaveLength(3);
    expect(reported[0]).toMatch(/not admitted from the OpenShift router .* \(at spec.port.targetPort\)$/);
  });
});

describe("npm run check -- --files over a broken render", () => {
  it("reports each fault with its rule id, object and field, and exits 1", async () => {
    const objects = broken("prod", (os) => {
      get(os, "CronJob", "hcap-backup").spec.timeZone = "america/vancouver";
      get(os, "Deployment", "hcap-server").spec.replicas = 3_000_000_000;
      get(os, "Route", "hcap-server").spec.host = "bad_host.apps.gold.devops.gov.bc.ca";
      return os.filter((o) => !(o.kind === "NetworkPolicy" && o.metadata.name === "hcap-allow-router-to-hcap-client"));
    });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "hcap-check-")), "f047a2-prod.yaml");
    fs.writeFileSync(file, objects.map((o) => stringify(o)).join("---\n"));
    const r = await runInProcess(specs.check, () => import("../tools/cli/commands/check"), ["--files", file]);
    expect(r.code).toBe(1);
    // Each finding: "  error   <Kind/name> [<rule>] <message>" and, on the next line, "          at <field>".
    const summary = [...r.stdout.matchAll(/^ {2}error +(\S+) \[([a-z0-9-]+)\] .*\n +at (\S+)$/gm)].map((m) => m.slice(1).join(" "));
    expect(summary).toEqual(
      expect.arrayContaining([
        "CronJob/hcap-backup cron-time-zone spec.timeZone",
        "Deployment/hcap-server int32 spec.replicas",
        "Route/hcap-server route-host spec.host",
        "Route/hcap-client router-admission spec.port.targetPort",
      ]),
    );
  }, 60_000);
});
