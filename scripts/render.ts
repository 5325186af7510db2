/**
 * npm run render -- <stack> [--plan | --snapshot | --outputs]
 * Evaluates one stack offline and writes its Kubernetes objects as multi-document YAML (or, with
 * --plan, its resources and their safety options as JSON) to stdout. --snapshot (used by
 * `npm run diff` on a copy of the project at another ref) writes objects + plan as one JSON document,
 * secrets as HMAC digests under the key the caller passes in HCAP_INFRA_DIFF_KEY. --outputs writes the
 * stack outputs `pulumi up` exports (URLs, commits, images, database Service, backup schedule) as JSON.
 */
import { parseArgs } from "node:util";
import { STACKS } from "../config";
import { UsageError, runCli } from "../tools/cli/cli";
import { evaluateStack } from "../tools/evaluate/evaluate";
import { PROJECT_DIR } from "../tools/cli/project";
import { kubernetesObjects, plan, toYaml } from "../tools/evaluate/render";
import { keyFromEnv, snapshotOf } from "../tools/evaluate/snapshot";

runCli(async () => {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: {
    plan: { type: "boolean", default: false },
    snapshot: { type: "boolean", default: false },
    outputs: { type: "boolean", default: false },
  } });
  if (positionals.length !== 1 || [values.plan, values.snapshot, values.outputs].filter(Boolean).length > 1) {
    throw new UsageError(`usage: npm run render -- <${STACKS.join("|")}> [--plan | --snapshot | --outputs]`);
  }
  // Read the key before evaluating, so a missing key fails fast.
  const key = values.snapshot ? keyFromEnv() : undefined;
  const ev = await evaluateStack(positionals[0], { projectDir: PROJECT_DIR });
  const text = key
    ? `${JSON.stringify(snapshotOf(ev, key))}\n`
    : values.outputs ? `${JSON.stringify(ev.outputs, null, 2)}\n`
    : values.plan ? `${JSON.stringify(plan(ev), null, 2)}\n` : toYaml(kubernetesObjects(ev));
  process.stdout.write(text);
  if (ev.placeholderSecrets.length > 0) {
    process.stderr.write(`note: offline placeholders for unset secrets: ${ev.placeholderSecrets.join(", ")}\n`);
  }
});
