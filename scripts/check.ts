/**
 * npm run check [-- <stack>… | --files a.yaml b.yaml …] [--openapi openapi.json] [--json]
 * Schema, reference and platform-policy check of the rendered stacks (or of YAML files: one
 * namespace per file, all files one installation). Exit 0 only when there is no error.
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { STACKS, isStackName } from "../config";
import { UsageError, runCli } from "../tools/cli/cli";
import { formatJson, formatText } from "../tools/check/format";
import { fileSources, stackSources } from "../tools/check/load";
import { runCheck } from "../tools/check/run";
import { OpenApiDocument } from "../tools/check/schema";
import { PROJECT_DIR } from "../tools/cli/project";

const USAGE = `usage: npm run check -- [${STACKS.join("|")}]… [--openapi openapi.json] [--json]
       npm run check -- --files a.yaml [b.yaml …] [--openapi openapi.json] [--json]`;

/** npm runs scripts in the project folder; paths are relative to where the user typed the command. */
function fromCaller(file: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
}

runCli(async () => {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { files: { type: "boolean", default: false }, json: { type: "boolean", default: false }, openapi: { type: "string" } },
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  let sources;
  if (values.files) {
    if (positionals.length === 0) throw new UsageError(`--files needs at least one YAML file\n${USAGE}`);
    try {
      sources = fileSources(positionals, fromCaller);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  } else {
    const unknown = positionals.filter((p) => !isStackName(p));
    if (unknown.length > 0) throw new UsageError(`unknown stack ${unknown.join(", ")}\n${USAGE}`);
    sources = await stackSources(PROJECT_DIR, positionals.length === 0 ? STACKS : positionals.filter(isStackName));
  }
  let openapi: OpenApiDocument | undefined;
  if (values.openapi !== undefined) {
    try {
      openapi = OpenApiDocument.load(fromCaller(values.openapi));
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const report = await runCheck(sources, { openapi });
  process.stdout.write(values.json ? formatJson(report) : formatText(report));
  if (report.errors > 0) process.exitCode = 1;
});
