/**
 * npm run diff -- [<stack>…] [--base <git-ref>] [--exit-code] [--out-dir <dir>]
 * Renders the stacks (default: all four) at the base ref (with that ref's own code, all in one child
 * process) and in the working tree (all in this process), and prints a Markdown report per stack of
 * what changed: objects added / removed / changed with field-level paths, and plan changes that
 * matter for safety. Secret values are compared by keyed digest, never printed.
 * Default base: the merge-base of HEAD with origin/main (else main, else HEAD).
 * --exit-code: exit 3 when any stack changed (0 when none), so scripts can tell it from an error (1, 2).
 * --out-dir: also write each stack's report to <dir>/<stack>.md.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { STACKS, isStackName } from "../config";
import { renderAtBase, resolveBase } from "../lib/base-render";
import { UsageError, runCli } from "../lib/cli";
import { diffSnapshots, hasChanges, toMarkdown } from "../lib/diff";
import { evaluateStack } from "../lib/offline";
import { PROJECT_DIR } from "../lib/project";
import { snapshotOf } from "../lib/snapshot";

/** Exit status of `--exit-code` when the stack changed. */
const CHANGED = 3;

runCli(async () => {
  const usage = `usage: npm run diff -- <${STACKS.join("|")}>… [--base <git-ref>] [--exit-code] [--out-dir <dir>]`;
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { base: { type: "string" }, "exit-code": { type: "boolean", default: false }, "out-dir": { type: "string" } },
  });
  if (!positionals.every(isStackName) || new Set(positionals).size !== positionals.length) throw new UsageError(usage);
  const stacks = positionals.length > 0 ? positionals : [...STACKS];
  // A fresh random key per run: digests from two runs cannot be compared, and the key is never stored.
  const key = randomBytes(32);
  const base = resolveBase(PROJECT_DIR, values.base);
  const befores = renderAtBase(PROJECT_DIR, PROJECT_DIR, base, stacks, key);
  // npm runs scripts in the project folder; a relative --out-dir is where the user typed the command.
  const outDir = values["out-dir"] === undefined ? undefined : path.resolve(process.env.INIT_CWD ?? process.cwd(), values["out-dir"]);
  if (outDir) fs.mkdirSync(outDir, { recursive: true });
  let changed = false;
  for (const [i, stack] of stacks.entries()) {
    const after = snapshotOf(await evaluateStack(stack, { projectDir: PROJECT_DIR }), key);
    const diff = diffSnapshots(befores[i], after);
    const report = toMarkdown(diff, {
      stack,
      namespace: after.namespace,
      base: `base \`${base.ref}\` (${base.short})`,
      head: "working tree",
    });
    process.stdout.write(i > 0 ? `\n${report}` : report);
    if (outDir) fs.writeFileSync(path.join(outDir, `${stack}.md`), report);
    changed ||= hasChanges(diff);
  }
  if (values["exit-code"] && changed) process.exitCode = CHANGED;
});
