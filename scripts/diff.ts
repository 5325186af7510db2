/**
 * npm run diff -- <stack> [--base <git-ref>] [--exit-code]
 * Renders the stack at the base ref (with that ref's own code) and in the working tree, and prints
 * a Markdown report of what changed: objects added / removed / changed with field-level paths, and
 * plan changes that matter for safety. Secret values are compared by keyed digest, never printed.
 * Default base: the merge-base of HEAD with origin/main (else main, else HEAD).
 * --exit-code: exit 3 when there are changes (0 when none), so scripts can tell it from an error (1, 2).
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { STACKS } from "../config";
import { renderAtBase, resolveBase } from "../tools/diff/at-ref";
import { UsageError, runCli } from "../tools/cli/cli";
import { diffSnapshots, hasChanges, toMarkdown } from "../tools/diff/plan-diff";
import { evaluateStack } from "../tools/evaluate/evaluate";
import { PROJECT_DIR } from "../tools/cli/project";
import { snapshotOf } from "../tools/evaluate/snapshot";
import { switchesMarkdown, workloadSwitches } from "../tools/diff/workload-switch";

/** Exit status of `--exit-code` when the stack changed. */
const CHANGED = 3;

runCli(async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { base: { type: "string" }, "exit-code": { type: "boolean", default: false } },
  });
  if (positionals.length !== 1 || !(STACKS as readonly string[]).includes(positionals[0])) {
    throw new UsageError(`usage: npm run diff -- <${STACKS.join("|")}> [--base <git-ref>] [--exit-code]`);
  }
  const stack = positionals[0];
  // A fresh random key per run: digests from two runs cannot be compared, and the key is never stored.
  const key = randomBytes(32);
  const base = resolveBase(PROJECT_DIR, values.base);
  const before = renderAtBase(PROJECT_DIR, PROJECT_DIR, base, stack, key);
  const after = snapshotOf(await evaluateStack(stack, { projectDir: PROJECT_DIR }), key);
  const diff = diffSnapshots(before, after);
  const report = toMarkdown(diff, {
    stack,
    namespace: after.namespace,
    base: `base \`${base.ref}\` (${base.short})`,
    head: "working tree",
  });
  process.stdout.write(report + switchesMarkdown(workloadSwitches(before.objects, after.objects)));
  if (values["exit-code"] && hasChanges(diff)) process.exitCode = CHANGED;
});
