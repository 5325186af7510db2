/** npm run diff: Markdown report of what the working tree changes in one stack against a git ref. */
import { randomBytes } from "node:crypto";
import { EXIT, flagOpt, stringOpt, type CommandMain } from "../cli";
import { renderAtBase, resolveBase } from "../base-render";
import { diffSnapshots, hasChanges, toMarkdown } from "../diff";
import { graphChange, stackGraph } from "../graph";
import { evaluateStack } from "../offline";
import { PROJECT_DIR } from "../project";
import { snapshotOf } from "../snapshot";
import { switchesMarkdown, workloadSwitches } from "../workload-switch";

export const main: CommandMain = async (args, io) => {
  const stack = args.positionals[0];
  // A fresh random key per run: digests from two runs cannot be compared, and the key is never stored.
  const key = randomBytes(32);
  const base = resolveBase(PROJECT_DIR, stringOpt(args, "base"));
  io.progress(`diff ${stack}: rendering base ${base.short} in a temporary git worktree…`);
  const before = renderAtBase(PROJECT_DIR, PROJECT_DIR, base, stack, key);
  io.progress(`diff ${stack}: rendering the working tree…`);
  const after = snapshotOf(await evaluateStack(stack, { projectDir: PROJECT_DIR }), key);
  const diff = diffSnapshots(before, after);
  // Graph keys are `Kind/name` (one namespace per stack); diff keys are `Kind/namespace/name`.
  const changed = new Set(diff.changed.map((c) => c.key.replace(/^([^/]+)\/[^/]+\//, "$1/")));
  const graph = graphChange(stackGraph(before.objects, before.plan), stackGraph(after.objects, after.plan), changed);
  io.out(toMarkdown(diff, {
    stack,
    namespace: after.namespace,
    base: `base \`${base.ref}\` (${base.short})`,
    head: "working tree",
    graph,
  }) + switchesMarkdown(workloadSwitches(before.objects, after.objects)));
  return flagOpt(args, "exit-code") && hasChanges(diff) ? EXIT.changes : EXIT.ok;
};
