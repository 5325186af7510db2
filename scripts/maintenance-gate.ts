/** npm run maintenance-gate (see tools/cli/commands/specs.ts). */
import { runScript } from "../tools/cli/cli";
import { maintenanceGate } from "../tools/cli/commands/specs";

runScript(maintenanceGate, () => import("../tools/cli/commands/maintenance-gate"));
