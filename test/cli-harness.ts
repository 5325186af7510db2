/** Runs a command in process, as its script would, and captures what it prints and its exit code. */
import { makeStyle, runCommand, type CommandMain, type CommandSpec, type Io } from "../tools/cli/cli";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as path from "node:path";
import { PROJECT_DIR } from "../tools/cli/project";

export interface Captured {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function captureIo(projectDir: string = PROJECT_DIR): { io: Io; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    projectDir,
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    progress: (t) => void err.push(`${t}\n`),
    style: makeStyle(false),
    errIsTTY: false,
  };
  return { io, out, err };
}

export async function runInProcess(
  spec: CommandSpec,
  load: () => Promise<{ main: CommandMain }>,
  argv: readonly string[],
  /** The project copy the command reads; default: this checkout. */
  projectDir?: string,
): Promise<Captured> {
  const { io, out, err } = captureIo(projectDir);
  const code = await runCommand(spec, load, argv, io);
  return { code, stdout: out.join(""), stderr: err.join("") };
}

/**
 * `node launch/run.cjs scripts/<script>.ts …args`: the argv of a command exactly as its npm script
 * starts it (the compiled program; compiled once per source change, then shared by every run).
 * `root` is the checkout whose launcher and scripts run.
 */
export function launchArgs(script: string, args: readonly string[], root: string = PROJECT_DIR): string[] {
  return [path.join(root, "launch", "run.cjs"), `scripts/${script}.ts`, ...args];
}

export interface ScriptOptions {
  /** The project copy the command reads (`HCAP_INFRA_PROJECT_DIR`); default: this checkout. */
  readonly projectDir?: string;
  readonly cwd?: string;
  readonly root?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** The environment of a spawned command: this one, pointed at `projectDir` if given. */
export function scriptEnv(options: ScriptOptions = {}): NodeJS.ProcessEnv {
  const { HCAP_INFRA_PROJECT_DIR: _inherited, ...env } = process.env;
  return { ...env, ...options.env, ...(options.projectDir === undefined ? {} : { HCAP_INFRA_PROJECT_DIR: options.projectDir }) };
}

/**
 * Runs a command in its own process, as `npm run <script>` does: for what only a process shows
 * (exit codes, stdout/stderr, signals, the working folder). Everything else is tested in process.
 */
export function runScript(script: string, args: readonly string[], options: ScriptOptions = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, launchArgs(script, args, options.root), {
    cwd: options.cwd ?? options.root ?? PROJECT_DIR,
    env: scriptEnv(options),
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
}

/** True when `stderr` holds only progress lines ("rendering dev…"): no error, no warning. */
export function onlyProgress(stderr: string): boolean {
  return stderr
    .split("\n")
    .filter(Boolean)
    .every((l) => l.endsWith("…"));
}
