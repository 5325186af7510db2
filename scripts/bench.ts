/**
 * npm run bench: whole-process offline render time (median of several runs) and peak memory, for
 * each stack and for all four in one process; then the program start-up cost with and without
 * type-checking (what `pulumi up` pays before it declares anything). Prints figures; asserts nothing.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { STACKS } from "../config";
import { runCli } from "../tools/cli/cli";
import { PROJECT_DIR } from "../tools/cli/project";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeRun(cmd: string, args: string[]): { ms: number; stdout: string } {
  const start = process.hrtime.bigint();
  const stdout = execFileSync(cmd, args, { cwd: PROJECT_DIR, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, stdout };
}

runCli(async () => {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
  const runs = Number(values.runs);
  const child = path.join(PROJECT_DIR, "scripts/bench-child.ts");
  const cases: [string, string[]][] = [...STACKS.map((s): [string, string[]] => [s, [s]]), ["all four", [...STACKS]]];

  console.log(`offline render, whole process (node + tsx + program), median of ${runs} runs`);
  console.log("stack       median ms   min ms   peak RSS MiB");
  for (const [label, stacks] of cases) {
    const times: number[] = [];
    let rss = 0;
    for (let i = 0; i < runs; i++) {
      const { ms, stdout } = timeRun(process.execPath, ["--import", "tsx", child, ...stacks]);
      times.push(ms);
      rss = Math.max(rss, Number(stdout.trim()));
    }
    console.log(`${label.padEnd(10)} ${median(times).toFixed(0).padStart(8)} ${Math.min(...times).toFixed(0).padStart(8)} ${(rss / 2 ** 20).toFixed(1).padStart(12)}`);
  }

  console.log(`\nprogram start-up, median of ${runs} runs`);
  const tsc = path.join(PROJECT_DIR, "node_modules/typescript/bin/tsc");
  const checkMs: number[] = [];
  const loadMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    // The program alone (index.ts and what it imports), with the project's compiler options.
    checkMs.push(timeRun(process.execPath, [
      tsc, "--noEmit", "--strict", "--skipLibCheck", "--esModuleInterop", "--target", "ES2022", "--module", "commonjs",
      "--moduleResolution", "node", "--types", "node", "index.ts",
    ]).ms);
    loadMs.push(timeRun(process.execPath, ["--import", "tsx", "-e", "require('./stack.ts')"]).ms);
  }
  console.log(`type-check of the program (tsc, what ts-node adds to every run): ${median(checkMs).toFixed(0)} ms`);
  console.log(`transpile-only load (tsx, what Pulumi.yaml configures):   ${median(loadMs).toFixed(0)} ms`);
  console.log(`ratio: ${(median(checkMs) / median(loadMs)).toFixed(1)}x`);
});
