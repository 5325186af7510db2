/**
 * npm run diff -- <stack> [--base <git-ref>] [--exit-code]
 * Markdown report of what changed in a stack since a git ref (lib/commands/diff.ts). --exit-code:
 * exit 3 when there are changes (0 when none), so scripts can tell it from an error (1, 2).
 */
import { runScript } from "../lib/cli";
import { diff } from "../lib/commands/specs";

runScript(diff, () => import("../lib/commands/diff"));
