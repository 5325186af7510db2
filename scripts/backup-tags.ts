/** npm run backup-tags (see lib/commands/specs.ts). */
import { runScript } from "../lib/cli";
import { backupTags } from "../lib/commands/specs";

runScript(backupTags, () => import("../lib/commands/backup-tags"));
