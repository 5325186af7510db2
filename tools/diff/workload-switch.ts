/**
 * What switching `appWorkload` does to one application tier, step by step, in the order a `pulumi up`
 * runs it. Shared by `npm run diff` (a switch between two renders) and `npm run adopt-check` (a live
 * namespace in the other state). The order follows from the program: the Service depends on the
 * workload, both kinds select the same pod labels, and Pulumi deletes removed resources only after
 * every create and update (pulumi/pulumi pkg/resource/deploy/deployment_executor.go, performDeletes).
 */
import type { AppWorkload } from "../../config/keys";

export interface WorkloadSwitch {
  readonly name: string;
  readonly from: AppWorkload;
  readonly to: AppWorkload;
}

interface Named {
  readonly kind: string;
  readonly metadata: { readonly name: string };
}

const KINDS: readonly AppWorkload[] = ["Deployment", "DeploymentConfig"];

function isWorkloadKind(kind: string): kind is AppWorkload {
  return (KINDS as readonly string[]).includes(kind);
}

/** Tiers whose workload kind differs between `before` and `after` (same name, other kind). */
export function workloadSwitches(before: readonly Named[], after: readonly Named[]): WorkloadSwitch[] {
  const kindOf = (objects: readonly Named[]) =>
    new Map(objects.filter((o) => isWorkloadKind(o.kind)).map((o) => [o.metadata.name, o.kind as AppWorkload]));
  const was = kindOf(before);
  const out: WorkloadSwitch[] = [];
  for (const [name, to] of kindOf(after)) {
    const from = was.get(name);
    // A name with both kinds on one side is not a switch (never rendered by this program).
    if (from !== undefined && from !== to && !before.some((o) => o.kind === to && o.metadata.name === name)) {
      out.push({ name, from, to });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** The steps of one switch, as a reviewer reads them. */
export function switchSteps(s: WorkloadSwitch): string[] {
  if (s.to === "Deployment") {
    return [
      `create Deployment/${s.name} running the promoted commit's image; pulumi up waits until all its pods are ready (a failed rollout stops the up here, and the DeploymentConfig keeps serving)`,
      `meanwhile Service/${s.name} (selector unchanged) sends to the ready pods of both kinds, so its Routes never lose their endpoints`,
      `after every create and update, delete DeploymentConfig/${s.name}: its pods terminate and leave the Service's endpoints while the Deployment's pods keep serving`,
    ];
  }
  return [
    `create DeploymentConfig/${s.name}; its ImageChange trigger deploys the environment tag's image. pulumi up does not wait for it (the workflows run oc rollout status)`,
    `Deployment/${s.name} leaves the program but is retained (retainOnDelete): its pods keep serving beside the DeploymentConfig's, and Service/${s.name} (selector unchanged) reaches both`,
    `once oc rollout status dc/${s.name} succeeds, delete the retained Deployment by hand: oc delete deployment/${s.name} (README: Workloads)`,
  ];
}

/** A Markdown section for `npm run diff`; empty when nothing switches. */
export function switchesMarkdown(switches: readonly WorkloadSwitch[]): string {
  if (switches.length === 0) return "";
  const lines = ["", "### Workload switch (hcap-infra:appWorkload)", ""];
  for (const s of switches) {
    lines.push(`**${s.name}: ${s.from} → ${s.to}**`, "");
    switchSteps(s).forEach((step, i) => lines.push(`${i + 1}. ${step}`));
    lines.push("");
  }
  return `${lines.join("\n")}\n`;
}
