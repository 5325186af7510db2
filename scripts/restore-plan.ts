/**
 * npm run restore-plan -- <dev|test|prod> [backup-file]
 * Prints the ordered commands of a database restore for one environment, with the names taken from
 * the stack's offline render (so they are the names `pulumi up` creates).
 */
import { runScript } from "../tools/cli/cli";
import { restorePlan } from "../tools/cli/commands/specs";

runScript(restorePlan, () => import("../tools/cli/commands/restore-plan"));
