import { runScript } from "../tools/cli/cli";
import { help } from "../tools/cli/commands/specs";

runScript(help, () => import("../tools/cli/commands/help"));
