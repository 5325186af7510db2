/**
 * A stack's structure as a graph, from its render: components (from the plan) holding their
 * Kubernetes objects, and the references between objects a reviewer follows — Service → pods,
 * Route → Service, env → Secret keys, image trigger / build output → image tag, pod volumes →
 * claims, ConfigMaps and Secrets. Printed as a Mermaid flowchart; {@link graphChange} is the part
 * a diff touches. Pure over objects + plan, so it works on both sides of `npm run diff`.
 */
import { INTERNAL_REGISTRY } from "../../components/names";
import { RUNTIME_LABELS } from "../check/references";
import { asArray as arr, asString as str, at as atPath, isRecord, podTemplate, type JsonObject, type KubeObject } from "../kube/object";
import type { PlanEntry } from "../evaluate/render";

export interface GraphNode {
  /** `Kind/name`, or `ImageStreamTag/<ns>/<name>` for a tag in another namespace. */
  readonly key: string;
  readonly kind: string;
  readonly name: string;
  /** Component (`Type name`) the object belongs to; "" for objects outside any component. */
  readonly group: string;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
}

export interface StackGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

const at = (v: unknown, ...keys: string[]): unknown => atPath(v, keys);

const keyOf = (o: KubeObject): string => `${o.kind}/${o.metadata.name}`;

/** The pod template object of a workload, if it has one. */
export function podTemplateObject(o: KubeObject): JsonObject | undefined {
  const t = podTemplate(o);
  const template = t && t.path !== "" ? atPath(o, t.path) : undefined;
  return isRecord(template) ? template : undefined;
}

/**
 * Object → component. Plan entries carry logical names, which are the object's `metadata.name` or
 * that name plus a suffix (`hcap-client-dc`); longer object names are matched first so
 * `hcap-client-api` takes `hcap-client-api-route` before `hcap-client` can.
 */
function componentsOf(objects: readonly KubeObject[], plan: readonly PlanEntry[]): Map<string, string> {
  const urnLabel = new Map<string, string>();
  for (const e of plan) if (e.type.startsWith("hcap:")) urnLabel.set(e.urn, `${e.type.split(":").pop()} ${e.name}`);
  const free = plan.filter((e) => e.type.startsWith("kubernetes:") && !e.type.startsWith("kubernetes:providers"));
  const out = new Map<string, string>();
  for (const o of [...objects].sort((a, b) => b.metadata.name.length - a.metadata.name.length)) {
    const type = `kubernetes:${o.apiVersion.includes("/") ? o.apiVersion : `core/${o.apiVersion}`}:${o.kind}`;
    const i = free.findIndex((e) => e.type === type && (e.name === o.metadata.name || e.name.startsWith(`${o.metadata.name}-`)));
    if (i === -1) continue;
    const [entry] = free.splice(i, 1);
    out.set(keyOf(o), (entry.parent && urnLabel.get(entry.parent)) ?? "");
  }
  return out;
}

/** `ImageStreamTag` reference → node key; tags in this namespace are plain `ImageStreamTag/name`. */
function tagKey(ref: unknown, namespace: string): string | undefined {
  const kind = str(at(ref, "kind"));
  const name = str(at(ref, "name"));
  if (kind !== "ImageStreamTag" || !name) return undefined;
  const ns = str(at(ref, "namespace"));
  return ns && ns !== namespace ? `ImageStreamTag/${ns}/${name}` : `ImageStreamTag/${name}`;
}

/**
 * A container image from the internal registry (`<registry>/<ns>/<stream>:<tag>`, how a Deployment
 * runs the promoted commit) → the node key of that tag; anything else (no tag, outside images) → none.
 */
function internalTagKey(image: string | undefined, namespace: string): string | undefined {
  const m = image && new RegExp(`^${INTERNAL_REGISTRY.replace(/[.]/g, "\\.")}/([^/]+)/([^/:@]+:[^/:@]+)$`).exec(image);
  if (!m) return undefined;
  return m[1] === namespace ? `ImageStreamTag/${m[2]}` : `ImageStreamTag/${m[1]}/${m[2]}`;
}

/** A selector matches pod labels; Patroni's run-time labels (`role`) count as present on StatefulSet pods, as in the check. */
function labelsMatch(selector: unknown, labels: unknown, kind: string): boolean {
  if (!isRecord(selector) || Object.keys(selector).length === 0 || !isRecord(labels)) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === v || (kind === "StatefulSet" && RUNTIME_LABELS.has(k) && !(k in labels)));
}

/** Several references between two objects make one edge: `keys: a, b` for Secret/ConfigMap keys. */
function edgeLabel(labels: ReadonlySet<string>): string {
  const keys = [...labels]
    .filter((l) => l.startsWith("key "))
    .map((l) => l.slice(4))
    .sort();
  const other = [...labels].filter((l) => !l.startsWith("key ")).sort();
  return [...(keys.length > 0 ? [`${keys.length === 1 ? "key" : "keys"}: ${keys.join(", ")}`] : []), ...other].join("; ");
}

export function stackGraph(objects: readonly KubeObject[], plan: readonly PlanEntry[]): StackGraph {
  const groups = componentsOf(objects, plan);
  const nodes = new Map<string, GraphNode>();
  for (const o of objects) nodes.set(keyOf(o), { key: keyOf(o), kind: o.kind, name: o.metadata.name, group: groups.get(keyOf(o)) ?? "" });
  const edges = new Map<string, GraphEdge>();
  const labelSets = new Map<string, Set<string>>();
  const addEdge = (from: string, to: string, label: string): void => {
    // A reference to something the stack does not declare (a tag in tools, an outside image) gets its own node.
    for (const end of [from, to]) {
      if (nodes.has(end)) continue;
      const [kind, ...rest] = end.split("/");
      nodes.set(end, { key: end, kind, name: rest.join("/"), group: "" });
    }
    const id = `${from}|${to}`;
    const labels = (labelSets.get(id) ?? new Set<string>()).add(label);
    labelSets.set(id, labels);
    edges.set(id, { from, to, label: edgeLabel(labels) });
  };

  for (const o of objects) {
    const self = keyOf(o);
    const ns = o.metadata.namespace ?? "";
    if (o.kind === "Service") {
      for (const w of objects) {
        const t = podTemplateObject(w);
        if (t && labelsMatch(at(o, "spec", "selector"), at(t, "metadata", "labels"), w.kind)) addEdge(self, keyOf(w), "selects pods");
      }
    }
    if (o.kind === "Route") {
      const to = str(at(o, "spec", "to", "name"));
      const port = at(o, "spec", "port", "targetPort");
      if (to) addEdge(self, `Service/${to}`, port === undefined ? "routes to" : `port ${String(port)}`);
    }
    if (o.kind === "DeploymentConfig") {
      for (const trig of arr(at(o, "spec", "triggers"))) {
        const tag = tagKey(at(trig, "imageChangeParams", "from"), ns);
        if (tag) addEdge(self, tag, "image trigger");
      }
    }
    const triggers = str(at(o, "metadata", "annotations", "image.openshift.io/triggers"));
    if (triggers) {
      try {
        for (const trig of arr(JSON.parse(triggers))) {
          const tag = tagKey(at(trig, "from"), ns);
          if (tag) addEdge(self, tag, "image trigger");
        }
      } catch {
        // Not JSON: `npm run check` reports it; the graph only leaves the edge out.
      }
    }
    if (o.kind === "ImageStream") {
      for (const t of arr(at(o, "spec", "tags"))) {
        const tag = `ImageStreamTag/${o.metadata.name}:${str(at(t, "name")) ?? "?"}`;
        const from = tagKey(at(t, "from"), ns);
        const docker = str(at(t, "from", "kind")) === "DockerImage" ? str(at(t, "from", "name")) : undefined;
        if (from) addEdge(tag, from, "from");
        else if (docker) addEdge(tag, `Image/${docker}`, "from");
        else if (!nodes.has(tag))
          nodes.set(tag, { key: tag, kind: "ImageStreamTag", name: tag.slice("ImageStreamTag/".length), group: "" });
      }
    }
    if (o.kind === "ImageStreamTag") {
      const from = tagKey(at(o, "tag", "from"), ns);
      if (from) addEdge(self, from, "from");
    }
    if (o.kind === "BuildConfig") {
      const tag = tagKey(at(o, "spec", "output", "to"), ns);
      if (tag) addEdge(self, tag, "builds");
    }
    const t = podTemplateObject(o);
    if (!t) continue;
    for (const c of [...arr(at(t, "spec", "containers")), ...arr(at(t, "spec", "initContainers"))]) {
      const image = internalTagKey(str(at(c, "image")), ns);
      if (image) addEdge(self, image, "image");
      for (const env of arr(at(c, "env"))) {
        const ref = at(env, "valueFrom", "secretKeyRef");
        const name = str(at(ref, "name"));
        if (name) addEdge(self, `Secret/${name}`, `key ${str(at(ref, "key")) ?? "?"}`);
        const cm = at(env, "valueFrom", "configMapKeyRef");
        const cmName = str(at(cm, "name"));
        if (cmName) addEdge(self, `ConfigMap/${cmName}`, `key ${str(at(cm, "key")) ?? "?"}`);
      }
      for (const from of arr(at(c, "envFrom"))) {
        const s = str(at(from, "secretRef", "name"));
        if (s) addEdge(self, `Secret/${s}`, "all keys");
      }
    }
    for (const v of arr(at(t, "spec", "volumes"))) {
      const claim = str(at(v, "persistentVolumeClaim", "claimName"));
      if (claim) addEdge(self, `PersistentVolumeClaim/${claim}`, "mounts");
      const cm = str(at(v, "configMap", "name"));
      if (cm) addEdge(self, `ConfigMap/${cm}`, "mounts");
      const secret = str(at(v, "secret", "secretName"));
      if (secret) addEdge(self, `Secret/${secret}`, "mounts");
    }
  }
  // Each tag of this namespace belongs to its image stream.
  for (const n of [...nodes.values()]) {
    const stream = n.kind === "ImageStreamTag" && !n.name.includes("/") ? `ImageStream/${n.name.split(":")[0]}` : undefined;
    if (stream && nodes.has(stream)) addEdge(n.key, stream, "tag of");
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}

/** A Mermaid node id: letters, digits and `_` only. */
export function nodeId(key: string): string {
  return `n_${key.replace(/[^A-Za-z0-9]/g, "_")}`;
}

const quote = (s: string): string => s.replace(/"/g, "#quot;");

export type NodeState = "added" | "removed" | "changed";

export interface MermaidOptions {
  /** Marks nodes (by key) with a class; edges listed in `removedEdges` are drawn dotted. */
  readonly states?: ReadonlyMap<string, NodeState>;
  readonly removedEdges?: ReadonlySet<string>;
  readonly addedEdges?: ReadonlySet<string>;
}

/** The graph as a Mermaid flowchart (left to right, one subgraph per component). */
export function toMermaid(g: StackGraph, options: MermaidOptions = {}): string {
  const lines = ["flowchart LR"];
  const byGroup = new Map<string, GraphNode[]>();
  for (const n of g.nodes) byGroup.set(n.group, [...(byGroup.get(n.group) ?? []), n]);
  const nodeLine = (n: GraphNode) => `${nodeId(n.key)}["${quote(`${n.kind}<br/>${n.name}`)}"]`;
  for (const [group, nodes] of [...byGroup].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = [...nodes].sort((a, b) => a.key.localeCompare(b.key));
    if (group === "") {
      lines.push(...sorted.map((n) => `  ${nodeLine(n)}`));
      continue;
    }
    lines.push(`  subgraph ${nodeId(`group ${group}`)}["${quote(group)}"]`, ...sorted.map((n) => `    ${nodeLine(n)}`), "  end");
  }
  for (const e of [...g.edges].sort((a, b) => `${a.from}|${a.to}`.localeCompare(`${b.from}|${b.to}`))) {
    const arrow = options.removedEdges?.has(`${e.from}|${e.to}`) ? "-.->" : options.addedEdges?.has(`${e.from}|${e.to}`) ? "==>" : "-->";
    lines.push(`  ${nodeId(e.from)} ${arrow}|"${quote(e.label)}"| ${nodeId(e.to)}`);
  }
  if (options.states && options.states.size > 0) {
    lines.push(
      "  classDef added fill:#dafbe1,stroke:#1a7f37",
      "  classDef removed fill:#ffebe9,stroke:#cf222e,stroke-dasharray:4",
      "  classDef changed fill:#fff8c5,stroke:#9a6700",
    );
    for (const state of ["added", "removed", "changed"] as const) {
      const ids = [...options.states]
        .filter(([, s]) => s === state)
        .map(([k]) => nodeId(k))
        .sort();
      if (ids.length > 0) lines.push(`  class ${ids.join(",")} ${state}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The part of the graph a change touches: added, removed and changed objects, edges that appeared
 * or went away, and the direct neighbours of all of these (for context). Empty when nothing changed.
 */
export function graphChange(before: StackGraph, after: StackGraph, changedKeys: ReadonlySet<string>): string {
  const beforeNodes = new Map(before.nodes.map((n) => [n.key, n]));
  const afterNodes = new Map(after.nodes.map((n) => [n.key, n]));
  const edgeId = (e: GraphEdge) => `${e.from}|${e.to}`;
  const beforeEdges = new Map(before.edges.map((e) => [edgeId(e), e]));
  const afterEdges = new Map(after.edges.map((e) => [edgeId(e), e]));
  const states = new Map<string, NodeState>();
  for (const k of afterNodes.keys()) if (!beforeNodes.has(k)) states.set(k, "added");
  for (const k of beforeNodes.keys()) if (!afterNodes.has(k)) states.set(k, "removed");
  for (const k of changedKeys) if (afterNodes.has(k) && !states.has(k)) states.set(k, "changed");
  const addedEdges = new Set([...afterEdges.keys()].filter((k) => !beforeEdges.has(k)));
  const removedEdges = new Set([...beforeEdges.keys()].filter((k) => !afterEdges.has(k)));
  if (states.size === 0 && addedEdges.size === 0 && removedEdges.size === 0) return "";

  const allEdges = [...afterEdges.values(), ...[...removedEdges].map((k) => beforeEdges.get(k) as GraphEdge)];
  const touched = new Set(states.keys());
  for (const k of [...addedEdges, ...removedEdges]) for (const end of k.split("|")) touched.add(end);
  const shownEdges = allEdges.filter((e) => touched.has(e.from) || touched.has(e.to));
  const shown = new Set([...touched, ...shownEdges.flatMap((e) => [e.from, e.to])]);
  const nodes = [...shown].map((k) => afterNodes.get(k) ?? beforeNodes.get(k)).filter((n): n is GraphNode => n !== undefined);
  return toMermaid({ nodes, edges: shownEdges }, { states, addedEdges, removedEdges });
}
