/** npm run graph: one stack as a Mermaid diagram, or the README's whole-system diagrams. */
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError, flagOpt, type CommandMain } from "../cli";
import { stackGraph, toMermaid } from "../../graph/graph";
import { evaluateStack } from "../../evaluate/evaluate";
import { kubernetesObjects, plan } from "../../evaluate/render";
import { replaceGenerated, systemDiagrams } from "../../graph/system-diagram";

export const main: CommandMain = async (args, io) => {
  const stack = args.positionals[0];
  if (flagOpt(args, "system")) {
    if (stack !== undefined) throw new UsageError("--system draws every stack: give no stack");
    io.progress("rendering the four stacks…");
    const diagrams = await systemDiagrams(io.projectDir);
    if (!flagOpt(args, "write")) {
      io.out(diagrams);
      return;
    }
    const readme = path.join(io.projectDir, "README.md");
    fs.writeFileSync(readme, replaceGenerated(fs.readFileSync(readme, "utf8"), diagrams));
    io.err("README.md: system diagrams updated\n");
    return;
  }
  if (flagOpt(args, "write")) throw new UsageError("--write goes with --system");
  if (stack === undefined) throw new UsageError("missing argument <stack> (or --system)");
  io.progress(`rendering ${stack}…`);
  const ev = await evaluateStack(stack, { projectDir: io.projectDir });
  io.out(toMermaid(stackGraph(kubernetesObjects(ev), plan(ev))));
};
