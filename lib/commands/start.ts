/**
 * npm start: renders all four stacks offline into out/<stack>.yaml and out/<stack>.plan.json and
 * prints a short summary of each (lib/summary.ts), then one total line.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ENVIRONMENTS, STACKS, isEnvName } from "../../config/stacks";
import type { CommandMain } from "../cli";
import { evaluateStack } from "../offline";
import { PROJECT_DIR } from "../project";
import { kubernetesObjects, plan, toYaml } from "../render";
import { readStackFiles } from "../stack-files";
import { protectedResources, stackSummary, totalLine, type Totals } from "../summary";

/** The commit each environment runs: `<env>Commit` of the tools stack, which moves the env's image tag. */
function promotions(): Record<string, string> {
  const values = readStackFiles(PROJECT_DIR, "tools").values;
  return Object.fromEntries(ENVIRONMENTS.map((env) => [env, values[`${env}Commit`] ?? ""]));
}

export const main: CommandMain = async (_args, io) => {
  const outDir = path.join(PROJECT_DIR, "out");
  const shown = (f: string) => path.relative(process.env.INIT_CWD ?? process.cwd(), f) || ".";
  fs.mkdirSync(outDir, { recursive: true });
  const commits = promotions();
  const totals: Totals = { stacks: 0, objects: 0, resources: 0, protected: 0, placeholders: 0 };
  for (const stack of STACKS) {
    io.progress(`rendering ${stack}…`);
    const ev = await evaluateStack(stack, { projectDir: PROJECT_DIR });
    const objects = kubernetesObjects(ev);
    const entries = plan(ev);
    const yamlFile = path.join(outDir, `${stack}.yaml`);
    const planFile = path.join(outDir, `${stack}.plan.json`);
    fs.writeFileSync(yamlFile, toYaml(objects));
    fs.writeFileSync(planFile, `${JSON.stringify(entries, null, 2)}\n`);
    const lines = stackSummary({
      stack, namespace: ev.config.namespace, objects, plan: entries, placeholderSecrets: ev.placeholderSecrets,
      commit: isEnvName(stack) ? commits[stack] : undefined,
      promotions: stack === "tools" ? commits : undefined,
      wrote: [shown(yamlFile), shown(planFile)],
    });
    io.out(`${io.style.bold(lines[0])}\n${lines.slice(1).join("\n")}\n\n`);
    totals.stacks++;
    totals.objects += objects.length;
    totals.resources += entries.length;
    totals.protected += protectedResources(entries).length;
    totals.placeholders += ev.placeholderSecrets.length;
  }
  io.out(`${totalLine(totals, `${shown(outDir)}/`)}\n`);
};
