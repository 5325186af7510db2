/**
 * The offline commands leave nothing half done: out/ is replaced as a whole or not at all, an
 * interrupted `npm run diff` leaves no worktree behind, and the commands work from any folder.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UsageError } from "../tools/cli/cli";
import { writeOutputs } from "../tools/evaluate/out-dir";
import * as specs from "../tools/cli/commands/specs";
import { commitOnSide, gitProjectCopy, projectWith } from "./harness";
import { launchArgs, onlyProgress, runInProcess, runScript, scriptEnv } from "./cli-harness";

const OWNED = /^[a-z0-9-]+\.(yaml|plan\.json)$/;

const tmp = (prefix: string): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
const listing = (dir: string): Record<string, string> =>
  Object.fromEntries(
    fs
      .readdirSync(dir)
      .sort()
      .map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]),
  );

describe("writeOutputs", () => {
  it("replaces the owned files, removes stale ones and leftovers, keeps other files", () => {
    const dir = tmp("hcap-out-");
    fs.writeFileSync(path.join(dir, "dev.yaml"), "old dev\n");
    fs.writeFileSync(path.join(dir, "gone.plan.json"), "a stack no longer rendered\n");
    fs.writeFileSync(path.join(dir, ".dev.yaml.999999.tmp"), "left by a crashed run");
    fs.writeFileSync(path.join(dir, "NOTES.txt"), "mine\n");
    writeOutputs(
      dir,
      new Map([
        ["dev.yaml", "new dev\n"],
        ["dev.plan.json", "[]\n"],
      ]),
      OWNED,
    );
    expect(listing(dir)).toEqual({ "NOTES.txt": "mine\n", "dev.plan.json": "[]\n", "dev.yaml": "new dev\n" });
  });

  it("replaces a symlink instead of writing through it", () => {
    const dir = tmp("hcap-out-");
    const target = path.join(tmp("hcap-elsewhere-"), "precious.txt");
    fs.writeFileSync(target, "do not touch\n");
    fs.symlinkSync(target, path.join(dir, "dev.yaml"));
    writeOutputs(dir, new Map([["dev.yaml", "rendered\n"]]), OWNED);
    expect(fs.readFileSync(target, "utf8")).toBe("do not touch\n");
    expect(fs.lstatSync(path.join(dir, "dev.yaml")).isSymbolicLink()).toBe(false);
    expect(fs.readFileSync(path.join(dir, "dev.yaml"), "utf8")).toBe("rendered\n");
  });

  it("out as a file is a clear error, not a stack trace", () => {
    const file = path.join(tmp("hcap-out-"), "out");
    fs.writeFileSync(file, "x");
    expect(() => writeOutputs(file, new Map([["dev.yaml", "x"]]), OWNED)).toThrow(UsageError);
    expect(() => writeOutputs(file, new Map([["dev.yaml", "x"]]), OWNED)).toThrow(/exists and is not a folder/);
  });
});

describe("npm start", () => {
  it("a failing run leaves the previous complete out/ untouched (never a mix)", async () => {
    const projectDir = projectWith("prod", {});
    const start = () => runInProcess(specs.start, () => import("../tools/cli/commands/start"), [], projectDir);
    const first = await start();
    // stderr carries only progress lines ("rendering dev…"), no error.
    expect(onlyProgress(first.stderr), first.stderr).toBe(true);
    expect(first.code).toBe(0);
    const out = path.join(projectDir, "out");
    const before = listing(out);
    expect(Object.keys(before)).toHaveLength(8);

    // dev and test render fine and would have been written by a file-by-file run; prod is invalid.
    const devFile = path.join(projectDir, "Pulumi.dev.yaml");
    fs.appendFileSync(devFile, "  hcap-infra:backupWeeklyCount: 2\n");
    fs.appendFileSync(path.join(projectDir, "Pulumi.prod.yaml"), "  hcap-infra:patroniReplicas: many\n");
    const second = await start();
    expect(second.code).not.toBe(0);
    expect(second.stdout).toBe("");
    expect(second.stderr).toContain("hcap-infra:patroniReplicas");
    expect(listing(out)).toEqual(before);
  });
});

describe("npm run diff leaves no worktree behind", () => {
  const repo = gitProjectCopy();
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));
  const env = { ...process.env };
  delete env.HCAP_INFRA_PROJECT_DIR;
  const worktrees = (): string[] =>
    spawnSync("git", ["worktree", "list", "--porcelain"], { cwd: repo, encoding: "utf8" })
      .stdout.split("\n")
      .filter((l) => l.startsWith("worktree "))
      .map((l) => l.slice("worktree ".length));

  it("a diff terminated while it renders the base removes its worktree and exits 128+15", async () => {
    // A base whose render waits until the test has sent the signal: the diff is inside its base
    // render when the signal comes, whatever the machine's load (no race with a fast render).
    const release = path.join(repo, ".release-base-render");
    const render = fs.readFileSync(path.join(repo, "scripts", "render.ts"), "utf8");
    const wait = `const tick = new Int32Array(new SharedArrayBuffer(4));
while (!require("node:fs").existsSync(${JSON.stringify(release)})) Atomics.wait(tick, 0, 0, 20);
`;
    const base = commitOnSide(repo, "scripts/render.ts", `${wait}${render}`);
    const child = spawn(process.execPath, launchArgs("diff", ["dev", "--base", base], repo), {
      cwd: repo,
      env: scriptEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    // Wait until the base worktree exists, then terminate the diff (not its child render).
    while (worktrees().length < 2) {
      if (child.exitCode !== null) throw new Error(`diff ended before its worktree appeared: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const diffPid = worktrees()
      .map((w) => /hcap-infra-base-(\d+)-/.exec(w)?.[1])
      .find((p) => p !== undefined);
    process.kill(Number(diffPid), "SIGTERM");
    fs.writeFileSync(release, "");
    expect(await exited).toBe(128 + 15);
    expect(stderr).toContain("interrupted (SIGTERM); the temporary worktree was removed");
    expect(worktrees()).toHaveLength(1);
  }, 120_000);
});

describe("every command works from another working folder", () => {
  // The launcher and the project lookup are one code path for every command: npm start (above) and
  // maintenance-gate (test/maintenance.test.ts) also run from another folder.
  it.each([[["render.ts", "dev"], /kind: StatefulSet/]])("%j", (args, out) => {
    const [script, ...rest] = args;
    const r = runScript(script.replace(/\.ts$/, ""), rest, { cwd: os.tmpdir() });
    expect(r.stderr).not.toMatch(/Error|ENOENT/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(out);
  });
});
