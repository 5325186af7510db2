import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { diffPlans, diffSnapshots, diffValues, hasChanges, toMarkdown, type StackDiff } from "../tools/diff/plan-diff";
import type { DeclaredResource, StackEvaluation } from "../tools/evaluate/evaluate";
import { SecretValue } from "../tools/kube/secret";
import type { PlanEntry } from "../tools/evaluate/render";
import type { KubeObject } from "../tools/kube/object";
import { SNAPSHOT_FORMAT, snapshotOf, type Snapshot } from "../tools/evaluate/snapshot";
import { gitProjectCopy, projectWith, render } from "./harness";
import { onlyProgress, runScript } from "./cli-harness";

const NS = "f047a2-dev";
const META = { stack: "dev", namespace: NS, base: "base", head: "head" };

function obj(kind: string, name: string, body: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: "v1", kind, metadata: { name, namespace: NS }, ...body };
}

function dc(env: Array<{ name: string; value?: string }>, replicas = 1): KubeObject {
  return obj("DeploymentConfig", "hcap-server", {
    spec: {
      replicas,
      template: {
        spec: {
          containers: [
            { name: "hcap-server", image: " ", env },
            { name: "sidecar", env: [] },
          ],
        },
      },
    },
  });
}

function entry(type: string, name: string, over: Partial<PlanEntry> = {}): PlanEntry {
  return {
    type,
    name,
    urn: `urn:pulumi:dev::hcap-infra::${type}::${name}`,
    parent: null,
    namespace: null,
    protect: false,
    retainOnDelete: false,
    ignoreChanges: [],
    deleteBeforeReplace: false,
    import: null,
    dependsOn: [],
    ...over,
  };
}

function snap(objects: KubeObject[], plan: PlanEntry[] = []): Snapshot {
  return { format: SNAPSHOT_FORMAT, stack: "dev", namespace: NS, objects, plan, secrets: "digest" };
}

const digest = (v: string): string => `[secret:hmac:${Buffer.from(v).toString("hex")}]`;

describe("diff of hand-made object sets", () => {
  it("an added object is listed as added, with its YAML", () => {
    const d = diffSnapshots(snap([obj("Service", "a")]), snap([obj("Service", "a"), obj("Route", "b", { spec: { host: "x" } })]));
    expect(d.added.map((o) => o.metadata.name)).toEqual(["b"]);
    expect(d.removed).toEqual([]);
    expect(d.changed).toEqual([]);
    const md = toMarkdown(d, META);
    expect(md).toContain("#### Added");
    expect(md).toContain(`\`Route/${NS}/b\``);
    expect(md).toContain("host: x");
  });

  it("a removed object is listed as removed", () => {
    const d = diffSnapshots(snap([obj("Service", "a"), obj("Service", "gone")]), snap([obj("Service", "a")]));
    expect(d.removed.map((o) => o.metadata.name)).toEqual(["gone"]);
    expect(d.added).toEqual([]);
    expect(toMarkdown(d, META)).toMatch(/#### Removed\n\n- `Service\/f047a2-dev\/gone`/);
  });

  it("objects are keyed by kind too: same name, different kind is a different object", () => {
    const d = diffSnapshots(snap([obj("Service", "hcap-server")]), snap([obj("Route", "hcap-server")]));
    expect(d.added.map((o) => o.kind)).toEqual(["Route"]);
    expect(d.removed.map((o) => o.kind)).toEqual(["Service"]);
  });

  it("a changed object lists field paths, matching list items by name", () => {
    const before = dc([
      { name: "PORT", value: "8080" },
      { name: "OLD", value: "x" },
    ]);
    const after = dc(
      [
        { name: "NEW", value: "y" },
        { name: "PORT", value: "9090" },
      ],
      2,
    );
    const d = diffSnapshots(snap([before]), snap([after]));
    expect(d.changed).toHaveLength(1);
    expect(d.changed[0].key).toBe(`DeploymentConfig/${NS}/hcap-server`);
    const env = "spec.template.spec.containers[name=hcap-server].env";
    expect(d.changed[0].fields).toEqual([
      { path: "spec.replicas", kind: "changed", before: 1, after: 2 },
      { path: `${env}[name=PORT].value`, kind: "changed", before: "8080", after: "9090" },
      { path: `${env}[name=OLD]`, kind: "removed", before: { name: "OLD", value: "x" } },
      { path: `${env}[name=NEW]`, kind: "added", after: { name: "NEW", value: "y" } },
    ]);
    const md = toMarkdown(d, META);
    expect(md).toContain(`| \`${env}[name=PORT].value\` | \`"8080"\` | \`"9090"\` |`);
  });

  it("lists without names are compared by position", () => {
    expect(diffValues({ args: ["a", "b"] }, { args: ["a", "c", "d"] })).toEqual([
      { path: "args[1]", kind: "changed", before: "b", after: "c" },
      { path: "args[2]", kind: "added", after: "d" },
    ]);
  });

  it("a reordered named list is reported (order matters to the server)", () => {
    const f = diffValues({ ports: [{ name: "a" }, { name: "b" }] }, { ports: [{ name: "b" }, { name: "a" }] });
    expect(f).toEqual([{ path: "ports", kind: "reordered", before: ["a", "b"], after: ["b", "a"] }]);
  });

  it("identical snapshots give no changes", () => {
    const s = snap([dc([{ name: "PORT", value: "8080" }])], [entry("random:index/randomPassword:RandomPassword", "pw")]);
    const d = diffSnapshots(s, s);
    expect(hasChanges(d)).toBe(false);
    expect(toMarkdown(d, META)).toContain("No changes.");
  });
});

describe("secrets in the diff", () => {
  const secret = (v: string): KubeObject => obj("Secret", "hcap-keycloak", { stringData: { apiSecret: digest(v), realm: "moh" } });

  it("a changed secret value shows as changed (secret), with neither value nor digest printed", () => {
    const d = diffSnapshots(snap([secret("old-pw")]), snap([secret("new-pw")]));
    expect(d.changed[0].fields).toEqual([{ path: "stringData.apiSecret", kind: "secret" }]);
    const md = toMarkdown(d, META);
    expect(md).toContain("| `stringData.apiSecret` | changed (secret) | |");
    for (const leak of [digest("old-pw"), digest("new-pw"), "hmac", Buffer.from("old-pw").toString("hex")]) {
      expect(md).not.toContain(leak);
    }
  });

  it("an unchanged secret (same digest) is no change", () => {
    expect(hasChanges(diffSnapshots(snap([secret("pw")]), snap([secret("pw")])))).toBe(false);
  });

  it("an added object with a secret prints the placeholder, not the digest", () => {
    const md = toMarkdown(diffSnapshots(snap([]), snap([secret("pw")])), META);
    expect(md).toContain('apiSecret: "[secret]"');
    expect(md).not.toContain(digest("pw"));
  });

  it("a value that turns secret shows neither side", () => {
    const f = diffValues({ env: [{ name: "PW", value: "plain" }] }, { env: [{ name: "PW", value: digest("plain") }] });
    expect(f).toEqual([{ path: "env[name=PW].value", kind: "secret" }]);
  });

  it("snapshotOf digests real secret inputs with the run's key: same value same digest, new value new digest", async () => {
    const { ev } = await render("dev");
    const k8s = ev.resources.find((r) => r.type.startsWith("kubernetes:"));
    if (!k8s) throw new Error("dev renders no Kubernetes object");
    const withSecret = (value: string): StackEvaluation => {
      const r: DeclaredResource = {
        ...k8s,
        urn: `${k8s.urn}-secret`,
        type: "kubernetes:core/v1:Secret",
        name: "diff-test-secret",
        inputs: {
          apiVersion: "v1",
          kind: "Secret",
          metadata: { name: "diff-test-secret" },
          stringData: new SecretValue({ apiSecret: value }),
        },
      };
      return { ...ev, resources: [...ev.resources, r] };
    };
    const key = randomBytes(32);
    const a = snapshotOf(withSecret("fake-secret-one"), key);
    const same = snapshotOf(withSecret("fake-secret-one"), key);
    const b = snapshotOf(withSecret("fake-secret-two"), key);
    expect(JSON.stringify(a)).not.toContain("fake-secret-one");
    expect(hasChanges(diffSnapshots(a, same))).toBe(false);
    const d = diffSnapshots(a, b);
    expect(d.changed).toEqual([{ key: `Secret/${NS}/diff-test-secret`, fields: [{ path: "stringData.apiSecret", kind: "secret" }] }]);
    expect(toMarkdown(d, META)).not.toMatch(/fake-secret|hmac/);
  });
});

describe("plan-level safety changes", () => {
  const sts = "kubernetes:apps/v1:StatefulSet";
  it("protect, retainOnDelete and import toggles are reported", () => {
    const s = diffPlans(
      [entry(sts, "hcap-patroni", { protect: true, retainOnDelete: true })],
      [entry(sts, "hcap-patroni", { protect: false, retainOnDelete: true, import: `${NS}/hcap-patroni` })],
    );
    expect(s).toEqual([
      { resource: `${sts} hcap-patroni`, message: "`protect` true → false" },
      { resource: `${sts} hcap-patroni`, message: `\`import\` none → \`${NS}/hcap-patroni\`` },
    ]);
  });

  it("a hook bound or dropped is reported (the tag source check guards what a tag may point at)", () => {
    const tag = "kubernetes:image.openshift.io/v1:ImageStreamTag";
    const check = { beforeCreate: ["environment-tag-source"], beforeUpdate: ["environment-tag-source"] };
    expect(diffPlans([entry(tag, "hcap-server:dev", { hooks: check })], [entry(tag, "hcap-server:dev")])).toEqual([
      {
        resource: `${tag} hcap-server:dev`,
        message: "`hooks` beforeCreate: environment-tag-source; beforeUpdate: environment-tag-source → none",
      },
    ]);
    expect(diffPlans([entry(tag, "hcap-server:dev", { hooks: check })], [entry(tag, "hcap-server:dev", { hooks: { ...check } })])).toEqual(
      [],
    );
  });

  it("a resource whose URN changes (new parent) is flagged as a replacement", () => {
    const before = entry(sts, "hcap-patroni");
    const after = { ...before, urn: `urn:pulumi:dev::hcap-infra::hcap:db:Patroni$${sts}::hcap-patroni` };
    const [s] = diffPlans([before], [after]);
    expect(s.message).toMatch(/^URN changes \(new parent\): Pulumi deletes and recreates it unless an alias is added/);
  });

  it("removing a random password or a protected object is reported; a new plain Kubernetes object is not", () => {
    const s = diffPlans(
      [entry("random:index/randomPassword:RandomPassword", "pw"), entry(sts, "db", { protect: true })],
      [entry("kubernetes:core/v1:Service", "svc")],
    );
    expect(s.map((x) => x.message)).toEqual([
      expect.stringMatching(/^removed: its value/),
      expect.stringMatching(/^removed while protected/),
    ]);
  });

  it("safety changes reach the report", () => {
    const d: StackDiff = diffSnapshots(snap([], [entry(sts, "db", { protect: true })]), snap([], [entry(sts, "db", { protect: false })]));
    expect(toMarkdown(d, META)).toContain("- :warning: `kubernetes:apps/v1:StatefulSet db`: `protect` true → false");
  });
});

describe("diff of two real renders", () => {
  it("renaming the app in dev removes every object and adds the renamed ones", async () => {
    const key = randomBytes(32);
    const base = snapshotOf((await render("dev")).ev, key);
    const head = snapshotOf((await render("dev", { projectDir: projectWith("dev", { "hcap-infra:appName": "hcapx" }) })).ev, key);
    const d = diffSnapshots(base, head);
    expect(d.removed.length).toBe(base.objects.length);
    expect(d.added.length).toBe(head.objects.length);
    expect(d.added.every((o) => o.metadata.name.startsWith("hcapx-"))).toBe(true);
  });
});

function withoutProjectDir(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.HCAP_INFRA_PROJECT_DIR;
  return env;
}

describe("npm run diff between git refs", () => {
  const repo = gitProjectCopy({ commitBefore: true });
  // rmSync unlinks the node_modules symlink; it never follows it into this checkout.
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));
  const diff = (...args: string[]) => runScript("diff", args, { root: repo });

  it("fails clearly when the base predates the render script", () => {
    const r = diff("dev", "--base", "HEAD~1");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/base HEAD~1 \([0-9a-f]{7}\) has no scripts\/render\.ts \(it predates the offline render\)/);
    expect(r.stdout).toBe("");
  });

  it("diffs all four stacks in one command (the base of all four rendered in one process, with its own code), reports working-tree edits, leaves no worktree behind, its own or a killed diff's", () => {
    // The worktree of a diff killed before its clean-up ran: named after a pid that no longer runs.
    const gone = spawnSync(process.execPath, ["-e", "0"]).pid;
    const stale = path.join(os.tmpdir(), `hcap-infra-base-${gone}-stale`);
    spawnSync("git", ["worktree", "add", "--detach", stale, "HEAD"], { cwd: repo });
    const worktrees = () => spawnSync("git", ["worktree", "list"], { cwd: repo, encoding: "utf8" }).stdout.trim().split("\n");
    expect(worktrees()).toHaveLength(2);
    const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "hcap-infra-procs-")), "procs");
    const preload = `${log}.cjs`;
    // Logs every node process the command starts (NODE_OPTIONS reaches them all, and their worker threads).
    fs.writeFileSync(
      preload,
      `if (require("worker_threads").isMainThread) require("fs").appendFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)) + "\\n");\n`,
    );
    const file = path.join(repo, "Pulumi.prod.yaml");
    const original = fs.readFileSync(file, "utf8");
    fs.appendFileSync(file, "  hcap-infra:appName: hcapy\n");
    const devFile = path.join(repo, "Pulumi.dev.yaml");
    const devOriginal = fs.readFileSync(devFile, "utf8");
    fs.appendFileSync(devFile, "  hcap-infra:appName: hcapx\n");
    try {
      const r = spawnSync(process.execPath, ["launch/run.cjs", "scripts/diff.ts", "--base", "HEAD", "--exit-code"], {
        cwd: repo,
        encoding: "utf8",
        env: { ...withoutProjectDir(), NODE_OPTIONS: `--require ${preload}` },
      });
      // Only progress lines on stderr ("diff: rendering ……"), no error.
      expect(onlyProgress(r.stderr), r.stderr).toBe(true);
      expect(r.status).toBe(3);
      expect(r.stdout).toMatch(/^\*\*`dev`\*\* \(f047a2-dev\): \d+ added, \d+ removed, \d+ changed/m);
      expect(r.stdout).toContain("### Offline plan diff: `dev` (f047a2-dev)");
      expect(r.stdout).toContain("#### Added");
      expect(r.stdout).toContain("NetworkPolicy/f047a2-dev/hcapx-deny-by-default");
      expect(r.stdout).not.toContain("bare placeholder");
      expect(worktrees()).toHaveLength(1);
      expect(fs.existsSync(stale)).toBe(false);
      const headings = [...r.stdout.matchAll(/^### Offline plan diff: `(\w+)`/gm)].map((m) => m[1]);
      expect(headings).toEqual(["dev", "test", "prod", "tools"]);
      const prod = r.stdout.slice(r.stdout.indexOf("`prod`"), r.stdout.indexOf("`tools`"));
      expect(prod).toContain("NetworkPolicy/f047a2-prod/hcapy-deny-by-default");
      expect(r.stdout.slice(r.stdout.indexOf("`tools`"))).toContain("No changes.");
      const processes = fs
        .readFileSync(log, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as string[]);
      expect(processes).toEqual([
        ["scripts/diff.ts", "--base", "HEAD", "--exit-code"],
        ["scripts/render.ts", "--snapshot", "dev", "test", "prod", "tools"],
      ]);
    } finally {
      fs.writeFileSync(file, original);
      fs.writeFileSync(devFile, devOriginal);
      fs.rmSync(path.dirname(log), { recursive: true, force: true });
    }
  });

  it("rejects an unknown stack with the usage line", () => {
    const r = diff("staging");
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /^diff: unknown stack "staging": one of dev, test, prod, tools\nusage: npm run diff -- \[<dev\|test\|prod\|tools>…\]/,
    );
  });
});
