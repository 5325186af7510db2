/**
 * npm run adopt-check -- <stack> --live <file.yaml> [--live <file.yaml>…]
 * Compares what `oc get … -o yaml` returned from the stack's namespace with the stack's offline render:
 * which objects the first `pulumi up` imports, creates or leaves alone, the fields it changes, and any
 * change Pulumi can only make by replacing the object. Exits 1 when anything would be replaced,
 * refused or fail; secret values are compared in memory and never printed.
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { STACKS } from "../config";
import { UsageError, runCli } from "../tools/cli/cli";
import { compareObjects } from "../tools/adopt/compare";
import { declaredObjects, providerSwitches } from "../tools/adopt/declared";
import { LiveDumpError, parseLiveDump } from "../tools/adopt/live";
import type { KubeObject } from "../tools/kube/object";
import { exitCode, formatReport } from "../tools/adopt/report";
import { evaluateStack } from "../tools/evaluate/evaluate";
import { PROJECT_DIR } from "../tools/cli/project";

const USAGE = `usage: npm run adopt-check -- <${STACKS.join("|")}> --live <file.yaml> [--live <file.yaml>…]`;

runCli(async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { live: { type: "string", multiple: true } },
  });
  const files = values.live ?? [];
  if (positionals.length !== 1 || files.length === 0) throw new UsageError(USAGE);
  const live: KubeObject[] = [];
  for (const file of files) {
    if (!fs.existsSync(file)) throw new UsageError(`${file}: no such file`);
    try {
      live.push(...parseLiveDump(fs.readFileSync(file, "utf8"), file));
    } catch (e) {
      if (e instanceof LiveDumpError) throw new UsageError(e.message);
      throw e;
    }
  }
  const stack = positionals[0];
  const ev = await evaluateStack(stack, { projectDir: PROJECT_DIR });
  const report = compareObjects({
    namespace: ev.config.namespace,
    adopt: ev.config.adopt,
    switches: providerSwitches(ev),
    declared: declaredObjects(ev),
    live,
  });
  process.stdout.write(formatReport(stack, report));
  process.exitCode = exitCode(report);
});
