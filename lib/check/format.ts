/**
 * Printing a check report: findings grouped by stack (or file) and severity, the coverage notes
 * collapsed into one line unless `verbose`, the summary last; or JSON; or GitHub workflow commands.
 */
import type { CheckReport, Finding } from "./run";

export interface TextOptions {
  /** Every coverage note on its own line instead of one collapsed line. */
  readonly verbose?: boolean;
  readonly red?: (s: string) => string;
  readonly yellow?: (s: string) => string;
  readonly green?: (s: string) => string;
  readonly bold?: (s: string) => string;
}

const plain = (s: string): string => s;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** One finding as one line (JSON consumers and tests match on it). */
export function findingLine(f: Finding): string {
  const where = f.path === "" ? "" : ` at ${f.path}`;
  return `${f.severity} ${f.source} ${f.object} [${f.rule}] ${f.message}${where}`;
}

export function summaryLine(r: CheckReport): string {
  const skipped = r.schema.skipped > 0 ? ` (schema not checked for ${plural(r.schema.skipped, "object")})` : "";
  return `check: ${r.objects} objects, ${plural(r.errors, "error")}, ${plural(r.warnings, "warning")}${skipped}`;
}

const SKIPPED_NOTE = /^schema of (\S+) not checked/;
const PARTIAL_NOTE = /^schema of (\S+): /;

function kindList(kinds: readonly string[]): string {
  return kinds.slice(0, 3).join(", ") + (kinds.length > 3 ? `, +${kinds.length - 3}` : "");
}

/** The schema-coverage notes (one per kind) as one line; other notes stay as they are. */
export function collapsedNotes(notes: readonly string[]): string[] {
  const skipped = notes.map((n) => SKIPPED_NOTE.exec(n)?.[1]).filter((k): k is string => k !== undefined);
  const partial = notes.map((n) => PARTIAL_NOTE.exec(n)?.[1]).filter((k): k is string => k !== undefined);
  const rest = notes.filter((n) => !SKIPPED_NOTE.test(n) && !PARTIAL_NOTE.test(n)).map((n) => `note: ${n}`);
  if (skipped.length + partial.length === 0) return rest;
  const parts = [
    ...(skipped.length > 0 ? [`${plural(skipped.length, "kind")} not checked (${kindList(skipped)})`] : []),
    ...(partial.length > 0 ? [`unknown fields of ${plural(partial.length, "kind")} not checked (${kindList(partial)})`] : []),
  ];
  return [`note: schema: ${parts.join(", ")}; --verbose says why`, ...rest];
}

export function formatText(r: CheckReport, options: TextOptions = {}): string {
  const red = options.red ?? plain;
  const yellow = options.yellow ?? plain;
  const bold = options.bold ?? plain;
  const lines: string[] = [];
  const bySource = new Map<string, Finding[]>();
  for (const f of r.findings) bySource.set(f.source, [...(bySource.get(f.source) ?? []), f]);
  for (const [source, findings] of bySource) {
    const errors = findings.filter((f) => f.severity === "error");
    const warnings = findings.filter((f) => f.severity === "warning");
    lines.push(bold(`${source} (${findings[0].namespace}): ${plural(errors.length, "error")}, ${plural(warnings.length, "warning")}`));
    for (const f of [...errors, ...warnings]) {
      const sev = f.severity === "error" ? red("error  ") : yellow("warning");
      lines.push(`  ${sev} ${f.object} [${f.rule}] ${f.message}`);
      if (f.path !== "") lines.push(`          at ${f.path}`);
    }
    lines.push("");
  }
  lines.push(...(options.verbose ? r.notes.map((n) => `note: ${n}`) : collapsedNotes(r.notes)));
  if (r.waived > 0) lines.push(`note: ${plural(r.waived, "finding")} waived by annotation`);
  const summary = summaryLine(r);
  lines.push(r.errors > 0 ? red(summary) : r.warnings > 0 ? yellow(summary) : (options.green ?? plain)(summary));
  return `${lines.join("\n")}\n`;
}

export function formatJson(r: CheckReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

/** Escaping of workflow command data and properties (actions/toolkit packages/core/src/command.ts). */
function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/**
 * GitHub workflow commands: one `::error`/`::warning` annotation per finding, so findings show on the
 * pull request, then the summary. `fileOf` maps a finding's source to the file to annotate.
 */
export function formatGithub(r: CheckReport, fileOf: (source: string) => string | undefined): string {
  const lines = r.findings.map((f) => {
    const file = fileOf(f.source);
    const props = [...(file ? [`file=${escapeProperty(file)}`] : []), `title=${escapeProperty(`${f.rule}: ${f.source} ${f.object}`)}`];
    return `::${f.severity} ${props.join(",")}::${escapeData(`${f.message}${f.path ? ` (at ${f.path})` : ""}`)}`;
  });
  return `${[...lines, ...collapsedNotes(r.notes), summaryLine(r)].join("\n")}\n`;
}
