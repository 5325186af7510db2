/**
 * npm run restore-plan -- <dev|test|prod> [backup-file]
 * Prints the ordered commands of a database restore for one environment, with the names taken from
 * the stack's offline render (so they are the names `pulumi up` creates).
 */
import { runScript } from "../lib/cli";
import { restorePlan } from "../lib/commands/specs";

runScript(restorePlan, () => import("../lib/commands/restore-plan"));
