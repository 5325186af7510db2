// @ts-check
/**
 * `node launch/run.cjs scripts/<name>.ts [args…]` — what every npm script runs: the script compiled by
 * launch/compile.cjs (compiled first if the sources changed), with the modules it never uses deferred
 * (launch/defer-modules.cjs). Plain Node, no tsx: no transpiling or source maps at start-up.
 */
// A command is a process of about a second: V8's optimizing compiler (TurboFan) spends more CPU on
// background compilations than its code saves in that time. Without it, a render takes about a fifth
// less CPU at the same wall time (npm run bench; README "Start-up"). Set before any code runs.
require("node:v8").setFlagsFromString("--no-opt");
require("./defer-modules.cjs");
const path = require("node:path");
const { ensureCompiled } = require("./compile.cjs");

const [script, ...args] = process.argv.slice(2);
if (!script || !/^scripts\/[\w-]+\.ts$/.test(script)) {
  process.stderr.write("usage: node launch/run.cjs scripts/<name>.ts [args…]\n");
  process.exit(2);
}
const target = path.join(ensureCompiled(path.resolve(__dirname, "..")), script.replace(/\.ts$/, ".js"));
// The script reads its arguments from process.argv, as if started directly.
process.argv = [process.argv[0], target, ...args];
require(target);
