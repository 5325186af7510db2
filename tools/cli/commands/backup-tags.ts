/** npm run backup-tags: the backup image tags the environment stacks run, one per line. */
import type { CommandMain } from "../cli";
import { requiredBackupTags } from "../../ops/backup-tags";

export const main: CommandMain = async (_args, io) => {
  io.out(
    requiredBackupTags(io.projectDir)
      .map((t) => `${t}\n`)
      .join(""),
  );
};
