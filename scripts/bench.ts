/**
 * npm run bench [-- --runs <n>]: render times, peak memory and program start-up figures
 * (tools/cli/commands/bench.ts).
 */
import { runScript } from "../tools/cli/cli";
import { bench } from "../tools/cli/commands/specs";

runScript(bench, () => import("../tools/cli/commands/bench"));
