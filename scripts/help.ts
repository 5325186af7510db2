import { runScript } from "../lib/cli";
import { help } from "../lib/commands/specs";

runScript(help, () => import("../lib/commands/help"));
