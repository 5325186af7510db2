/**
 * npm run bench [-- --runs <n>]: render times, peak memory and program start-up figures
 * (lib/commands/bench.ts).
 */
import { runScript } from "../lib/cli";
import { bench } from "../lib/commands/specs";

runScript(bench, () => import("../lib/commands/bench"));
