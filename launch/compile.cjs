// @ts-check
/**
 * Compiles the program (index.ts, stack.ts, config/, components/, lib/, scripts/) to CommonJS with
 * esbuild, one output file per source, transpile only: type-checking is `npm test` (tsc --noEmit).
 *
 * The output folder is named by a hash of everything the output depends on (each source's path and
 * content, tsconfig.json, this file, the esbuild version), so a compiled tree can never be stale: an
 * edited source has a new hash, and the first command after the edit compiles it (≈0.5 s). Trees are
 * built in a temporary folder and renamed into place, so concurrent commands never see half a tree.
 */
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

/**
 * What is compiled: every .ts file of the project except these folders (tests run under vitest,
 * the policy pack under Pulumi's own runner). A new folder or root file is picked up by itself.
 */
const SKIP = new Set(["node_modules", "dist", "out", "test", "policy", "coverage"]);
/** Where compiled trees live, inside the project (git-ignored). */
const OUT = "dist";
/**
 * @type {import("esbuild").BuildOptions} esbuild options besides the file lists; part of the hash.
 * `dynamic-import: false` turns `import("../lib/commands/x")` (the commands' lazy load) into a
 * require: a real import() of an extension-less path fails in Node, while tsx resolves it.
 */
const OPTIONS = { format: "cjs", platform: "node", target: "node20", logLevel: "error", supported: { "dynamic-import": false } };

/** @param {string} projectDir @returns {string[]} the source files, relative, sorted */
function sourceFiles(projectDir) {
  /** @type {string[]} */
  const files = [];
  /** @param {string} rel */
  const walk = (rel) => {
    for (const entry of fs.readdirSync(path.join(projectDir, rel), { withFileTypes: true })) {
      const child = rel ? path.join(rel, entry.name) : entry.name;
      if (entry.isDirectory()) {
        if (!entry.name.startsWith(".") && !(rel === "" && SKIP.has(entry.name))) walk(child);
      } else if (entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
        files.push(child);
      }
    }
  };
  walk("");
  return files.map((f) => f.split(path.sep).join("/")).sort();
}

/** @param {string} projectDir @returns {{ hash: string, files: string[] }} */
function sourceHash(projectDir) {
  const files = sourceFiles(projectDir);
  const h = crypto.createHash("sha256");
  h.update(JSON.stringify({ esbuild: require("esbuild/package.json").version, options: OPTIONS }));
  h.update(fs.readFileSync(__filename));
  h.update(fs.readFileSync(path.join(projectDir, "tsconfig.json")));
  for (const file of files) {
    h.update(`\0${file}\0`);
    h.update(fs.readFileSync(path.join(projectDir, file)));
  }
  return { hash: h.digest("hex").slice(0, 16), files };
}

/**
 * Compiles `files` of `projectDir` into `outDir` (which must not exist yet).
 * @param {string} projectDir @param {readonly string[]} files @param {string} outDir
 */
function compileInto(projectDir, files, outDir) {
  require("esbuild").buildSync({
    ...OPTIONS,
    absWorkingDir: projectDir,
    entryPoints: [...files],
    outdir: outDir,
    outbase: ".",
    tsconfig: path.join(projectDir, "tsconfig.json"),
  });
}

/**
 * Compiled trees of older sources are removed once they are an hour old (a running command may still use one).
 * @param {string} root @param {string} keep
 */
function prune(root, keep) {
  const hourAgo = Date.now() - 3600_000;
  for (const name of fs.readdirSync(root)) {
    const dir = path.join(root, name);
    if (name === keep) continue;
    try {
      if (fs.statSync(dir).mtimeMs < hourAgo) fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another command pruned it first.
    }
  }
}

/**
 * The folder holding the program compiled from the sources as they are now; compiles it first if
 * there is none. @param {string} projectDir @returns {string}
 */
function ensureCompiled(projectDir) {
  const { hash, files } = sourceHash(projectDir);
  const root = path.join(projectDir, OUT);
  const dir = path.join(root, hash);
  if (fs.existsSync(dir)) return dir;
  fs.mkdirSync(root, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(root, ".tmp-"));
  try {
    compileInto(projectDir, files, tmp);
    try {
      fs.renameSync(tmp, dir);
    } catch (e) {
      // Another command compiled the same sources at the same time: use its tree.
      if (!fs.existsSync(dir)) throw e;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  prune(root, hash);
  return dir;
}

module.exports = { ensureCompiled, compileInto, sourceHash, OUT };

// `npm run build`: compile now and print the folder.
if (require.main === module) process.stdout.write(`${path.relative(process.cwd(), ensureCompiled(path.resolve(__dirname, "..")))}\n`);
