/**
 * npm run diff -- <stack> [--base <git-ref>] [--exit-code]
 * Markdown report of what changed in a stack since a git ref (tools/cli/commands/diff.ts). --exit-code:
 * exit 3 when there are changes (0 when none), so scripts can tell it from an error (1, 2).
 */
import { runScript } from "../tools/cli/cli";
import { diff } from "../tools/cli/commands/specs";

runScript(diff, () => import("../tools/cli/commands/diff"));
