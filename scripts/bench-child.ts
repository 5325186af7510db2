// Renders the stacks named on the command line (for the benchmark) and prints the peak RSS in bytes.
import { evaluateStack } from "../tools/evaluate/evaluate";
import { PROJECT_DIR } from "../tools/cli/project";
import { kubernetesObjects, plan, toYaml } from "../tools/evaluate/render";

(async () => {
  for (const stack of process.argv.slice(2)) {
    const ev = await evaluateStack(stack, { projectDir: PROJECT_DIR });
    toYaml(kubernetesObjects(ev));
    JSON.stringify(plan(ev));
  }
  process.stdout.write(`${process.resourceUsage().maxRSS * 1024}\n`);
})().catch((e: unknown) => {
  process.stderr.write(`${String(e)}\n`);
  process.exit(1);
});
