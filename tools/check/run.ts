/**
 * The offline check: schema, reference integrity and platform policy over one installation (the
 * objects of several namespaces that run together). Pure over its inputs; loading stacks or files is
 * tools/check/load.ts, printing is tools/check/format.ts.
 */
import {
  PLATFORM_POLICIES,
  applyWaiver,
  namespaceView,
  runInstallationPolicies,
  runPolicies,
  type NamespaceRole,
  type NamespaceView,
} from "./policies";

export { roleOfNamespace, type NamespaceRole } from "./policies";
import { REFERENCE_RULES, checkReferences } from "./references";
import { checkSchema, type OpenApiDocument, type SchemaCoverage } from "./schema";
import type { KubeObject } from "../kube/object";

/** The objects of one namespace, from one stack or one YAML file. */
export interface CheckSource {
  /** Stack name or file path, as findings name it. */
  readonly label: string;
  readonly namespace: string;
  readonly role: NamespaceRole;
  readonly objects: readonly KubeObject[];
  /** `protect` of each object, from the plan; absent for YAML files. */
  readonly isProtected?: (o: KubeObject) => boolean;
  /** False for sources loaded only so that references into them resolve. */
  readonly report: boolean;
}

export type Severity = "error" | "warning";

export interface Finding {
  readonly severity: Severity;
  readonly source: string;
  readonly namespace: string;
  /** `kind/name` of the object, or `Namespace/<ns>` for something missing from a namespace. */
  readonly object: string;
  readonly rule: string;
  readonly message: string;
  readonly path: string;
}

export interface CheckReport {
  readonly findings: readonly Finding[];
  readonly objects: number;
  readonly errors: number;
  readonly warnings: number;
  readonly waived: number;
  readonly schema: Readonly<Record<SchemaCoverage, number>>;
  /** Plain statements about what was not checked, and why. */
  readonly notes: readonly string[];
}

export interface CheckOptions {
  readonly openapi?: OpenApiDocument;
}

/** Every rule id with its one-line rationale (schema, references, platform policy). */
export const RULES: Readonly<Record<string, string>> = {
  schema: "the API server (strict field validation) accepts the object: no unknown fields, right types and formats",
  ...REFERENCE_RULES,
  ...Object.fromEntries(PLATFORM_POLICIES.map((p) => [p.id, p.rationale])),
};

export async function runCheck(sources: readonly CheckSource[], options: CheckOptions = {}): Promise<CheckReport> {
  const findings: Finding[] = [];
  const schema: Record<SchemaCoverage, number> = { strict: 0, partial: 0, skipped: 0 };
  const notes = new Set<string>();
  let waived = 0;
  const reported = sources.filter((s) => s.report);
  const sourceOf = new Map<KubeObject, CheckSource>();
  for (const s of sources) for (const o of s.objects) sourceOf.set(o, s);

  const add = (s: CheckSource, o: KubeObject | undefined, severity: Severity, rule: string, message: string, path: string): void => {
    findings.push({
      severity,
      source: s.label,
      namespace: s.namespace,
      object: o ? `${o.kind}/${o.metadata.name}` : `Namespace/${s.namespace}`,
      rule,
      message,
      path,
    });
  };

  for (const s of reported) {
    const skippedKinds = new Map<string, string>();
    const partialKinds = new Map<string, string>();
    for (const o of s.objects) {
      const r = await checkSchema(o, options.openapi);
      schema[r.coverage]++;
      if (r.coverage === "skipped" && r.note) skippedKinds.set(o.kind, r.note);
      if (r.coverage === "partial" && r.note) partialKinds.set(o.kind, r.note);
      for (const e of r.errors) add(s, o, "error", "schema", e.message, e.path);
    }
    for (const [kind, note] of skippedKinds) notes.add(`schema of ${kind} not checked (${note})`);
    for (const [kind, note] of partialKinds) notes.add(`schema of ${kind}: ${note}`);

    const { violations, waived: w } = runPolicies(
      namespaceView(s.role, { namespace: s.namespace, objects: s.objects, isProtected: s.isProtected }),
    );
    waived += w;
    for (const { policy, violation } of violations) add(s, violation.object, "error", policy.id, violation.message, violation.path);
    if (s.role === "prod" && !s.isProtected)
      notes.add(`protect-stateful not checked for ${s.label}: no plan (only rendered stacks carry resource options)`);
  }

  // Rules across namespaces see every source; findings are kept for the reported ones only.
  const views: NamespaceView[] = sources.map((s) => namespaceView(s.role, { namespace: s.namespace, objects: s.objects }));
  const installation = runInstallationPolicies(views);
  waived += installation.waived;
  for (const { policy, violation } of installation.violations) {
    const s = violation.object ? sourceOf.get(violation.object) : undefined;
    if (s && s.report) add(s, violation.object, "error", policy.id, violation.message, violation.path);
  }

  const refs = checkReferences(sources.map((s) => ({ namespace: s.namespace, objects: s.objects })));
  for (const f of refs) {
    const s = sourceOf.get(f.object);
    if (!s || !s.report) continue;
    const kept = applyWaiver(f.rule, { object: f.object, path: f.path, message: f.message });
    if (!kept) {
      waived++;
      continue;
    }
    add(s, f.object, f.severity, f.rule, kept.message, kept.path);
  }

  const errors = findings.filter((f) => f.severity === "error").length;
  return {
    findings,
    objects: reported.reduce((n, s) => n + s.objects.length, 0),
    errors,
    warnings: findings.length - errors,
    waived,
    schema,
    notes: [...notes].sort(),
  };
}
