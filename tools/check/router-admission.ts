/**
 * In a namespace whose NetworkPolicies deny ingress by default, the OpenShift router reaches a pod
 * only through a policy that admits namespaces labelled `network.openshift.io/policy-group: ingress`
 * (OpenShift docs "Configuring network policy with OpenShift SDN/OVN": allow-from-openshift-ingress;
 * BC Gov platform docs openshift-network-policies.md) on the port the Route targets. Without it every
 * request to the Route answers 503 — and nothing in the API refuses the objects.
 */
import {
  asArray,
  asObject,
  asString,
  asStringMap,
  at,
  containers,
  isLongRunning,
  podTemplate,
  type KubeObject,
  type JsonObject,
} from "../kube/object";
import { isDenyByDefault, type PlatformPolicy, type Violation } from "./policies";

export const INGRESS_POLICY_GROUP = { key: "network.openshift.io/policy-group", value: "ingress" } as const;

/** Whether a label selector (matchLabels + matchExpressions) selects `labels`. */
export function selectorMatches(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  const s = asObject(selector);
  if (!Object.entries(asStringMap(s.matchLabels)).every(([k, v]) => labels[k] === v)) return false;
  return asArray(s.matchExpressions).every((e) => {
    const { key, operator, values } = asObject(e);
    const k = asString(key) ?? "";
    const vs = asArray(values).filter((v): v is string => typeof v === "string");
    switch (operator) {
      case "In":
        return k in labels && vs.includes(labels[k]);
      case "NotIn":
        return !(k in labels) || !vs.includes(labels[k]);
      case "Exists":
        return k in labels;
      case "DoesNotExist":
        return !(k in labels);
      default:
        return false;
    }
  });
}

/** A `from` peer that lets the router in: all namespaces, or those of the ingress policy group. */
function admitsRouter(peer: unknown): boolean {
  const p = asObject(peer);
  if (p.ipBlock !== undefined || p.namespaceSelector === undefined) return false;
  const podSelector = asObject(p.podSelector);
  if (Object.keys(asObject(podSelector.matchLabels)).length > 0 || asArray(podSelector.matchExpressions).length > 0) return false;
  return selectorMatches(p.namespaceSelector, { [INGRESS_POLICY_GROUP.key]: INGRESS_POLICY_GROUP.value });
}

/** Whether an ingress rule's ports include the pod's port (by number or by container port name). */
function admitsPort(rule: JsonObject, port: { number?: number; name?: string }): boolean {
  const ports = asArray(rule.ports);
  if (ports.length === 0) return true;
  return ports.some((x) => {
    const p = asObject(x);
    if (p.protocol !== undefined && p.protocol !== "TCP") return false;
    if (p.port === undefined) return true;
    if (typeof p.port === "string") return p.port === port.name;
    const end = typeof p.endPort === "number" ? p.endPort : p.port;
    return typeof p.port === "number" && port.number !== undefined && port.number >= p.port && port.number <= (end as number);
  });
}

function routerAdmitted(
  policies: readonly KubeObject[],
  podLabels: Record<string, string>,
  port: { number?: number; name?: string },
): boolean {
  return policies.some((np) => {
    const spec = asObject(np.spec);
    const types = asArray(spec.policyTypes);
    if (types.length > 0 && !types.includes("Ingress")) return false;
    if (!selectorMatches(spec.podSelector, podLabels)) return false;
    return asArray(spec.ingress).some((r) => {
      const rule = asObject(r);
      const from = asArray(rule.from);
      return (from.length === 0 || from.some(admitsRouter)) && admitsPort(rule, port);
    });
  });
}

export const routerAdmission: PlatformPolicy = {
  id: "router-admission",
  rationale:
    "with deny-by-default NetworkPolicies, every pod behind a Route must admit the router (namespaces labelled network.openshift.io/policy-group: ingress) on the Route's target port, or the Route answers 503",
  checkNamespace: (view) => {
    if (!view.objects.some(isDenyByDefault)) return [];
    const policies = view.objects.filter((o) => o.kind === "NetworkPolicy");
    const out: Violation[] = [];
    for (const route of view.objects.filter((o) => o.kind === "Route")) {
      const service = view.objects.find((o) => o.kind === "Service" && o.metadata.name === asString(at(route, "spec.to.name")));
      if (!service) continue; // ref-route reports it
      const selector = asStringMap(at(service, "spec.selector"));
      if (Object.keys(selector).length === 0) continue;
      const target = at(route, "spec.port.targetPort");
      const servicePorts = asArray(at(service, "spec.ports"))
        .map(asObject)
        .filter((p) => target === undefined || p.name === target || p.port === target || p.targetPort === target);
      const path = target === undefined ? "spec.to.name" : "spec.port.targetPort";
      for (const workload of view.objects.filter(isLongRunning)) {
        const t = podTemplate(workload);
        if (!t || !Object.entries(selector).every(([k, v]) => t.labels[k] === v)) continue;
        for (const sp of servicePorts) {
          const podPort = sp.targetPort ?? sp.port;
          const container = containers(t)
            .flatMap((c) => asArray(c.container.ports).map(asObject))
            .find((p) => p.name === podPort || p.containerPort === podPort);
          const port = {
            number:
              typeof podPort === "number" ? podPort : typeof container?.containerPort === "number" ? container.containerPort : undefined,
            name: typeof podPort === "string" ? podPort : asString(container?.name),
          };
          if (!routerAdmitted(policies, t.labels, port)) {
            out.push({
              object: route,
              path,
              message:
                `pods of ${workload.kind}/${workload.metadata.name} behind this Route are not admitted from the OpenShift router on port ${port.number ?? port.name}: ` +
                `no NetworkPolicy allows ingress from namespaces labelled ${INGRESS_POLICY_GROUP.key}: ${INGRESS_POLICY_GROUP.value} to them on that port (the Route would answer 503)`,
            });
          }
        }
      }
    }
    return out;
  },
};
