/**
 * npm run check [-- <stack>… | --files a.yaml b.yaml …] [--openapi openapi.json] [--format text|json|github]
 * Schema, reference and platform-policy check of the rendered stacks (or of YAML files: one
 * namespace per file, all files one installation). Exit 0 only when there is no error.
 */
import { runScript } from "../tools/cli/cli";
import { check } from "../tools/cli/commands/specs";

runScript(check, () => import("../tools/cli/commands/check"));
