/** npm run maintenance-gate: may a pipeline apply this environment, or is a restore under way? */
import * as fs from "node:fs";
import * as path from "node:path";
import { stackNames } from "../../../components/names";
import { EXIT, InputError, UsageError, stringOpt, type CommandMain } from "../cli";
import { liveMaintenance, maintenanceGate } from "../../ops/maintenance-gate";
import { evaluateStack } from "../../evaluate/evaluate";

export const main: CommandMain = async (args, io) => {
  const [stack] = args.positionals;
  const liveArg = stringOpt(args, "live");
  if (liveArg === undefined) throw new UsageError("--live <file.json> is required");
  const file = path.resolve(liveArg);
  if (!fs.existsSync(file)) throw new InputError(`--live ${liveArg}: no such file`);
  const live = liveMaintenance(fs.readFileSync(file, "utf8"), liveArg);
  io.progress(`rendering ${stack}…`);
  const ev = await evaluateStack(stack, { projectDir: io.projectDir });
  if (ev.config.role !== "env") throw new UsageError(`"${stack}" is not an environment stack`);
  const decision = maintenanceGate({
    stack,
    namespace: ev.config.namespace,
    declared: ev.config.maintenance,
    live,
    markerName: stackNames(ev.config.appName).maintenanceMarker,
  });
  io.out(`${decision.message}\n`);
  return decision.proceed ? EXIT.ok : EXIT.maintenance;
};
