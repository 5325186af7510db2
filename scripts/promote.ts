/**
 * npm run promote -- <dev|test|prod> <commit-sha> [--override <reason>]
 * Records that an environment runs the images CI tagged with that commit (`hcap-infra:<env>Commit` in
 * Pulumi.tools.yaml) and prints the commands that apply it. Needs no cluster and no Pulumi login.
 * prod takes only the commit test runs; `--override <reason>` (emergencies) is printed for the record.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ENVIRONMENTS, stackFileName } from "../config";
import { UsageError, runCli } from "../tools/cli/cli";
import { PROJECT_DIR } from "../tools/cli/project";
import { PROMOTION_STACK, promote } from "../tools/ops/promote";

runCli(async () => {
  const usage = `usage: npm run promote -- <${ENVIRONMENTS.join("|")}> <commit-sha> [--override <reason>]`;
  let parsed: { values: { override?: string }; positionals: string[] };
  try {
    parsed = parseArgs({ allowPositionals: true, options: { override: { type: "string" } } });
  } catch (e) {
    throw new UsageError(`${e instanceof Error ? e.message : String(e)}\n${usage}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 2) throw new UsageError(usage);
  const file = path.join(PROJECT_DIR, stackFileName(PROMOTION_STACK));
  const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "config: {}\n";
  const result = promote(text, positionals[0], positionals[1], { override: values.override });
  if (result.text === text) {
    process.stdout.write(`${result.env} already runs ${result.commit} (${result.key} in ${path.basename(file)}); nothing changed.\n`);
    return;
  }
  fs.writeFileSync(file, result.text);
  process.stdout.write([
    `${result.key}: ${result.previous || "(none)"} -> ${result.commit} in ${path.basename(file)}`,
    ...(result.override ? [`OVERRIDE: prod promoted to a commit test does not run. Reason: ${result.override}`] : []),
    "",
    "Review the tag move, then apply it (the environment's DeploymentConfig deploys when its tag moves):",
    `  pulumi preview -s ${PROMOTION_STACK} --diff`,
    `  pulumi up -s ${PROMOTION_STACK}`,
    "",
  ].join("\n"));
});
