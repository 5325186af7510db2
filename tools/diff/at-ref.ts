/**
 * Renders stacks as the project was at a git ref, with that ref's own code: a temporary detached
 * worktree, this checkout's node_modules linked in, and the ref's `scripts/render.ts` run in a child
 * process (the Pulumi runtime is process-global, and the old code must not mix with the new). A ref
 * with launch/run.cjs renders every stack in that one process; an older ref, one tsx process per stack.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UsageError } from "../cli/cli";
import { PROJECT_DIR_ENV } from "../cli/project";
import { DIFF_KEY_ENV, parseSnapshot, type Snapshot } from "../evaluate/snapshot";

export interface GitBase {
  /** What the user asked for (or the default chosen), for the report. */
  readonly ref: string;
  readonly sha: string;
  readonly short: string;
}

function git(cwd: string, args: readonly string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync("git", args, { cwd, encoding: "utf8" });
  return { ok: r.status === 0, out: (r.stdout ?? "").trim(), err: (r.stderr ?? "").trim() };
}

function commitOf(cwd: string, ref: string): string | null {
  const r = git(cwd, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  return r.ok ? r.out : null;
}

/**
 * The commit to compare against. Given `--base`, that ref. Otherwise the merge-base of HEAD with
 * `origin/main` (else `main`): what this branch changes, without the changes main gained since the
 * branch forked; on main itself that is HEAD, so the diff shows uncommitted edits. Without any main,
 * HEAD.
 */
export function resolveBase(repoDir: string, explicit?: string): GitBase {
  if (!git(repoDir, ["rev-parse", "--git-dir"]).ok)
    throw new UsageError(`${repoDir} is not a git checkout: npm run diff compares git refs`);
  if (explicit !== undefined) {
    if (explicit.startsWith("-")) throw new UsageError(`--base must be a git ref, got ${explicit}`);
    const sha = commitOf(repoDir, explicit);
    if (!sha) throw new UsageError(`--base ${explicit}: no such commit here (in CI, check out with fetch-depth: 0)`);
    return { ref: explicit, sha, short: sha.slice(0, 7) };
  }
  for (const main of ["origin/main", "main"]) {
    if (!commitOf(repoDir, main)) continue;
    const mb = git(repoDir, ["merge-base", "HEAD", main]);
    if (mb.ok) return { ref: `merge-base of HEAD and ${main}`, sha: mb.out, short: mb.out.slice(0, 7) };
  }
  const head = commitOf(repoDir, "HEAD");
  if (!head) throw new UsageError("this repository has no commit yet: nothing to compare against");
  return { ref: "HEAD", sha: head, short: head.slice(0, 7) };
}

/** The base's launcher of compiled scripts, if it has one (then its render takes several stacks). */
function launcher(dir: string): string | undefined {
  const file = path.join(dir, "launch", "run.cjs");
  return fs.existsSync(file) ? file : undefined;
}

/** Runs the base's render script in `dir` (compiled, or with tsx before launch/ existed); returns its output. */
function runRender(dir: string, args: readonly string[], env: NodeJS.ProcessEnv): { ok: boolean; out: string; err: string } {
  const launch = launcher(dir);
  const [cmd, argv] = launch
    ? [process.execPath, [launch, "scripts/render.ts", ...args]]
    : [path.join(dir, "node_modules", ".bin", "tsx"), ["scripts/render.ts", ...args]];
  const r = spawnSync(cmd, argv, { cwd: dir, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.signal) throw new Interrupted(r.signal);
  return { ok: r.status === 0, out: r.stdout ?? "", err: (r.stderr ?? "").trim() };
}

/** Temporary worktrees are named `hcap-infra-base-<pid of the diff>-<random>`. */
const WORKTREE_PREFIX = "hcap-infra-base-";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the base worktrees of diffs that are no longer running (killed before their clean-up
 * ran), and their folders. A running diff's worktree is left alone: two diffs may run at once.
 */
export function pruneStaleWorktrees(repoDir: string): void {
  const list = git(repoDir, ["worktree", "list", "--porcelain"]);
  if (!list.ok) return;
  const tmpRoots = new Set([os.tmpdir(), fs.realpathSync(os.tmpdir())]);
  for (const line of list.out.split("\n")) {
    if (!line.startsWith("worktree ")) continue;
    const dir = line.slice("worktree ".length);
    const match = new RegExp(`^${WORKTREE_PREFIX}(\\d+)-`).exec(path.basename(dir));
    if (!match || !tmpRoots.has(path.dirname(dir))) continue;
    if (isAlive(Number(match[1]))) continue;
    const link = path.join(dir, "node_modules");
    if (fs.lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()) fs.unlinkSync(link);
    git(repoDir, ["worktree", "remove", "--force", dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  git(repoDir, ["worktree", "prune"]);
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** The child render died of a signal (Ctrl-C reaches it too): stop, after the clean-up. */
class Interrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted (${signal})`);
  }
}

function exitAfterInterrupt(signal: NodeJS.Signals): never {
  process.stderr.write(`npm run diff: interrupted (${signal}); the temporary worktree was removed\n`);
  process.exit(128 + (os.constants.signals[signal] ?? 2));
}

/**
 * A signal must not kill this process between `git worktree add` and its removal. The base render
 * runs synchronously, so a handler installed here only runs once that code (clean-up included) has
 * returned; then it exits as the signal asked.
 */
function deferSignalsPastCleanUp(): void {
  for (const s of SIGNALS) if (process.listenerCount(s) === 0) process.once(s, () => exitAfterInterrupt(s));
}

/**
 * Renders `stacks` at `base` with the base's own code, in order; always removes the temporary worktree.
 * A signal that came during the synchronous render is handled before this returns: Node reads it only
 * when its event loop polls, and a diff whose remaining work never waits on I/O would otherwise end,
 * exit 0, and lose it.
 */
export async function renderAtBase(
  repoDir: string,
  projectDir: string,
  base: GitBase,
  stacks: readonly string[],
  key: Buffer,
): Promise<Snapshot[]> {
  deferSignalsPastCleanUp();
  pruneStaleWorktrees(repoDir);
  let snapshots: Snapshot[];
  try {
    snapshots = renderInWorktree(repoDir, projectDir, base, stacks, key);
  } catch (e) {
    if (e instanceof Interrupted) exitAfterInterrupt(e.signal);
    throw e;
  }
  // One turn of the event loop (its poll phase) runs the handler of a signal that is pending.
  await new Promise((resolve) => setImmediate(resolve));
  return snapshots;
}

function renderInWorktree(repoDir: string, projectDir: string, base: GitBase, stacks: readonly string[], key: Buffer): Snapshot[] {
  const top = git(repoDir, ["rev-parse", "--show-toplevel"]);
  if (!top.ok) throw new UsageError(`${repoDir} is not a git checkout`);
  const prefix = path.relative(top.out, projectDir);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `${WORKTREE_PREFIX}${process.pid}-`));
  const where = `base ${base.ref} (${base.short})`;
  const added = git(repoDir, ["worktree", "add", "--detach", tmp, base.sha]);
  if (!added.ok) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new Error(`${where}: git worktree add failed: ${added.err}`);
  }
  const dir = path.join(tmp, prefix);
  const link = path.join(dir, "node_modules");
  try {
    if (!fs.existsSync(path.join(dir, "scripts", "render.ts"))) {
      throw new UsageError(`${where} has no scripts/render.ts (it predates the offline render): pick a newer --base`);
    }
    // Reuse this checkout's dependencies: a fresh `npm ci` per diff would take minutes.
    fs.symlinkSync(path.join(projectDir, "node_modules"), link, "dir");
    const env: NodeJS.ProcessEnv = { ...process.env, [DIFF_KEY_ENV]: key.toString("hex") };
    // The base renders its own files, never a project folder the caller pointed at.
    delete env[PROJECT_DIR_ENV];
    if (launcher(dir)) {
      // One process for every stack: its output is one JSON snapshot per line, in the order asked.
      const run = runRender(dir, ["--snapshot", ...stacks], env);
      if (!run.ok) throw new Error(`${where}: render of ${stacks.join(", ")} failed:\n${run.err}`);
      const snapshots = run.out
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => parseSnapshot(line, where));
      if (snapshots.map((s) => s.stack).join() !== stacks.join())
        throw new Error(`${where}: the render did not print one snapshot per stack`);
      return snapshots;
    }
    return stacks.map((stack) => {
      const run = runRender(dir, [stack, "--snapshot"], env);
      if (run.ok) return parseSnapshot(run.out, where);
      if (/unknown option '?--snapshot/i.test(run.err)) {
        throw new UsageError(`${where}: its scripts/render.ts predates --snapshot (the first days of the project): pick a newer --base`);
      }
      throw new Error(`${where}: render of ${stack} failed:\n${run.err}`);
    });
  } finally {
    // Unlink first, so no clean-up step can ever reach into this checkout's node_modules.
    if (fs.lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()) fs.unlinkSync(link);
    git(repoDir, ["worktree", "remove", "--force", tmp]);
    fs.rmSync(tmp, { recursive: true, force: true });
    git(repoDir, ["worktree", "prune"]);
  }
}
