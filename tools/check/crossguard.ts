/**
 * The platform rules of tools/check/policies.ts as CrossGuard policies, for `pulumi preview/up
 * --policy-pack policy`. Object rules become `validateResource`, namespace rules `validateStack`
 * (which sees the plan's `protect`). The pack's entry file (policy/index.ts) only wraps these in a
 * PolicyPack; tests call the validators here directly.
 */
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { isRecord, type KubeObject } from "../kube/object";
import {
  PLATFORM_POLICIES,
  applyWaiver,
  namespaceView,
  roleOfNamespace,
  type NamespaceView,
  type PlatformPolicy,
  type Violation,
} from "./policies";

/** A Kubernetes resource's inputs as a plain object, or undefined for anything else. */
export function objectOf(type: string, props: Record<string, unknown>): KubeObject | undefined {
  if (!type.startsWith("kubernetes:") || type.startsWith("kubernetes:yaml") || type.startsWith("kubernetes:helm")) return undefined;
  const meta = props.metadata;
  if (typeof props.kind !== "string" || typeof props.apiVersion !== "string" || !isRecord(meta) || typeof meta.name !== "string")
    return undefined;
  return props as unknown as KubeObject;
}

/** The namespace an object lands in: its own, else its provider's (the stack's one namespace). */
function namespaceOf(o: KubeObject, provider: { props: Record<string, unknown> } | undefined): string {
  const fromProvider = provider?.props.namespace;
  return o.metadata.namespace ?? (typeof fromProvider === "string" ? fromProvider : "default");
}

function viewOf(namespace: string, objects: readonly KubeObject[] = [], isProtected?: (o: KubeObject) => boolean): NamespaceView {
  return namespaceView(roleOfNamespace(namespace), { namespace, objects, isProtected });
}

function message(v: Violation): string {
  return v.path === "" ? v.message : `${v.message} (at ${v.path})`;
}

/** `validateResource` of one object rule. */
export function validateResourceWith(policy: PlatformPolicy) {
  return (args: Pick<ResourceValidationArgs, "type" | "props" | "provider">, report: ReportViolation): void => {
    const o = objectOf(args.type, args.props);
    if (!o || !policy.checkObject) return;
    for (const v of policy.checkObject(o, viewOf(namespaceOf(o, args.provider)))) {
      const kept = applyWaiver(policy.id, { ...v, object: o });
      if (kept) report(message(kept));
    }
  };
}

/** `validateStack` of one namespace rule: resources grouped by namespace, `protect` from the plan. */
export function validateStackWith(policy: PlatformPolicy) {
  return (
    args: { resources: readonly Pick<PolicyResource, "type" | "props" | "urn" | "opts" | "provider">[] },
    report: ReportViolation,
  ): void => {
    if (!policy.checkNamespace && !policy.checkInstallation) return;
    const byNamespace = new Map<string, { o: KubeObject; urn: string; protect: boolean }[]>();
    for (const r of args.resources) {
      const o = objectOf(r.type, r.props);
      if (!o) continue;
      const ns = namespaceOf(o, r.provider);
      byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), { o, urn: r.urn, protect: r.opts.protect }]);
    }
    const urns = new Map([...byNamespace.values()].flat().map((e) => [e.o, e.urn]));
    const views: NamespaceView[] = [...byNamespace].map(([namespace, entries]) => {
      const protectedObjects = new Set(entries.filter((e) => e.protect).map((e) => e.o));
      return viewOf(
        namespace,
        entries.map((e) => e.o),
        (o) => protectedObjects.has(o),
      );
    });
    const violations = [
      ...(policy.checkNamespace ? views.flatMap((v) => policy.checkNamespace!(v)) : []),
      ...(policy.checkInstallation ? policy.checkInstallation(views) : []),
    ];
    for (const v of violations) {
      const kept = applyWaiver(policy.id, v);
      if (kept) report(message(kept), kept.object ? urns.get(kept.object) : undefined);
    }
  };
}

/** One CrossGuard policy per platform rule, named `hcap-<rule id>`, mandatory. */
export function crossGuardPolicies(): (ResourceValidationPolicy | StackValidationPolicy)[] {
  return PLATFORM_POLICIES.map((p): ResourceValidationPolicy | StackValidationPolicy => {
    const base = { name: `hcap-${p.id}`, description: p.rationale, enforcementLevel: "mandatory" as const };
    return p.checkObject
      ? { ...base, validateResource: validateResourceWith(p) as ResourceValidationPolicy["validateResource"] }
      : { ...base, validateStack: validateStackWith(p) as StackValidationPolicy["validateStack"] };
  });
}
