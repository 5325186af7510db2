/**
 * npm run bench: the whole-process cost of the commands against the bare import floor (node loading
 * @pulumi/pulumi, @pulumi/kubernetes and @pulumi/random, nothing else), and of the program load
 * `pulumi preview/up` performs against loading it with tsx. Each comparison runs A and B alternately
 * (one warm-up each, then N pairs, the order flipped every pair) and reports the median of the
 * pair-by-pair ratios, which holds up on a loaded machine where absolute times do not. CPU is user +
 * system time of the whole process tree (Linux /proc accounting of reaped children); peak is the
 * largest single process's RSS. Progress, with the time left, goes to stderr; the table to stdout.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UsageError, stringOpt, type CommandMain, type Io } from "../cli";

/** `--runs` (pairs per comparison) as a whole number in 1..50. */
export function parseRuns(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 50)
    throw new UsageError(`--runs must be a whole number from 1 to 50, got "${text}"`);
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
  constructor(
    private readonly io: Io,
    private readonly total: number,
  ) {}
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

interface Sample {
  readonly cpu: number;
  readonly wall: number;
  readonly peak: number;
}

interface Command {
  readonly label: string;
  readonly cmd: string;
  readonly args: readonly string[];
  /** Run before each measured run, untimed (e.g. removing the compiled tree for a cold start). */
  readonly before?: () => void;
}

const FLOOR: Command = {
  label: "import floor",
  cmd: process.execPath,
  args: ["-e", 'require("@pulumi/pulumi");require("@pulumi/kubernetes");require("@pulumi/random")'],
};

function clockTicks(): number {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** CPU seconds (user + system) of this process's reaped children, or NaN where /proc is missing. */
function childrenCpu(ticks: number): number {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) / ticks;
  } catch {
    return Number.NaN;
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface Comparison {
  readonly name: string;
  readonly a: Command;
  readonly b: Command;
  readonly target?: string;
}

class Runner {
  private readonly ticks = clockTicks();
  /** The project whose commands are measured (they run in it). */
  constructor(private readonly projectDir: string) {}
  private readonly peakFile = path.join(os.tmpdir(), `hcap-infra-bench-${process.pid}.peak`);

  run(c: Command): Sample {
    c.before?.();
    fs.writeFileSync(this.peakFile, "");
    const env = {
      ...process.env,
      HCAP_INFRA_PEAK_FILE: this.peakFile,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${path.join(this.projectDir, "launch", "report-peak.cjs")}`.trim(),
    };
    const cpu0 = childrenCpu(this.ticks);
    const t0 = process.hrtime.bigint();
    const r = spawnSync(c.cmd, c.args, { cwd: this.projectDir, env, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = childrenCpu(this.ticks) - cpu0;
    if (r.status !== 0) throw new Error(`${c.label} failed (${r.status ?? r.signal}):\n${r.stderr}`);
    const peaks = fs.readFileSync(this.peakFile, "utf8").split("\n").filter(Boolean).map(Number);
    return { cpu, wall, peak: Math.max(0, ...peaks) };
  }

  compare(c: Comparison, pairs: number, progress: Progress): string {
    progress.next(`${c.name} warm-up`);
    this.run(c.a);
    this.run(c.b);
    const as: Sample[] = [];
    const bs: Sample[] = [];
    for (let i = 0; i < pairs; i++) {
      progress.next(`${c.name} pair ${i + 1}/${pairs}`);
      if (i % 2 === 0) {
        as.push(this.run(c.a));
        bs.push(this.run(c.b));
      } else {
        bs.push(this.run(c.b));
        as.push(this.run(c.a));
      }
    }
    const ratios = (k: keyof Sample) => as.map((a, i) => a[k] / bs[i][k]);
    const cpu = ratios("cpu");
    const f = (x: number) => x.toFixed(2);
    const mib = (xs: Sample[]) => (Math.max(...xs.map((s) => s.peak)) / 2 ** 20).toFixed(0);
    return [
      `${c.name}${c.target ? `  (target ${c.target})` : ""}`,
      `  A: ${c.a.label}`,
      `  B: ${c.b.label}`,
      `  A/B CPU  ${f(median(cpu))}×  (pairs ${f(Math.min(...cpu))}–${f(Math.max(...cpu))})    A/B wall  ${f(median(ratios("wall")))}×`,
      `  median CPU s  A ${f(median(as.map((s) => s.cpu)))}  B ${f(median(bs.map((s) => s.cpu)))}    peak MiB  A ${mib(as)}  B ${mib(bs)}`,
    ].join("\n");
  }

  dispose(): void {
    fs.rmSync(this.peakFile, { force: true });
  }
}

export const main: CommandMain = async (args, io) => {
  const pairs = parseRuns(stringOpt(args, "runs") ?? "5");
  const npmCli = process.env.npm_execpath;
  if (!npmCli) throw new UsageError("run it as npm run bench (it times npm commands with the same npm)");

  const npm = (label: string, ...argv: string[]): Command => ({ label, cmd: process.execPath, args: [npmCli, ...argv] });
  const launch = path.join(io.projectDir, "launch");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ensureCompiled } = require(path.join(launch, "compile.cjs")) as { ensureCompiled(dir: string): string };
  /** The render as its npm script starts it, without npm. */
  const renderDirect: Command = {
    label: "node launch/run.cjs scripts/render.ts prod",
    cmd: process.execPath,
    args: [path.join(launch, "run.cjs"), "scripts/render.ts", "prod"],
  };
  const loadCompiled = `require(require("path").join(require("./launch/compile.cjs").ensureCompiled(process.cwd()), "stack.js"))`;
  const comparisons: Comparison[] = [
    { name: "render/floor", a: npm("npm run render -- prod", "run", "--silent", "render", "--", "prod"), b: FLOOR, target: "≤ 1.2×" },
    {
      name: "render without npm/floor",
      a: { ...renderDirect, label: `${renderDirect.label} (what the npm script runs)` },
      b: FLOOR,
    },
    {
      // launch/run.cjs turns TurboFan off (a one-second process pays more for it than it gains): the
      // same floor without it shows how much of the ratio above that flag accounts for.
      name: "render without npm/floor without TurboFan",
      a: renderDirect,
      b: { label: "import floor, node --no-opt", cmd: FLOOR.cmd, args: ["--no-opt", ...FLOOR.args] },
    },
    { name: "start/floor", a: npm("npm start (all four stacks)", "start", "--silent"), b: FLOOR, target: "≤ 1.5×" },
    {
      name: "load/tsx-load",
      a: {
        label: "program load, compiled + deferral (what Pulumi.yaml runs)",
        cmd: process.execPath,
        args: ["--require", path.join(launch, "defer-modules.cjs"), "-e", loadCompiled],
      },
      b: {
        label: "program load with tsx (node --import tsx, before)",
        cmd: process.execPath,
        args: ["--import", "tsx", "-e", 'require("./stack.ts")'],
      },
      target: "≤ 0.6×",
    },
    {
      name: "cold render/floor",
      a: {
        ...npm("npm run render -- prod, first run after a source change (compiles)", "run", "--silent", "render", "--", "prod"),
        before: () => fs.rmSync(ensureCompiled(io.projectDir), { recursive: true, force: true }),
      },
      b: FLOOR,
    },
  ];

  const progress = new Progress(io, comparisons.length * (pairs + 1));
  const runner = new Runner(io.projectDir);
  const loadBefore = os.loadavg()[0].toFixed(1);
  const out: string[] = [];
  try {
    for (const c of comparisons) out.push(runner.compare(c, pairs, progress));
  } finally {
    progress.end();
    runner.dispose();
  }
  ensureCompiled(io.projectDir);
  const pkg = (name: string) =>
    (JSON.parse(fs.readFileSync(path.join(io.projectDir, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
  io.out(
    [
      `npm run bench: ${pairs} pairs per comparison, medians of pair ratios; ${os.cpus().length} cores, load average ${loadBefore} → ${os.loadavg()[0].toFixed(1)}`,
      `node ${process.versions.node}, @pulumi/pulumi ${pkg("@pulumi/pulumi")}, @pulumi/kubernetes ${pkg("@pulumi/kubernetes")}, esbuild ${pkg("esbuild")}, tsx ${pkg("tsx")}`,
      "",
      out.join("\n\n"),
      "",
    ].join("\n"),
  );
};
