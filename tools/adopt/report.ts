/**
 * The adoption check as text for a terminal or a CI log. Secret values never reach this module:
 * the report carries only "(secret)" and same/differs.
 */
import { counts, type AdoptReport, type FieldChange } from "./compare";

const MARK: Readonly<Record<FieldChange["change"], string>> = { add: "+", update: "~", remove: "-" };

function changeLine(c: FieldChange): string {
  const values = c.change === "add" ? `${c.declared}` : c.change === "remove" ? `${c.live}` : `${c.live} -> ${c.declared}`;
  const flag = c.replace ? "  [REPLACE]" : c.refused ? "  [REFUSED]" : "";
  return `    ${MARK[c.change]} ${c.path}: ${values}${flag}`;
}

/** What the command exits with: 1 when anything would be replaced, refused or fail. */
export function exitCode(report: AdoptReport): number {
  return report.errors.length > 0 ? 1 : 0;
}

/** The last line: the figures a reviewer looks for first. */
export function summaryLine(report: AdoptReport): string {
  const n = counts(report);
  return `adopt-check: ${n.imported} import, ${n.created} create, ${n.leftAlone} left alone, ${n.updated} fields updated, ${n.replaced} replacements`;
}

export function formatReport(stack: string, report: AdoptReport): string {
  const out: string[] = [`Stack ${stack} (namespace ${report.namespace}), adopt: ${report.adopt ? "on" : "off"}`, ""];

  out.push(`Import (${report.imported.length}) - declared and live; the first pulumi up takes them over:`);
  for (const o of report.imported) {
    const unchanged = o.changes.length === 0 && o.secretKeys.every((k) => k.status === "same");
    out.push(`  ${o.kind}/${o.name}${o.importId ? ` <- ${o.importId}` : " (no import ID)"}${unchanged ? ": no changes" : ""}`);
    for (const c of o.changes) out.push(changeLine(c));
    if (o.secretKeys.length > 0) {
      const byStatus = (s: string) => o.secretKeys.filter((k) => k.status === s).map((k) => k.key);
      for (const status of ["same", "differs", "added", "not set offline"] as const) {
        const keys = byStatus(status);
        if (keys.length === 0) continue;
        const text = status === "not set offline" ? "cannot compare offline (not set)" : status;
        out.push(`    secret values ${text}: ${keys.join(", ")}`);
      }
    }
    if (o.liveOnly.length > 0) out.push(`    kept as they are (live only, not declared): ${o.liveOnly.join(", ")}`);
  }

  out.push("", `Create (${report.created.length}) - declared, not live:`);
  for (const o of report.created) out.push(`  ${o.kind}/${o.name}`);

  out.push("", `Left alone (${report.leftAlone.length}) - live, not declared; pulumi never deletes them:`);
  for (const o of report.leftAlone) out.push(`  ${o.kind}/${o.name}`);

  if (report.notes.length > 0) {
    out.push("", "Notes:");
    for (const n of report.notes) out.push(`  ${n}`);
  }
  if (report.errors.length > 0) {
    out.push("", `Errors (${report.errors.length}):`);
    for (const e of report.errors) out.push(`  ERROR ${e}`);
  }
  out.push("", summaryLine(report));
  return `${out.join("\n")}\n`;
}
