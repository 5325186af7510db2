/**
 * npm run promote -- <dev|test|prod> <commit-sha>
 * Records that an environment runs the images CI tagged with that commit (`hcap-infra:<env>Commit` in
 * Pulumi.tools.yaml) and prints the commands that apply it. Needs no cluster and no Pulumi login.
 */
import { runScript } from "../tools/cli/cli";
import { promote } from "../tools/cli/commands/specs";

runScript(promote, () => import("../tools/cli/commands/promote"));
