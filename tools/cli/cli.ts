/**
 * The argument layer every command shares: `node:util` parseArgs with a declared spec per command
 * (tools/cli/commands/specs.ts), `-h/--help`, usage errors, one exit-code scheme, progress on stderr and
 * colour on a terminal only. Commands are `main(args, io) => exit code`, so the tests drive them in
 * process; scripts/ only bind one to the real process.
 */
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { PROJECT_DIR } from "./project";

/**
 * Exit codes of every command (README "Commands"): 0 done, 1 the command ran and found problems
 * (check errors, adopt-check refusals) or failed unexpectedly, 2 a usage mistake or bad input (flag,
 * argument, stack file, input file), 3 `diff --exit-code` found changes, 4 `maintenance-gate`: the
 * environment is in restore maintenance and this run must not apply it.
 */
export const EXIT = { ok: 0, problems: 1, usage: 2, changes: 3, maintenance: 4 } as const;

/** A mistake in how the command was called: one line, then the usage. Exit 2. */
export class UsageError extends Error {}

/** Bad input (a file that is missing or not YAML, a value out of range): the message alone. Exit 2. */
export class InputError extends Error {}

export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
  readonly multiple?: boolean;
  readonly default?: string | boolean;
  /** Placeholder of a string option's value in help, e.g. `<git-ref>`. */
  readonly value?: string;
  readonly description: string;
}

export interface ArgSpec {
  readonly name: string;
  readonly description: string;
  readonly optional?: boolean;
  /** Takes any number (at least one unless optional). */
  readonly repeat?: boolean;
  /** Allowed values (stack names); anything else is a usage error. */
  readonly choices?: readonly string[];
}

export interface CommandSpec {
  /** As typed after `npm run`. */
  readonly name: string;
  /** One line for `npm run help`. */
  readonly summary: string;
  /** A few lines for `--help`: what it does, what it writes, how it exits. */
  readonly description: string;
  readonly args: readonly ArgSpec[];
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Extra usage lines for another form of the command (e.g. `check --files`). */
  readonly altUsage?: readonly string[];
  readonly examples: readonly string[];
  /** Printed after the help text (start's help lists every command). */
  readonly helpFooter?: () => string;
  /** When the argument checks above need the options (e.g. `check --files` takes file names). */
  readonly positionalsFree?: (values: ParsedValues) => boolean;
}

export type ParsedValues = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;

export interface ParsedArgs {
  readonly values: ParsedValues;
  readonly positionals: readonly string[];
}

/** A string option's value, if given. */
export function stringOpt(a: ParsedArgs, name: string): string | undefined {
  const v = a.values[name];
  return typeof v === "string" ? v : undefined;
}

export function flagOpt(a: ParsedArgs, name: string): boolean {
  return a.values[name] === true;
}

export function listOpt(a: ParsedArgs, name: string): string[] {
  const v = a.values[name];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : [];
}

/**
 * What a command works on and where it writes: the project folder it reads (and `promote` writes),
 * and its output. `progress` lines go to stderr, so stdout stays clean for pipes.
 */
export interface Io {
  /** The project folder (`Pulumi.yaml` and the stack files): PROJECT_DIR for a script, any copy in a test. */
  readonly projectDir: string;
  out(text: string): void;
  err(text: string): void;
  progress(text: string): void;
  /** Styles for stdout text (no-ops when stdout is not a colour terminal). */
  readonly style: Style;
  /** True when stderr is a terminal (bench redraws its progress line there). */
  readonly errIsTTY: boolean;
}

export interface Style {
  readonly red: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly green: (s: string) => string;
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
}

/**
 * Colour only on a terminal: never when `NO_COLOR` is set to anything non-empty (no-color.org), never
 * for `TERM=dumb` or a pipe/file; `FORCE_COLOR` (non-zero) turns it on anyway.
 */
export function useColour(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0") return true;
  return isTTY && env.TERM !== "dumb";
}

export function makeStyle(enabled: boolean): Style {
  const sgr = (open: number, close: number) => (s: string) => (enabled ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return { red: sgr(31, 39), yellow: sgr(33, 39), green: sgr(32, 39), bold: sgr(1, 22), dim: sgr(2, 22) };
}

/** The real process's streams. */
export function processIo(): Io {
  const errStyle = makeStyle(useColour(process.env, process.stderr.isTTY === true));
  return {
    projectDir: PROJECT_DIR,
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    progress: (t) => void process.stderr.write(`${errStyle.dim(t)}\n`),
    style: makeStyle(useColour(process.env, process.stdout.isTTY === true)),
    errIsTTY: process.stderr.isTTY === true,
  };
}

function argLabel(a: ArgSpec): string {
  const core = a.choices ? `<${a.choices.join("|")}>` : `<${a.name}>`;
  const rep = a.repeat ? `${core}…` : core;
  return a.optional ? `[${rep}]` : rep;
}

function optionLabel(name: string, o: OptionSpec): string {
  const flag = `${o.short ? `-${o.short}, ` : ""}--${name}`;
  return o.type === "string" ? `${flag} ${o.value ?? "<value>"}` : flag;
}

/** How a user types the command, up to its arguments: `npm start --`, `npm run diff --`. */
export function invocation(spec: CommandSpec): string {
  const base = spec.name === "start" ? "npm start" : `npm run ${spec.name}`;
  return spec.args.length + Object.keys(spec.options).length > 0 ? `${base} --` : base;
}

export function usageLines(spec: CommandSpec): string[] {
  const opts = Object.entries(spec.options).map(([n, o]) => `[${optionLabel(n, o)}]`);
  const main = [invocation(spec), ...spec.args.map(argLabel), ...opts].join(" ");
  return [`usage: ${main}`, ...(spec.altUsage ?? []).map((u) => `       ${u}`)];
}

/** The full `--help` text. */
export function helpText(spec: CommandSpec): string {
  const width = Math.max(
    0,
    ...spec.args.map((a) => a.name.length + 2),
    ...Object.entries(spec.options).map(([n, o]) => optionLabel(n, o).length),
    10,
  );
  const row = (left: string, right: string) => `  ${left.padEnd(width)}  ${right}`;
  const lines = [...usageLines(spec), "", spec.description.trim(), ""];
  if (spec.args.length > 0) {
    lines.push("arguments:");
    for (const a of spec.args) lines.push(row(`<${a.name}>`, a.description + (a.choices ? ` (${a.choices.join(", ")})` : "")));
    lines.push("");
  }
  lines.push("options:");
  for (const [n, o] of Object.entries(spec.options)) {
    const def = o.default !== undefined && o.default !== false ? ` (default: ${String(o.default)})` : "";
    lines.push(row(optionLabel(n, o), o.description + def));
  }
  lines.push(row("-h, --help", "print this help and exit"), "");
  lines.push("examples:", ...spec.examples.map((e) => `  ${e}`), "");
  lines.push(
    `exit codes: 0 done, 1 problems found or failure, 2 usage or input error${spec.name === "diff" ? ", 3 changes (--exit-code)" : ""}`,
  );
  return `${lines.join("\n")}\n`;
}

function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === "-h" || a === "--help");
}

/** Closest known option name within two edits, for "did you mean". */
function closest(word: string, names: readonly string[]): string | undefined {
  const dist = (a: string, b: string): number => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++)
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    return d[a.length][b.length];
  };
  return names
    .map((n) => ({ n, d: dist(word, n) }))
    .filter((x) => x.d <= 2)
    .sort((x, y) => x.d - y.d)[0]?.n;
}

/** parseArgs' message → one plain line (its own messages suggest `--` tricks a user does not need). */
function parseErrorLine(e: Error & { code?: string }, spec: CommandSpec): string {
  const flag = /'(-[^' ]+)/.exec(e.message)?.[1] ?? "";
  switch (e.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION": {
      const guess = closest(flag.replace(/^-+/, ""), Object.keys(spec.options));
      return `unknown option ${flag}${guess ? ` (did you mean --${guess}?)` : ""}`;
    }
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return /argument missing/.test(e.message) ? `option ${flag} needs a value` : `option ${flag} takes no value`;
    default:
      return e.message.split("\n")[0];
  }
}

/** Parses argv against the spec; throws UsageError for anything that does not fit. */
export function parseCommandArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      // parseArgs rejects keys that are present but undefined, so only the ones given are copied.
      options: Object.fromEntries(
        Object.entries(spec.options).map(([n, o]) => [
          n,
          {
            type: o.type,
            ...(o.multiple ? { multiple: true } : {}),
            ...(o.short ? { short: o.short } : {}),
            ...(o.default !== undefined ? { default: o.default } : {}),
          },
        ]),
      ) as Record<string, { type: "string" | "boolean" }>,
    });
  } catch (e) {
    throw new UsageError(parseErrorLine(e as Error & { code?: string }, spec));
  }
  const args: ParsedArgs = { values: parsed.values as ParsedValues, positionals: parsed.positionals };
  if (spec.positionalsFree?.(args.values)) return args;
  const pos = [...args.positionals];
  for (const a of spec.args) {
    const taken = a.repeat ? pos.splice(0) : pos.splice(0, 1);
    if (taken.length === 0 && !a.optional) throw new UsageError(`missing argument <${a.name}>`);
    for (const v of taken) {
      if (a.choices && !a.choices.includes(v)) throw new UsageError(`unknown ${a.name} "${v}": one of ${a.choices.join(", ")}`);
    }
  }
  if (pos.length > 0) throw new UsageError(`unexpected argument "${pos[0]}"`);
  return args;
}

/**
 * Absolute paths of this machine → relative ones (messages are pasted into issues and PR comments;
 * a home or temp folder says nothing to the reader).
 */
export function withoutMachinePaths(text: string, bases: readonly string[]): string {
  let out = text;
  const prefixes = [...new Set(bases.filter((b) => b.length > 1))].sort((a, b) => b.length - a.length);
  for (const p of prefixes) out = out.split(`${p}${path.sep}`).join("").split(p).join(".");
  out = out.split(`${os.tmpdir()}${path.sep}`).join("$TMPDIR/").split(`${os.homedir()}${path.sep}`).join("~/");
  return out;
}

/** One line (or a config error's block) for an error, and its exit code. */
export function describeError(e: unknown): { message: string; code: number; usage: boolean } {
  if (e instanceof UsageError) return { message: e.message, code: EXIT.usage, usage: true };
  // By name, not instanceof: importing config/ would load the Pulumi SDK before every `--help`.
  if (e instanceof InputError || (e instanceof Error && e.name === "ConfigError"))
    return { message: e.message, code: EXIT.usage, usage: false };
  const err = e as NodeJS.ErrnoException;
  if (err && err.code === "ENOENT" && typeof err.path === "string")
    return { message: `${err.path}: no such file`, code: EXIT.usage, usage: false };
  if (err && err.code === "EISDIR") return { message: `${err.path ?? "path"}: is a folder, not a file`, code: EXIT.usage, usage: false };
  if (err instanceof Error && err.name === "YAMLParseError")
    return { message: `not valid YAML: ${err.message.split("\n")[0]}`, code: EXIT.usage, usage: false };
  const message = err instanceof Error ? err.message : String(e);
  const stack = process.env.HCAP_INFRA_DEBUG && err instanceof Error && err.stack ? `\n${err.stack}` : "";
  return {
    message: `${message}${stack}${stack ? "" : "\n(set HCAP_INFRA_DEBUG=1 to see where it failed)"}`,
    code: EXIT.problems,
    usage: false,
  };
}

export type CommandMain = (args: ParsedArgs, io: Io) => Promise<number | void>;

/**
 * Runs one command: help, parsing, the command's `main` (loaded only once the arguments are good, so
 * `--help` and usage errors never load the Pulumi runtime), and the error → exit code mapping.
 */
export async function runCommand(
  spec: CommandSpec,
  load: () => Promise<{ main: CommandMain }>,
  argv: readonly string[],
  io: Io,
): Promise<number> {
  const bases = [process.env.INIT_CWD ?? "", process.cwd(), path.resolve(__dirname, "..", "..")];
  try {
    if (wantsHelp(argv)) {
      io.out(helpText(spec) + (spec.helpFooter ? `\n${spec.helpFooter()}` : ""));
      return EXIT.ok;
    }
    const args = parseCommandArgs(spec, argv);
    const { main } = await load();
    return (await main(args, io)) ?? EXIT.ok;
  } catch (e) {
    const d = describeError(e);
    const tail = d.usage
      ? `\n${usageLines(spec).join("\n")}\nmore: ${invocation(spec)}${invocation(spec).endsWith("--") ? "" : " --"} --help`
      : "";
    io.err(`${withoutMachinePaths(`${spec.name}: ${d.message}`, bases)}${tail}\n`);
    return d.code;
  }
}

/** Binds a command to this process (what a file in scripts/ does). */
export function runScript(spec: CommandSpec, load: () => Promise<{ main: CommandMain }>): void {
  void runCommand(spec, load, process.argv.slice(2), processIo()).then((code) => {
    process.exitCode = code;
  });
}
