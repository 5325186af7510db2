/**
 * npm start: renders all four stacks offline into out/<stack>.yaml and out/<stack>.plan.json and
 * prints a short summary of each.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { STACKS } from "../config";
import { runCli } from "../lib/cli";
import { evaluateStack } from "../lib/offline";
import { PROJECT_DIR } from "../lib/project";
import { kubernetesObjects, plan, toYaml } from "../lib/render";
import type { StackOutputs } from "../stack-outputs";

/** The URLs and commits of a stack in one line (all outputs: npm run render -- <stack> --outputs). */
function outputsLine(o: StackOutputs): string {
  if ("environmentTags" in o) {
    return `commits ${Object.entries(o.environmentTags).map(([env, t]) => `${env} ${t.commit ?? "-"}`).join(", ")}`;
  }
  return `${o.server.url} (server), ${o.client.url} (client), commit ${o.server.commit ?? "not promoted"}`;
}

runCli(async () => {
  const outDir = path.join(PROJECT_DIR, "out");
  fs.mkdirSync(outDir, { recursive: true });
  for (const stack of STACKS) {
    const ev = await evaluateStack(stack, { projectDir: PROJECT_DIR });
    const objects = kubernetesObjects(ev);
    const entries = plan(ev);
    const yamlFile = path.join(outDir, `${stack}.yaml`);
    const planFile = path.join(outDir, `${stack}.plan.json`);
    fs.writeFileSync(yamlFile, toYaml(objects));
    fs.writeFileSync(planFile, `${JSON.stringify(entries, null, 2)}\n`);

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
    lines.push(`  wrote:     ${path.relative(process.cwd(), yamlFile)}, ${path.relative(process.cwd(), planFile)}`);
    process.stdout.write(`${lines.join("\n")}\n\n`);
  }
});
