import * as fs from "node:fs";
import * as path from "node:path";

/** The nearest folder at or above `dir` holding `Pulumi.yaml` (compiled code runs from dist/<hash>/). */
function projectRoot(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, "Pulumi.yaml"))) return d;
    if (d === path.dirname(d)) return dir;
  }
}

/**
 * The project folder (where `Pulumi.yaml` is), so the scripts run from anywhere, as TypeScript or
 * compiled (launch/compile.cjs). `HCAP_INFRA_PROJECT_DIR` points them at another copy (the tests use
 * edited copies).
 */
export const PROJECT_DIR = process.env.HCAP_INFRA_PROJECT_DIR ?? projectRoot(path.resolve(__dirname, ".."));
