/**
 * npm run promote -- <dev|test|prod> <commit-sha>
 * Records that an environment runs the images CI tagged with that commit (`hcap-infra:<env>Commit` in
 * Pulumi.tools.yaml) and prints the commands that apply it. Needs no cluster and no Pulumi login.
 */
import { runScript } from "../lib/cli";
import { promote } from "../lib/commands/specs";

runScript(promote, () => import("../lib/commands/promote"));
