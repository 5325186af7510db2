/**
 * npm run bench: whole-process offline render time (median of several runs) and peak memory, for
 * each stack and for all four in one process; then the program start-up cost with and without
 * type-checking (what `pulumi up` pays before it declares anything). Prints figures; asserts nothing.
 * Progress, with an estimate of the time left, goes to stderr.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { STACKS } from "../../config/stacks";
import { UsageError, stringOpt, type CommandMain, type Io } from "../cli";
import { PROJECT_DIR } from "../project";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeRun(cmd: string, args: string[]): { ms: number; stdout: string } {
  const start = process.hrtime.bigint();
  const stdout = execFileSync(cmd, args, { cwd: PROJECT_DIR, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, stdout };
}

/** `--runs` as a whole number in 1..50. */
export function parseRuns(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 50) throw new UsageError(`--runs must be a whole number from 1 to 50, got "${text}"`);
  return Number(text);
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

/** "step 3/35 (dev), about 1m20s left": the time left from the mean time per step so far. */
export function progressLine(done: number, total: number, elapsedMs: number, label: string): string {
  const left = done === 0 ? "" : `, about ${formatDuration((elapsedMs / done) * (total - done))} left`;
  return `bench: run ${done + 1}/${total} (${label})${left}`;
}

class Progress {
  private done = 0;
  private readonly started = Date.now();
  constructor(private readonly io: Io, private readonly total: number) {}
  next(label: string): void {
    const line = progressLine(this.done++, this.total, Date.now() - this.started, label);
    // On a terminal one line is redrawn; in a log, one line per run.
    if (this.io.errIsTTY) this.io.err(`\r\u001b[2K${line}`);
    else this.io.progress(line);
  }
  end(): void {
    if (this.io.errIsTTY) this.io.err("\r\u001b[2K");
  }
}

export const main: CommandMain = async (args, io) => {
  const runs = parseRuns(stringOpt(args, "runs") ?? "5");
  const child = path.join(PROJECT_DIR, "scripts/bench-child.ts");
  const cases: [string, string[]][] = [...STACKS.map((s): [string, string[]] => [s, [s]]), ["all four", [...STACKS]]];
  const progress = new Progress(io, (cases.length + 2) * runs);
  const out: string[] = [`offline render, whole process (node + tsx + program), median of ${runs} runs`, "stack       median ms   min ms   peak RSS MiB"];
  for (const [label, stacks] of cases) {
    const times: number[] = [];
    let rss = 0;
    for (let i = 0; i < runs; i++) {
      progress.next(`render ${label}`);
      const { ms, stdout } = timeRun(process.execPath, ["--import", "tsx", child, ...stacks]);
      times.push(ms);
      rss = Math.max(rss, Number(stdout.trim()));
    }
    out.push(`${label.padEnd(10)} ${median(times).toFixed(0).padStart(8)} ${Math.min(...times).toFixed(0).padStart(8)} ${(rss / 2 ** 20).toFixed(1).padStart(12)}`);
  }

  out.push("", `program start-up, median of ${runs} runs`);
  const tsc = path.join(PROJECT_DIR, "node_modules/typescript/bin/tsc");
  const checkMs: number[] = [];
  const loadMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    progress.next("type-check");
    // The program alone (index.ts and what it imports), with the project's compiler options.
    checkMs.push(timeRun(process.execPath, [
      tsc, "--noEmit", "--strict", "--skipLibCheck", "--esModuleInterop", "--target", "ES2022", "--module", "commonjs",
      "--moduleResolution", "node", "--types", "node", "index.ts",
    ]).ms);
    progress.next("transpile-only load");
    loadMs.push(timeRun(process.execPath, ["--import", "tsx", "-e", "require('./stack.ts')"]).ms);
  }
  progress.end();
  out.push(
    `type-check of the program (tsc, what ts-node adds to every run): ${median(checkMs).toFixed(0)} ms`,
    `transpile-only load (tsx, what Pulumi.yaml configures):   ${median(loadMs).toFixed(0)} ms`,
    `ratio: ${(median(checkMs) / median(loadMs)).toFixed(1)}x`,
  );
  io.out(`${out.join("\n")}\n`);
};
