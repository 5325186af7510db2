/**
 * Every command as a user meets it: --help, a mistyped flag, a missing argument, a broken or missing
 * input file. Driven in process through the same runCommand the scripts use (cheap), plus one real
 * process to prove the wiring of scripts/.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { makeStyle, runCommand, useColour, type CommandMain, type CommandSpec } from "../tools/cli/cli";
import * as specs from "../tools/cli/commands/specs";
import { parseRuns, progressLine } from "../tools/cli/commands/bench";
import { readStackFiles } from "../tools/evaluate/stack-files";
import { PROJECT_DIR } from "../tools/cli/project";
import { captureIo, runInProcess, runScript, type Captured } from "./cli-harness";

const LOADERS: Record<string, () => Promise<{ main: CommandMain }>> = {
  start: () => import("../tools/cli/commands/start"),
  render: () => import("../tools/cli/commands/render"),
  check: () => import("../tools/cli/commands/check"),
  diff: () => import("../tools/cli/commands/diff"),
  graph: () => import("../tools/cli/commands/graph"),
  promote: () => import("../tools/cli/commands/promote"),
  "restore-plan": () => import("../tools/cli/commands/restore-plan"),
  "adopt-check": () => import("../tools/cli/commands/adopt-check"),
  bench: () => import("../tools/cli/commands/bench"),
  help: () => import("../tools/cli/commands/help"),
};

function run(spec: CommandSpec, ...argv: string[]): Promise<Captured> {
  return runInProcess(spec, LOADERS[spec.name], argv);
}

/** A usage mistake: exit 2, the message first, then the usage, no stack trace, no machine path, nothing on stdout. */
function expectUsageError(r: Captured, name: string, message: string): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  const [first, second] = r.stderr.split("\n");
  expect(first).toBe(`${name}: ${message}`);
  expect(second).toMatch(/^usage: npm (start|run \S+)/);
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(r.stderr).not.toContain(os.homedir());
  expect(r.stderr).not.toContain(PROJECT_DIR);
}

/** Bad input: exit 2, one clear message, no usage, no stack trace, nothing on stdout. */
function expectInputError(r: Captured, message: string | RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toContain("usage:");
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(r.stderr).not.toContain(PROJECT_DIR);
}

const ALL = [
  specs.start,
  specs.render,
  specs.check,
  specs.diff,
  specs.graph,
  specs.promote,
  specs.restorePlan,
  specs.adoptCheck,
  specs.maintenanceGate,
  specs.backupTags,
  specs.bench,
  specs.help,
];

describe("every command", () => {
  it("the list covers every script in scripts/ and every npm script that runs one", () => {
    const scripts = fs
      .readdirSync(path.join(PROJECT_DIR, "scripts"))
      .map((f) => f.replace(/\.ts$/, ""))
      .sort();
    expect(ALL.map((s) => s.name).sort()).toEqual(scripts);
    expect(specs.COMMANDS.map((s) => s.name).sort()).toEqual(scripts);
    const npmScripts = (JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")) as { scripts: Record<string, string> })
      .scripts;
    for (const name of scripts) expect(npmScripts[name]).toMatch(new RegExp(`scripts/${name}\\.ts$`));
  });

  it.each(ALL.map((s) => [s.name, s] as const))("%s --help: what it does, arguments, options, an example; exit 0", async (_name, spec) => {
    const r = await run(spec, "--help");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^usage: npm (start|run)/);
    expect(r.stdout).toContain(spec.description.split("\n")[0]);
    expect(r.stdout).toContain("-h, --help");
    for (const option of Object.keys(spec.options)) expect(r.stdout).toContain(`--${option}`);
    for (const arg of spec.args) expect(r.stdout).toContain(`<${arg.name}>`);
    expect(r.stdout).toMatch(/\nexamples:\n {2}(npm|oc) /);
    expect(r.stdout).toContain("exit codes: 0 done, 1 problems found or failure, 2 usage or input error");
    expect((await run(spec, "-h")).stdout).toBe(r.stdout);
  });

  it.each(ALL.map((s) => [s.name, s] as const))("%s with a mistyped flag: one line, the usage, exit 2", async (name, spec) => {
    expectUsageError(await run(spec, "--halp"), name, "unknown option --halp");
  });

  it("a near miss of a real option is suggested", async () => {
    expectUsageError(await run(specs.diff, "dev", "--exit-cod"), "diff", "unknown option --exit-cod (did you mean --exit-code?)");
    expectUsageError(await run(specs.diff, "dev", "--base"), "diff", "option --base needs a value");
  });

  it.each([
    ["render", specs.render, "missing argument <stack>"],
    ["maintenance-gate", specs.maintenanceGate, "missing argument <env>"],
    ["graph", specs.graph, "missing argument <stack> (or --system)"],
    ["promote", specs.promote, "missing argument <env>"],
    ["restore-plan", specs.restorePlan, "missing argument <env>"],
    ["adopt-check", specs.adoptCheck, "missing argument <stack>"],
  ] as const)("%s without its argument: exit 2", async (name, spec, message) => {
    expectUsageError(await run(spec), name, message);
  });

  it("a wrong value or an extra argument is a usage error too", async () => {
    expectUsageError(await run(specs.render, "staging"), "render", 'unknown stack "staging": one of dev, test, prod, tools');
    expectUsageError(await run(specs.render, "dev", "prod"), "render", "several stacks only with --snapshot");
    expectUsageError(await run(specs.start, "dev"), "start", 'unexpected argument "dev"');
    expectUsageError(await run(specs.help, "check"), "help", 'unexpected argument "check"');
    expectUsageError(
      await run(specs.render, "dev", "--plan", "--snapshot"),
      "render",
      "--plan, --snapshot and --outputs exclude each other",
    );
    expectUsageError(await run(specs.bench, "--runs", "abc"), "bench", '--runs must be a whole number from 1 to 50, got "abc"');
    expectUsageError(await run(specs.check, "--format", "xml"), "check", '--format must be one of text, json, github, got "xml"');
    expectUsageError(await run(specs.check, "--files"), "check", "--files needs at least one YAML file");
    expectUsageError(
      await run(specs.adoptCheck, "dev"),
      "adopt-check",
      "missing --live <file.yaml>: what oc get … -o yaml returned from the namespace",
    );
  });
});

describe("commands that read files", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hcap-infra-cli-"));
  const broken = path.join(dir, "broken.yaml");
  fs.writeFileSync(broken, "kind: Secret\nmetadata:\n  name: a\n  name: b\n");
  const missing = path.join(dir, "missing.yaml");

  it("check --files: a missing file and a broken YAML file name the file; exit 2", async () => {
    expectInputError(await run(specs.check, "--files", missing), /^check: \$TMPDIR\/hcap-infra-cli-\w+\/missing\.yaml: no such file\n$/);
    expectInputError(await run(specs.check, "--files", broken), /^check: .*broken\.yaml: document 1: Map keys must be unique/);
    expectInputError(await run(specs.check, "--openapi", missing), /^check: .*missing\.yaml/);
  });

  it("adopt-check --live: a missing file and a broken YAML file name the file; exit 2", async () => {
    expectInputError(await run(specs.adoptCheck, "dev", "--live", missing), /^adopt-check: .*missing\.yaml: no such file\n$/);
    expectInputError(
      await run(specs.adoptCheck, "dev", "--live", broken),
      /^adopt-check: .*broken\.yaml: document 1: Map keys must be unique/,
    );
  });

  it("a stack file that is not YAML is named, with the line, as an input error", async () => {
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: hcap-infra\n");
    fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "config:\n  hcap-infra:appName: a\n  hcap-infra:appName: b\n");
    const load = async () => ({ main: (async () => void readStackFiles(dir, "dev")) as CommandMain });
    const { io, out, err } = captureIo();
    const code = await runCommand(specs.render, load, ["dev"], io);
    expectInputError(
      { code, stdout: out.join(""), stderr: err.join("") },
      /^render: Invalid configuration for stack "dev":\n {2}Pulumi\.dev\.yaml: hcap-infra:appName: is written twice \(line 3\); YAML keys must be unique/,
    );
  });

  it("the real script: broken stack YAML → exit 2, the file named, no stack trace, empty stdout", () => {
    fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "config:\n  hcap-infra:appName: [unclosed\n");
    const r = runScript("render", ["dev"], { projectDir: dir });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /(^|\n)render: Invalid configuration for stack "dev":\n {2}Pulumi\.dev\.yaml: line \d+, column \d+: is not valid YAML: /,
    );
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });
});

describe("npm run help and npm start -- --help", () => {
  it("list every command with one line each", async () => {
    for (const r of [await run(specs.help), await run(specs.start, "--help")]) {
      expect(r.code).toBe(0);
      for (const name of ["render", "check", "diff", "graph", "promote", "restore-plan", "adopt-check", "bench", "help"]) {
        expect(r.stdout).toMatch(new RegExp(`\\n {2}npm run ${name} +\\S`));
      }
      expect(r.stdout).toMatch(/\n {2}npm start +render all four stacks/);
    }
  });
});

describe("colour", () => {
  it("only on a terminal, never with NO_COLOR, FORCE_COLOR forces it", () => {
    expect(useColour({}, true)).toBe(true);
    expect(useColour({}, false)).toBe(false);
    expect(useColour({ NO_COLOR: "1" }, true)).toBe(false);
    expect(useColour({ NO_COLOR: "" }, true)).toBe(true);
    expect(useColour({ TERM: "dumb" }, true)).toBe(false);
    expect(useColour({ FORCE_COLOR: "1" }, false)).toBe(true);
    expect(useColour({ FORCE_COLOR: "1", NO_COLOR: "1" }, true)).toBe(false);
    expect(makeStyle(true).red("error")).toBe("\u001b[31merror\u001b[39m");
    expect(makeStyle(false).red("error")).toBe("error");
  });
});

describe("bench", () => {
  it("--runs is a whole number from 1 to 50", () => {
    expect(parseRuns("3")).toBe(3);
    for (const bad of ["abc", "0", "51", "2.5", "-1", ""]) expect(() => parseRuns(bad)).toThrow(/--runs must be a whole number/);
  });

  it("progress says how far it is and how long is left", () => {
    expect(progressLine(0, 35, 0, "render dev")).toBe("bench: run 1/35 (render dev)");
    expect(progressLine(5, 35, 10_000, "render test")).toBe("bench: run 6/35 (render test), about 1m00s left");
  });
});
