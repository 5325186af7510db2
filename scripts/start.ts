/**
 * npm start: renders all four stacks offline into out/ and prints a short summary of each
 * (tools/cli/commands/start.ts).
 */
import { runScript } from "../tools/cli/cli";
import { start } from "../tools/cli/commands/specs";

runScript(start, () => import("../tools/cli/commands/start"));
