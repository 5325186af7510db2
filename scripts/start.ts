/**
 * npm start: renders all four stacks offline into out/ and prints a short summary of each
 * (lib/commands/start.ts).
 */
import { runScript } from "../lib/cli";
import { start } from "../lib/commands/specs";

runScript(start, () => import("../lib/commands/start"));
