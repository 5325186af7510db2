/**
 * npm run check [-- <stack>… | --files a.yaml b.yaml …] [--openapi openapi.json] [--format text|json|github]
 * Schema, reference and platform-policy check of the rendered stacks (or of YAML files: one
 * namespace per file, all files one installation). Exit 0 only when there is no error.
 */
import { runScript } from "../lib/cli";
import { check } from "../lib/commands/specs";

runScript(check, () => import("../lib/commands/check"));
