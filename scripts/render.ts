/**
 * npm run render -- <stack> [--plan] | --snapshot <stack>…
 * Evaluates one stack offline and writes its Kubernetes objects as multi-document YAML (or, with
 * --plan, its resources and their safety options as JSON) to stdout. --snapshot (used by
 * `npm run diff` on a copy of the project at another ref) writes, for each stack in turn and all in
 * this one process, objects + plan as one JSON document per line, secrets as HMAC digests under the
 * key the caller passes in HCAP_INFRA_DIFF_KEY.
 */
import { parseArgs } from "node:util";
import { STACKS } from "../config";
import { UsageError, runCli } from "../lib/cli";
import { evaluateStack } from "../lib/offline";
import { PROJECT_DIR } from "../lib/project";
import { kubernetesObjects, plan, toYaml } from "../lib/render";
import { keyFromEnv, snapshotOf } from "../lib/snapshot";

runCli(async () => {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: {
    plan: { type: "boolean", default: false },
    snapshot: { type: "boolean", default: false },
  } });
  const count = positionals.length;
  if ((values.plan && values.snapshot) || count === 0 || (count > 1 && !values.snapshot)) {
    throw new UsageError(`usage: npm run render -- <${STACKS.join("|")}> [--plan] | --snapshot <stack>…`);
  }
  // Read the key before evaluating, so a missing key fails fast.
  const key = values.snapshot ? keyFromEnv() : undefined;
  for (const stack of positionals) {
    const ev = await evaluateStack(stack, { projectDir: PROJECT_DIR });
    const text = key
      ? `${JSON.stringify(snapshotOf(ev, key))}\n`
      : values.plan ? `${JSON.stringify(plan(ev), null, 2)}\n` : toYaml(kubernetesObjects(ev));
    process.stdout.write(text);
    if (ev.placeholderSecrets.length > 0) {
      process.stderr.write(`note: offline placeholders for unset secrets: ${ev.placeholderSecrets.join(", ")}\n`);
    }
  }
});
