/** npm run promote: records which commit an environment runs, in Pulumi.tools.yaml. */
import * as fs from "node:fs";
import * as path from "node:path";
import { stackFileName } from "../../../config/stacks";
import { stringOpt, type CommandMain } from "../cli";
import { PROMOTION_STACK, promote } from "../../ops/promote";

export const main: CommandMain = async (args, io) => {
  const [env, commit] = args.positionals;
  const file = path.join(io.projectDir, stackFileName(PROMOTION_STACK));
  const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "config: {}\n";
  const result = promote(text, env, commit, { override: stringOpt(args, "override") });
  if (result.text === text) {
    io.out(`${result.env} already runs ${result.commit} (${result.key} in ${path.basename(file)}); nothing changed.\n`);
    return;
  }
  fs.writeFileSync(file, result.text);
  io.out(
    [
      `${result.key}: ${result.previous || "(none)"} -> ${result.commit} in ${path.basename(file)}`,
      ...(result.override ? [`OVERRIDE: prod promoted to a commit test does not run. Reason: ${result.override}`] : []),
      "",
      "Review the change, then apply it (tools moves the environment's tags; the environment's up rolls",
      "its Deployments to the commit and waits for them):",
      `  pulumi preview -s ${PROMOTION_STACK} --diff`,
      `  pulumi up -s ${PROMOTION_STACK}`,
      `  pulumi up -s ${result.env}`,
      "",
    ].join("\n"),
  );
};
