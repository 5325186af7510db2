/**
 * npx tsx scripts/backup-tags.ts
 * Prints, one per line, the backup image tags (`hcap-backup:<release>`) the environment stacks run.
 * Used by the deploy workflow to fail loudly when one of them was never built in tools.
 */
import { runCli } from "../tools/cli/cli";
import { requiredBackupTags } from "../tools/ops/backup-tags";
import { PROJECT_DIR } from "../tools/cli/project";

runCli(async () => {
  process.stdout.write(requiredBackupTags(PROJECT_DIR).map((t) => `${t}\n`).join(""));
});
