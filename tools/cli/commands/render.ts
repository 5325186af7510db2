/** npm run render: one stack's objects as YAML, its plan as JSON, or a snapshot for diff. */
import { UsageError, flagOpt, type CommandMain } from "../cli";
import { evaluateStack } from "../../evaluate/evaluate";
import { kubernetesObjects, plan, toYaml } from "../../evaluate/render";
import { keyFromEnv, snapshotOf } from "../../evaluate/snapshot";

export const main: CommandMain = async (args, io) => {
  if (["plan", "snapshot", "outputs"].filter((f) => flagOpt(args, f)).length > 1) {
    throw new UsageError("--plan, --snapshot and --outputs exclude each other");
  }
  if (args.positionals.length > 1 && !flagOpt(args, "snapshot")) throw new UsageError("several stacks only with --snapshot");
  // Read the key before evaluating, so a missing key fails fast.
  const key = flagOpt(args, "snapshot") ? keyFromEnv() : undefined;
  // Several stacks (diff's base) in this one process: one JSON snapshot per line, in the order asked.
  for (const stack of args.positionals) {
    io.progress(`rendering ${stack}…`);
    const ev = await evaluateStack(stack, { projectDir: io.projectDir });
    const text = key
      ? `${JSON.stringify(snapshotOf(ev, key))}\n`
      : flagOpt(args, "outputs")
        ? `${JSON.stringify(ev.outputs, null, 2)}\n`
        : flagOpt(args, "plan")
          ? `${JSON.stringify(plan(ev), null, 2)}\n`
          : toYaml(kubernetesObjects(ev));
    io.out(text);
    if (ev.placeholderSecrets.length > 0) {
      io.err(`note: offline placeholders for unset secrets: ${ev.placeholderSecrets.join(", ")}\n`);
    }
  }
};
