/**
 * npm run restore-plan -- <dev|test|prod> [backup-file]
 * Prints the ordered commands of a database restore for one environment, with the names taken from
 * the stack's offline render (so they are the names `pulumi up` creates).
 */
import { parseArgs } from "node:util";
import { ENVIRONMENTS, PROJECT, isEnvName } from "../config";
import { stackNames } from "../components/names";
import { BACKUP_CONFIG_KEYS } from "../components/database-backup";
import { UsageError, runCli } from "../tools/cli/cli";
import { evaluateStack } from "../tools/evaluate/evaluate";
import { PROJECT_DIR } from "../tools/cli/project";
import { kubernetesObjects } from "../tools/evaluate/render";
import { checkBackupFile, formatRestorePlan, restorePlan } from "../tools/ops/restore-plan";

const USAGE = `usage: npm run restore-plan -- <${ENVIRONMENTS.join("|")}> [backup-file]`;

runCli(async () => {
  const { positionals } = parseArgs({ allowPositionals: true, options: {} });
  if (positionals.length < 1 || positionals.length > 2) throw new UsageError(USAGE);
  const [stack, backupFile] = positionals;
  if (!isEnvName(stack)) {
    throw new UsageError(`"${stack}" is not an environment stack: a restore runs in one of ${ENVIRONMENTS.join(", ")}\n${USAGE}`);
  }
  if (backupFile !== undefined) checkBackupFile(backupFile);

  const ev = await evaluateStack(stack, { projectDir: PROJECT_DIR });
  const names = stackNames(ev.config.appName);
  const configMap = kubernetesObjects(ev).find((o) => o.kind === "ConfigMap" && o.metadata.name === names.backup.config);
  const conf = (configMap?.data as Record<string, unknown> | undefined)?.[BACKUP_CONFIG_KEYS.conf];
  if (typeof conf !== "string") throw new Error(`stack ${stack} renders no ConfigMap ${names.backup.config} with ${BACKUP_CONFIG_KEYS.conf}`);
  const databaseSpec = conf.split("\n")[0];

  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  const timestamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}${pad(now.getHours())}${pad(now.getMinutes())}`;
  const input = { stack, namespace: ev.config.namespace, project: PROJECT, names, databaseSpec, backupFile, timestamp };
  process.stdout.write(formatRestorePlan(input, restorePlan(input)));
});
