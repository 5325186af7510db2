/** npm run maintenance-gate (see lib/commands/specs.ts). */
import { runScript } from "../lib/cli";
import { maintenanceGate } from "../lib/commands/specs";

runScript(maintenanceGate, () => import("../lib/commands/maintenance-gate"));
