/** npm run adopt-check: live objects of a namespace against the stack's render. */
import * as fs from "node:fs";
import * as path from "node:path";
import { InputError, UsageError, listOpt, type CommandMain } from "../cli";
import { compareObjects } from "../../adopt/compare";
import { declaredObjects, providerSwitches } from "../../adopt/declared";
import { LiveDumpError, parseLiveDump } from "../../adopt/live";
import type { KubeObject } from "../../kube/object";
import { exitCode, formatReport } from "../../adopt/report";
import { evaluateStack } from "../../evaluate/evaluate";

export const main: CommandMain = async (args, io) => {
  const files = listOpt(args, "live");
  if (files.length === 0) throw new UsageError("missing --live <file.yaml>: what oc get … -o yaml returned from the namespace");
  const live: KubeObject[] = [];
  for (const file of files) {
    // npm runs scripts in the project folder; a path is relative to where the user typed the command.
    const full = path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
    if (!fs.existsSync(full)) throw new InputError(`${file}: no such file`);
    try {
      live.push(...parseLiveDump(fs.readFileSync(full, "utf8"), file));
    } catch (e) {
      if (e instanceof LiveDumpError) throw new InputError(e.message);
      throw e;
    }
  }
  const stack = args.positionals[0];
  io.progress(`rendering ${stack} and comparing ${live.length} live objects…`);
  const ev = await evaluateStack(stack, { projectDir: io.projectDir });
  const report = compareObjects({
    namespace: ev.config.namespace,
    adopt: ev.config.adopt,
    switches: providerSwitches(ev),
    declared: declaredObjects(ev),
    live,
  });
  const code = exitCode(report);
  // Colour (on a terminal only): errors red, the summary red or green.
  const lines = formatReport(stack, report).trimEnd().split("\n");
  const coloured = lines.map((l, i) =>
    /^ {2}ERROR |^Errors \(/.test(l) ? io.style.red(l) : i === lines.length - 1 ? (code === 0 ? io.style.green(l) : io.style.red(l)) : l,
  );
  io.out(`${coloured.join("\n")}\n`);
  return code;
};
