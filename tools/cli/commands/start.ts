/**
 * npm start: renders all four stacks offline into out/<stack>.yaml and out/<stack>.plan.json and
 * prints a short summary of each (tools/evaluate/summary.ts), then one total line. All stacks are rendered
 * before anything is written, and out/ is then replaced file by file with atomic renames
 * (tools/evaluate/out-dir.ts): a failed or interrupted run leaves the previous complete set.
 */
import * as path from "node:path";
import { ENVIRONMENTS, STACKS, isEnvName } from "../../../config/stacks";
import { readPromotedCommit } from "../../../config";
import type { CommandMain } from "../cli";
import { evaluateStack } from "../../evaluate/evaluate";
import { writeOutputs } from "../../evaluate/out-dir";
import { kubernetesObjects, plan, toYaml } from "../../evaluate/render";
import { protectedResources, stackSummary, totalLine, type Totals } from "../../evaluate/summary";

/** The commit each environment runs, as the environment stacks read it (config `readPromotedCommit`); "" if none. */
function promotions(projectDir: string): Record<string, string> {
  return Object.fromEntries(ENVIRONMENTS.map((env) => [env, readPromotedCommit(projectDir, env) ?? ""]));
}

/** The files `npm start` owns in out/: anything else there is left alone. */
const OWNED = /^[a-z0-9-]+\.(yaml|plan\.json)$/;

export const main: CommandMain = async (_args, io) => {
  const outDir = path.join(io.projectDir, "out");
  const shown = (f: string) => path.relative(process.env.INIT_CWD ?? process.cwd(), f) || ".";
  const files = new Map<string, string>();
  const summaries: string[] = [];
  const commits = promotions(io.projectDir);
  const totals: Totals = { stacks: 0, objects: 0, resources: 0, protected: 0, placeholders: 0 };
  for (const stack of STACKS) {
    io.progress(`rendering ${stack}…`);
    const ev = await evaluateStack(stack, { projectDir: io.projectDir });
    const objects = kubernetesObjects(ev);
    const entries = plan(ev);
    const yamlFile = path.join(outDir, `${stack}.yaml`);
    const planFile = path.join(outDir, `${stack}.plan.json`);
    files.set(path.basename(yamlFile), toYaml(objects));
    files.set(path.basename(planFile), `${JSON.stringify(entries, null, 2)}\n`);
    const lines = stackSummary({
      stack,
      namespace: ev.config.namespace,
      objects,
      plan: entries,
      placeholderSecrets: ev.placeholderSecrets,
      commit: isEnvName(stack) ? commits[stack] : undefined,
      promotions: stack === "tools" ? commits : undefined,
      wrote: [shown(yamlFile), shown(planFile)],
    });
    summaries.push(`${io.style.bold(lines[0])}\n${lines.slice(1).join("\n")}\n\n`);
    totals.stacks++;
    totals.objects += objects.length;
    totals.resources += entries.length;
    totals.protected += protectedResources(entries).length;
    totals.placeholders += ev.placeholderSecrets.length;
  }
  writeOutputs(outDir, files, OWNED);
  io.out(summaries.join(""));
  io.out(`${totalLine(totals, `${shown(outDir)}/`)}\n`);
};
