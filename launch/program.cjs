// @ts-check
/**
 * The entry `pulumi preview/up` runs (Pulumi.yaml `main`): the program compiled from the sources as
 * they are now (launch/compile.cjs compiles first if they changed). Pulumi.yaml's nodeargs preload
 * launch/defer-modules.cjs. Its exports are the stack outputs.
 */
const path = require("node:path");
const { ensureCompiled } = require("./compile.cjs");

module.exports = require(path.join(ensureCompiled(path.resolve(__dirname, "..")), "index.js"));
