/** npm run check: schema, references and platform rules of the stacks or of YAML files. */
import * as path from "node:path";
import { STACKS, isStackName, stackFileName } from "../../../config/stacks";
import { EXIT, InputError, UsageError, flagOpt, stringOpt, type CommandMain } from "../cli";
import { formatGithub, formatJson, formatText } from "../../check/format";
import { fileSources, stackSources } from "../../check/load";
import { runCheck } from "../../check/run";
import { OpenApiDocument } from "../../check/schema";

const FORMATS = ["text", "json", "github"] as const;

/** npm runs scripts in the project folder; paths are relative to where the user typed the command. */
function fromCaller(file: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
}

export const main: CommandMain = async (args, io) => {
  const format = flagOpt(args, "json") ? "json" : (stringOpt(args, "format") ?? "text");
  if (!(FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, got "${format}"`);
  let openapi: OpenApiDocument | undefined;
  const openapiFile = stringOpt(args, "openapi");
  if (openapiFile !== undefined) {
    try {
      openapi = OpenApiDocument.load(fromCaller(openapiFile));
    } catch (e) {
      throw new InputError((e as Error).message);
    }
  }
  let sources;
  if (flagOpt(args, "files")) {
    if (args.positionals.length === 0) throw new UsageError("--files needs at least one YAML file");
    try {
      sources = fileSources(args.positionals, fromCaller);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") throw e;
      throw new InputError((e as Error).message);
    }
    io.progress(`checking ${sources.length} file${sources.length === 1 ? "" : "s"}…`);
  } else {
    const selected = args.positionals.length === 0 ? STACKS : args.positionals.filter(isStackName);
    io.progress(`rendering the ${STACKS.length} stacks, then checking ${selected.join(", ")}…`);
    sources = await stackSources(io.projectDir, selected);
  }
  const report = await runCheck(sources, { openapi });
  if (format === "json") io.out(formatJson(report));
  else if (format === "github") {
    io.out(
      formatGithub(report, (source) =>
        isStackName(source) ? stackFileName(source) : path.relative(process.env.INIT_CWD ?? process.cwd(), fromCaller(source)),
      ),
    );
  } else io.out(formatText(report, { ...io.style, verbose: flagOpt(args, "verbose") }));
  return report.errors > 0 ? EXIT.problems : EXIT.ok;
};
