/**
 * npm run render -- <stack> [--plan]
 * Evaluates one stack offline and writes its Kubernetes objects as multi-document YAML (or, with
 * --plan, its resources and their safety options as JSON) to stdout.
 */
import { parseArgs } from "node:util";
import { STACKS } from "../config";
import { UsageError, runCli } from "../lib/cli";
import { evaluateStack } from "../lib/offline";
import { PROJECT_DIR } from "../lib/project";
import { kubernetesObjects, plan, toYaml } from "../lib/render";

runCli(async () => {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { plan: { type: "boolean", default: false } } });
  if (positionals.length !== 1) throw new UsageError(`usage: npm run render -- <${STACKS.join("|")}> [--plan]`);
  const ev = await evaluateStack(positionals[0], { projectDir: PROJECT_DIR });
  const text = values.plan ? `${JSON.stringify(plan(ev), null, 2)}\n` : toYaml(kubernetesObjects(ev));
  process.stdout.write(text);
  if (ev.placeholderSecrets.length > 0) {
    process.stderr.write(`note: offline placeholders for unset secrets: ${ev.placeholderSecrets.join(", ")}\n`);
  }
});
