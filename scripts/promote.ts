/**
 * npm run promote -- <dev|test|prod> <commit-sha>
 * Records that an environment runs the images CI tagged with that commit (`hcap-infra:<env>Commit` in
 * Pulumi.tools.yaml) and prints the commands that apply it. Needs no cluster and no Pulumi login.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ENVIRONMENTS, stackFileName } from "../config";
import { UsageError, runCli } from "../lib/cli";
import { PROJECT_DIR } from "../lib/project";
import { PROMOTION_STACK, promote } from "../lib/promote";

runCli(async () => {
  const { positionals } = parseArgs({ allowPositionals: true, options: {} });
  if (positionals.length !== 2) throw new UsageError(`usage: npm run promote -- <${ENVIRONMENTS.join("|")}> <commit-sha>`);
  const file = path.join(PROJECT_DIR, stackFileName(PROMOTION_STACK));
  const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "config: {}\n";
  const result = promote(text, positionals[0], positionals[1]);
  if (result.text === text) {
    process.stdout.write(`${result.env} already runs ${result.commit} (${result.key} in ${path.basename(file)}); nothing changed.\n`);
    return;
  }
  fs.writeFileSync(file, result.text);
  process.stdout.write([
    `${result.key}: ${result.previous || "(none)"} -> ${result.commit} in ${path.basename(file)}`,
    "",
    "Review the tag move, then apply it (the environment's DeploymentConfig deploys when its tag moves):",
    `  pulumi preview -s ${PROMOTION_STACK} --diff`,
    `  pulumi up -s ${PROMOTION_STACK}`,
    "",
  ].join("\n"));
});
