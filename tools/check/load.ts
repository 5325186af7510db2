/**
 * Where the checked objects come from: the rendered stacks (the real program under the mock runtime,
 * with the plan's `protect` options) or multi-document YAML files (one namespace per file).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { STACKS, type StackName } from "../../config";
import { evaluateStack } from "../evaluate/evaluate";
import { kubernetesObjects } from "../evaluate/render";
import { isRecord, type KubeObject } from "../kube/object";
import { roleOfNamespace, type CheckSource } from "./run";

/**
 * Sources for the four stacks; all are rendered (references cross stacks), findings are reported for
 * `selected` only.
 */
export async function stackSources(projectDir: string, selected: readonly StackName[] = STACKS): Promise<CheckSource[]> {
  const out: CheckSource[] = [];
  for (const stack of STACKS) {
    const ev = await evaluateStack(stack, { projectDir });
    const objects = kubernetesObjects(ev) as KubeObject[];
    const protectedKeys = new Set<string>();
    for (const r of ev.resources) {
      const meta = r.inputs.metadata;
      if (r.options.protect && typeof r.inputs.kind === "string" && isRecord(meta) && typeof meta.name === "string") {
        protectedKeys.add(`${r.inputs.kind}/${meta.name}`);
      }
    }
    out.push({
      label: stack,
      namespace: ev.config.namespace,
      role: stack === "prod" ? "prod" : stack === "tools" ? "tools" : "env",
      objects,
      isProtected: (o) => protectedKeys.has(`${o.kind}/${o.metadata.name}`),
      report: selected.includes(stack),
    });
  }
  return out;
}

function isCheckObject(v: unknown): v is KubeObject {
  return (
    isRecord(v) &&
    typeof v.apiVersion === "string" &&
    typeof v.kind === "string" &&
    isRecord(v.metadata) &&
    typeof v.metadata.name === "string"
  );
}

/** Objects of one YAML file: every document, `List` documents expanded. */
export function readObjects(file: string): KubeObject[] {
  const docs = parseAllDocuments(fs.readFileSync(file, "utf8"));
  const out: KubeObject[] = [];
  for (const [i, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
    if (doc.errors.length > 0) throw new Error(`${file}: document ${i + 1}: ${doc.errors[0].message}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    const items =
      isRecord(value) && typeof value.kind === "string" && value.kind.endsWith("List") && Array.isArray(value.items)
        ? value.items
        : [value];
    for (const item of items) {
      if (!isCheckObject(item))
        throw new Error(`${file}: document ${i + 1}: not a Kubernetes object (needs apiVersion, kind, metadata.name)`);
      out.push(item);
    }
  }
  return out;
}

/** One source per file; its namespace is the objects' `metadata.namespace` (else the file name). */
export function fileSources(files: readonly string[], resolve: (file: string) => string = (f) => f): CheckSource[] {
  return files.map((file) => {
    const objects = readObjects(resolve(file));
    const namespaces = [...new Set(objects.map((o) => o.metadata.namespace).filter((n): n is string => typeof n === "string"))];
    if (namespaces.length > 1)
      throw new Error(`${file}: objects of several namespaces (${namespaces.join(", ")}); give one file per namespace`);
    const namespace = namespaces[0] ?? path.basename(file).replace(/\.ya?ml$/, "");
    return { label: file, namespace, role: roleOfNamespace(namespace), objects, report: true };
  });
}
