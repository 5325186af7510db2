/**
 * The compiled program the commands and `pulumi up` run (launch/): always the sources as they are,
 * and the deferral of typescript/@npmcli/arborist changes nothing but start-up.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_DIR } from "../tools/cli/project";
import { DIFF_KEY_ENV } from "../tools/evaluate/snapshot";

interface Compiler {
  ensureCompiled(projectDir: string): string;
  compileInto(projectDir: string, files: readonly string[], outDir: string): void;
  sourceHash(projectDir: string): { hash: string; files: string[] };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const compiler = require("../launch/compile.cjs") as Compiler;
const LAUNCH = path.join(PROJECT_DIR, "launch");
const tmpDirs: string[] = [];
afterAll(() => tmpDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tmp(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.push(d);
  return d;
}

/** Every file under `dir`, relative, sorted. */
function tree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

function node(args: readonly string[], cwd = PROJECT_DIR, env: NodeJS.ProcessEnv = process.env) {
  const { HCAP_INFRA_PROJECT_DIR: _ignored, ...rest } = env;
  return spawnSync(process.execPath, args, { cwd, env: rest, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
}

describe("the compiled program", () => {
  it("is exactly what compiling the current sources gives, one .js per .ts of the program", () => {
    const used = compiler.ensureCompiled(PROJECT_DIR);
    const fresh = tmp("hcap-infra-compiled-");
    const { files } = compiler.sourceHash(PROJECT_DIR);
    compiler.compileInto(PROJECT_DIR, files, fresh);
    expect(tree(used)).toEqual(tree(fresh));
    expect(tree(used)).toEqual(files.map((f) => f.replace(/\.ts$/, ".js")).sort());
    expect(tree(used)).toContain("scripts/render.js");
    for (const f of tree(fresh)) expect(fs.readFileSync(path.join(used, f), "utf8"), f).toBe(fs.readFileSync(path.join(fresh, f), "utf8"));
  });

  it("follows an edited source at the next command, with no build step in between", () => {
    const copy = tmp("hcap-infra-copy-");
    const rootTs = fs.readdirSync(PROJECT_DIR).filter((f) => f.endsWith(".ts"));
    for (const f of [
      "Pulumi.yaml",
      "Pulumi.dev.yaml",
      "Pulumi.test.yaml",
      "Pulumi.prod.yaml",
      "Pulumi.tools.yaml",
      "tsconfig.json",
      "package.json",
      ...rootTs,
    ]) {
      fs.copyFileSync(path.join(PROJECT_DIR, f), path.join(copy, f));
    }
    for (const d of ["config", "components", "tools", "scripts", "launch"])
      fs.cpSync(path.join(PROJECT_DIR, d), path.join(copy, d), { recursive: true });
    fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(copy, "node_modules"), "dir");
    // `npm run help` prints what the sources say and loads no Pulumi: the cheapest command to watch.
    const help = () => node([path.join(copy, "launch", "run.cjs"), "scripts/help.ts"], copy);

    const before = help();
    expect(before.status, before.stderr).toBe(0);
    expect(before.stdout).toContain("render all four stacks into out/");
    const file = path.join(copy, "tools", "cli", "commands", "specs.ts");
    fs.writeFileSync(
      file,
      fs.readFileSync(file, "utf8").replace('summary: "render all four stacks', 'summary: "edited: render all four stacks'),
    );
    const after = help();
    expect(after.status, after.stderr).toBe(0);
    expect(after.stdout).toContain("edited: render all four stacks into out/");
    expect(fs.readdirSync(path.join(copy, "dist")).filter((d) => !d.startsWith("."))).toHaveLength(2);
  });

  it("Pulumi.yaml runs launch/program.cjs with the deferral preloaded, not TypeScript", () => {
    const yaml = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8");
    expect(yaml).toMatch(/^main: launch\/program\.cjs$/m);
    expect(yaml).toMatch(/^ {4}typescript: false$/m);
    expect(yaml).toMatch(/^ {4}nodeargs: "--require \.\/launch\/defer-modules\.cjs"$/m);
  });
});

/** A fixed key for the snapshots' secret digests, so two renders can be compared byte for byte. */
const KEY_ENV = { ...process.env, [DIFF_KEY_ENV]: "ab".repeat(32) };

/** Runs the compiled render script with `args` in a fresh node; reports which deferred modules got loaded. */
function renderIn(args: readonly string[], preload: boolean, extra = "") {
  const script = path.join(compiler.ensureCompiled(PROJECT_DIR), "scripts", "render.js");
  const probe = `
    process.on("exit", () => {
      const which = (f) =>
        /node_modules[\\\\/]typescript[\\\\/]/.test(f) ? "typescript"
        : /node_modules[\\\\/]@npmcli[\\\\/]arborist[\\\\/]/.test(f) ? "@npmcli/arborist"
        : /node_modules[\\\\/]zod[\\\\/]v4[\\\\/]locales[\\\\/](?!en\\.cjs$)/.test(f) ? "zod locales"
        : undefined;
      const loaded = Object.keys(require.cache).map(which).filter((m) => m !== undefined);
      require("fs").writeSync(2, "\\nLOADED " + JSON.stringify([...new Set(loaded)].sort()) + "\\n");
    });
    ${extra}
    process.argv = [process.argv[0], ${JSON.stringify(script)}, ...${JSON.stringify(args)}];
    require(${JSON.stringify(script)});`;
  // A file, not -e: under -e, parseArgs would take the script path for an argument.
  const file = path.join(tmp("hcap-infra-probe-"), "probe.cjs");
  fs.writeFileSync(file, probe);
  const r = node([...(preload ? ["--require", path.join(LAUNCH, "defer-modules.cjs")] : []), file], PROJECT_DIR, KEY_ENV);
  expect(r.status, r.stderr).toBe(0);
  const loaded = JSON.parse(/LOADED (.*)/.exec(r.stderr)?.[1] ?? "null") as string[];
  return { yaml: r.stdout, loaded, stderr: r.stderr };
}

describe("typescript, @npmcli/arborist and zod's locales deferred (launch/defer-modules.cjs)", () => {
  it("all four stacks render byte-identical with and without the preload (objects and plan), and the preload loads none of them", () => {
    // One process per side for the four stacks (render --snapshot takes several), as diff's base does.
    const stacks = ["dev", "test", "prod", "tools"];
    const plain = renderIn(["--snapshot", ...stacks], false);
    const deferred = renderIn(["--snapshot", ...stacks], true);
    expect(plain.loaded).toEqual(["@npmcli/arborist", "typescript", "zod locales"]);
    expect(deferred.loaded).toEqual([]);
    const lines = deferred.yaml.trimEnd().split("\n");
    expect(lines.map((l) => (JSON.parse(l) as { stack: string }).stack)).toEqual(stacks);
    for (const line of lines) expect(line.length).toBeGreaterThan(1000);
    expect(deferred.yaml).toBe(plain.yaml);
  });

  it("a program that does serialize a function still gets the real typescript, on first use", () => {
    const pulumiPath = JSON.stringify(require.resolve("@pulumi/pulumi", { paths: [PROJECT_DIR] }));
    const serialize = `
      require(${pulumiPath}).runtime.serializeFunction(() => 6 * 7)
        .then((f) => require("fs").writeSync(2, "\\nSERIALIZED " + /6 \\* 7/.test(f.text) + "\\n"));`;
    const r = renderIn(["tools"], true, serialize);
    expect(r.stderr).toContain("SERIALIZED true");
    expect(r.loaded).toEqual(["typescript"]);
  });
});
