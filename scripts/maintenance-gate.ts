/**
 * npm run maintenance-gate -- <dev|test|prod> --live <file>
 * Run by the pipelines before they apply or drift-check an environment. <file> holds the output of
 * `oc get configmaps -l hcap-infra/maintenance -o json` in the environment's namespace (empty: none).
 * Exit 0: go ahead. Exit 4: the environment is in restore maintenance and the config this run
 * would apply does not keep it; the message says why and how maintenance ends.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ENVIRONMENTS, isEnvName } from "../config";
import { stackNames } from "../components/names";
import { UsageError, runCli } from "../tools/cli/cli";
import { IN_MAINTENANCE, liveMaintenance, maintenanceGate } from "../tools/ops/maintenance-gate";
import { evaluateStack } from "../tools/evaluate/evaluate";
import { PROJECT_DIR } from "../tools/cli/project";

const USAGE = `usage: npm run maintenance-gate -- <${ENVIRONMENTS.join("|")}> --live <file>`;

runCli(async () => {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { live: { type: "string" } } });
  if (positionals.length !== 1 || values.live === undefined) throw new UsageError(USAGE);
  const [stack] = positionals;
  if (!isEnvName(stack)) throw new UsageError(`"${stack}" is not an environment stack\n${USAGE}`);
  const file = path.resolve(values.live);
  if (!fs.existsSync(file)) throw new UsageError(`--live ${values.live}: no such file`);
  const live = liveMaintenance(fs.readFileSync(file, "utf8"), values.live);

  const ev = await evaluateStack(stack, { projectDir: PROJECT_DIR });
  if (ev.config.role !== "env") throw new UsageError(`"${stack}" is not an environment stack`);
  const decision = maintenanceGate({
    stack,
    namespace: ev.config.namespace,
    declared: ev.config.maintenance,
    live,
    markerName: stackNames(ev.config.appName).maintenanceMarker,
  });
  process.stdout.write(`${decision.message}\n`);
  if (!decision.proceed) process.exitCode = IN_MAINTENANCE;
});
