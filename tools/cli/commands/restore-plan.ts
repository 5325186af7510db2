/** npm run restore-plan: the ordered commands of a database restore, names from the render. */
import { PROJECT } from "../../../config/stacks";
import { BACKUP_CONFIG_KEYS } from "../../../components/database-backup";
import { stackNames } from "../../../components/names";
import type { CommandMain } from "../cli";
import { evaluateStack } from "../../evaluate/evaluate";
import { kubernetesObjects } from "../../evaluate/render";
import { checkBackupFile, formatRestorePlan, restorePlan } from "../../ops/restore-plan";

export const main: CommandMain = async (args, io) => {
  const [stack, backupFile] = args.positionals;
  if (backupFile !== undefined) checkBackupFile(backupFile);

  io.progress(`rendering ${stack}…`);
  const ev = await evaluateStack(stack, { projectDir: io.projectDir });
  const names = stackNames(ev.config.appName);
  const configMap = kubernetesObjects(ev).find((o) => o.kind === "ConfigMap" && o.metadata.name === names.backup.config);
  const conf = (configMap?.data as Record<string, unknown> | undefined)?.[BACKUP_CONFIG_KEYS.conf];
  if (typeof conf !== "string")
    throw new Error(`stack ${stack} renders no ConfigMap ${names.backup.config} with ${BACKUP_CONFIG_KEYS.conf}`);
  const databaseSpec = conf.split("\n")[0];

  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  const timestamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}${pad(now.getHours())}${pad(now.getMinutes())}`;
  const input = { stack, namespace: ev.config.namespace, project: PROJECT, names, databaseSpec, backupFile, timestamp };
  io.out(formatRestorePlan(input, restorePlan(input)));
};
