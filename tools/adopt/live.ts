/**
 * Reads what `oc get <kinds> -o yaml` wrote: one `List` (what `oc get a,b,c -o yaml` prints), any
 * `<Kind>List`, or multi-document YAML of single objects (what `oc get … -o yaml` per kind, concatenated,
 * gives). Every object must have a kind and a name.
 */
import { parseAllDocuments } from "yaml";
import { isRecord, type KubeObject } from "../kube/object";

export class LiveDumpError extends Error {}

function flatten(doc: unknown, where: string, out: KubeObject[]): void {
  if (doc === null || doc === undefined) return;
  if (!isRecord(doc)) throw new LiveDumpError(`${where}: not a Kubernetes object (got ${Array.isArray(doc) ? "a list" : typeof doc})`);
  if (typeof doc.kind === "string" && doc.kind.endsWith("List") && Array.isArray(doc.items)) {
    doc.items.forEach((item, i) => flatten(item, `${where} items[${i}]`, out));
    return;
  }
  const meta = doc.metadata;
  if (typeof doc.kind !== "string" || !isRecord(meta) || typeof meta.name !== "string") {
    throw new LiveDumpError(`${where}: every object needs kind and metadata.name`);
  }
  out.push(doc as unknown as KubeObject);
}

/**
 * An ImageStreamTag is a view of one `spec.tags` entry of its ImageStream (what `oc tag` writes), and
 * `oc get is` does not list them. So each tag of a live ImageStream counts as a live ImageStreamTag
 * `<stream>:<tag>`, unless the dump holds that ImageStreamTag itself.
 */
function imageStreamTags(objects: readonly KubeObject[]): KubeObject[] {
  const present = new Set(objects.filter((o) => o.kind === "ImageStreamTag").map((o) => o.metadata.name));
  const out: KubeObject[] = [];
  for (const is of objects.filter((o) => o.kind === "ImageStream")) {
    const tags = isRecord(is.spec) && Array.isArray(is.spec.tags) ? is.spec.tags : [];
    for (const tag of tags) {
      if (!isRecord(tag) || typeof tag.name !== "string") continue;
      const name = `${is.metadata.name}:${tag.name}`;
      if (present.has(name)) continue;
      out.push({
        apiVersion: "image.openshift.io/v1",
        kind: "ImageStreamTag",
        metadata: { name, ...(is.metadata.namespace ? { namespace: is.metadata.namespace } : {}) },
        tag,
      });
    }
  }
  return out;
}

/** The objects of one dump; `source` names it in errors. */
export function parseLiveDump(text: string, source: string): KubeObject[] {
  const out: KubeObject[] = [];
  parseAllDocuments(text).forEach((doc, i) => {
    if (doc.errors.length > 0) throw new LiveDumpError(`${source}: document ${i + 1}: ${doc.errors[0].message}`);
    flatten(doc.toJS({ maxAliasCount: -1 }), `${source}: document ${i + 1}`, out);
  });
  return [...out, ...imageStreamTags(out)];
}
