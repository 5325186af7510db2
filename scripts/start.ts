/**
 * npm start: renders all four stacks offline into out/<stack>.yaml and out/<stack>.plan.json and
 * prints a short summary of each. All stacks are rendered before anything is written, and out/ is
 * then replaced file by file with atomic renames (tools/evaluate/out-dir.ts): a failed or interrupted run leaves
 * the previous complete set.
 */
import * as path from "node:path";
import { STACKS } from "../config";
import { runCli } from "../tools/cli/cli";
import { evaluateStack } from "../tools/evaluate/evaluate";
import { writeOutputs } from "../tools/evaluate/out-dir";
import { PROJECT_DIR } from "../tools/cli/project";
import { kubernetesObjects, plan, toYaml } from "../tools/evaluate/render";
import type { StackOutputs } from "../stack-outputs";

/** The URLs and commits of a stack in one line (all outputs: npm run render -- <stack> --outputs). */
function outputsLine(o: StackOutputs): string {
  if ("environmentTags" in o) {
    return `commits ${Object.entries(o.environmentTags).map(([env, t]) => `${env} ${t.commit ?? "-"}`).join(", ")}`;
  }
  return `${o.server.url} (server), ${o.client.url} (client), commit ${o.server.commit ?? "not promoted"}`;
}

/** The files `npm start` owns in out/: anything else there is left alone. */
const OWNED = /^[a-z0-9-]+\.(yaml|plan\.json)$/;

runCli(async () => {
  const outDir = path.join(PROJECT_DIR, "out");
  const files = new Map<string, string>();
  const summaries: string[] = [];
  for (const stack of STACKS) {
    const ev = await evaluateStack(stack, { projectDir: PROJECT_DIR });
    const objects = kubernetesObjects(ev);
    const entries = plan(ev);
    const yamlFile = `${stack}.yaml`;
    const planFile = `${stack}.plan.json`;
    files.set(yamlFile, toYaml(objects));
    files.set(planFile, `${JSON.stringify(entries, null, 2)}\n`);

    const byKind = new Map<string, number>();
    for (const o of objects) byKind.set(o.kind, (byKind.get(o.kind) ?? 0) + 1);
    const protectedOnes = entries.filter((e) => e.protect).map((e) => `${e.type.split(":").pop()}/${e.name}`);
    const lines = [
      `${stack} → namespace ${ev.config.namespace}: ${objects.length} objects, ${entries.length} resources`,
      `  kinds:     ${[...byKind].map(([k, n]) => `${k} ${n}`).join(", ")}`,
      `  protected: ${protectedOnes.length > 0 ? protectedOnes.join(", ") : "none"}`,
    ];
    lines.push(`  outputs:   ${outputsLine(ev.outputs)}`);
    if (ev.placeholderSecrets.length > 0) lines.push(`  secrets not set here (placeholders): ${ev.placeholderSecrets.join(", ")}`);
    const shown = (f: string): string => path.relative(process.cwd(), path.join(outDir, f));
    lines.push(`  wrote:     ${shown(yamlFile)}, ${shown(planFile)}`);
    summaries.push(`${lines.join("\n")}\n\n`);
  }
  writeOutputs(outDir, files, OWNED);
  process.stdout.write(summaries.join(""));
});
