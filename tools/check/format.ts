/** Printing a check report: one line per finding, then the summary line. */
import type { CheckReport, Finding } from "./run";

export function findingLine(f: Finding): string {
  const where = f.path === "" ? "" : ` at ${f.path}`;
  return `${f.severity} ${f.source} ${f.object} [${f.rule}] ${f.message}${where}`;
}

export function summaryLine(r: CheckReport): string {
  const skipped = r.schema.skipped > 0 ? ` (schema not checked for ${r.schema.skipped} object${r.schema.skipped === 1 ? "" : "s"}, see notes)` : "";
  return `check: ${r.objects} objects, ${r.errors} errors, ${r.warnings} warnings${skipped}`;
}

export function formatText(r: CheckReport): string {
  return [
    ...r.findings.map(findingLine),
    ...r.notes.map((n) => `note: ${n}`),
    ...(r.waived > 0 ? [`note: ${r.waived} finding${r.waived === 1 ? "" : "s"} waived by annotation`] : []),
    summaryLine(r),
  ].join("\n") + "\n";
}

export function formatJson(r: CheckReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
