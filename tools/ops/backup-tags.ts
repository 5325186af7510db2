/**
 * The backup image tags the environment stacks run (`hcap-backup:<backupImageRef>` in tools), read
 * from the stack files without evaluating the program. The deploy workflow builds the tools release
 * when its tag is missing and fails when any of these does not exist (a BuildConfig's ConfigChange
 * trigger builds only once, when the BuildConfig is created).
 */
import { ENVIRONMENTS } from "../../config";
import { stackNames } from "../../components/names";
import { readStackFiles } from "../evaluate/stack-files";

/** `<backup stream>:<release>` of every environment stack, unique, sorted. */
export function requiredBackupTags(projectDir: string): string[] {
  const tags = ENVIRONMENTS.map((env) => {
    const { values } = readStackFiles(projectDir, env);
    return `${stackNames(values.appName).images.backup}:${values.backupImageRef}`;
  });
  return [...new Set(tags)].sort();
}
