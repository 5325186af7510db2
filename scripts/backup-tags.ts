/** npm run backup-tags (see tools/cli/commands/specs.ts). */
import { runScript } from "../tools/cli/cli";
import { backupTags } from "../tools/cli/commands/specs";

runScript(backupTags, () => import("../tools/cli/commands/backup-tags"));
