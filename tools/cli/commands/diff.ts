/** npm run diff: Markdown report per stack of what the working tree changes against a git ref. */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { STACKS } from "../../../config/stacks";
import { EXIT, UsageError, flagOpt, stringOpt, type CommandMain } from "../cli";
import { renderAtBase, resolveBase } from "../../diff/at-ref";
import { diffSnapshots, hasChanges, toMarkdown } from "../../diff/plan-diff";
import { graphChange, stackGraph } from "../../graph/graph";
import { evaluateStack } from "../../evaluate/evaluate";
import { snapshotOf } from "../../evaluate/snapshot";
import { switchesMarkdown, workloadSwitches } from "../../diff/workload-switch";

export const main: CommandMain = async (args, io) => {
  if (new Set(args.positionals).size !== args.positionals.length) throw new UsageError("a stack is named twice");
  const stacks = args.positionals.length > 0 ? [...args.positionals] : [...STACKS];
  // A fresh random key per run: digests from two runs cannot be compared, and the key is never stored.
  const key = randomBytes(32);
  const base = resolveBase(io.projectDir, stringOpt(args, "base"));
  io.progress(`diff: rendering base ${base.short} (${stacks.join(", ")}) in a temporary git worktree…`);
  const befores = await renderAtBase(io.projectDir, io.projectDir, base, stacks, key);
  // npm runs scripts in the project folder; a relative --out-dir is where the user typed the command.
  const outArg = stringOpt(args, "out-dir");
  const outDir = outArg === undefined ? undefined : path.resolve(process.env.INIT_CWD ?? process.cwd(), outArg);
  if (outDir) fs.mkdirSync(outDir, { recursive: true });
  let changed = false;
  for (const [i, stack] of stacks.entries()) {
    io.progress(`diff: rendering ${stack} in the working tree…`);
    const before = befores[i];
    const after = snapshotOf(await evaluateStack(stack, { projectDir: io.projectDir }), key);
    const diff = diffSnapshots(before, after);
    // Graph keys are `Kind/name` (one namespace per stack); diff keys are `Kind/namespace/name`.
    const changedKeys = new Set(diff.changed.map((c) => c.key.replace(/^([^/]+)\/[^/]+\//, "$1/")));
    const graph = graphChange(stackGraph(before.objects, before.plan), stackGraph(after.objects, after.plan), changedKeys);
    const report =
      toMarkdown(diff, {
        stack,
        namespace: after.namespace,
        base: `base \`${base.ref}\` (${base.short})`,
        head: "working tree",
        graph,
      }) + switchesMarkdown(workloadSwitches(before.objects, after.objects));
    io.out(i > 0 ? `\n${report}` : report);
    if (outDir) fs.writeFileSync(path.join(outDir, `${stack}.md`), report);
    changed ||= hasChanges(diff);
  }
  return flagOpt(args, "exit-code") && changed ? EXIT.changes : EXIT.ok;
};
