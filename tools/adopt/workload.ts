/**
 * adopt-check for a namespace whose application workloads are of the other kind than the program
 * declares: a switch the `up` performs (the live workload is this program's own), or a workload the
 * program does not know, which would keep running beside the declared one.
 */
import { MANAGED_BY } from "../../components/names";
import { switchSteps, workloadSwitches } from "../diff/workload-switch";
import type { DeclaredObject } from "./declared";
import type { KubeObject } from "../kube/object";

function managedByProgram(o: KubeObject): boolean {
  const labels = o.metadata.labels as Record<string, unknown> | undefined;
  return Object.entries(MANAGED_BY).every(([k, v]) => labels?.[k] === v);
}

export function workloadFindings(declared: readonly DeclaredObject[], live: readonly KubeObject[]): { errors: string[]; notes: string[] } {
  const errors: string[] = [];
  const notes: string[] = [];
  const after = declared.map((d) => ({ kind: d.kind, metadata: { name: d.name } }));
  for (const s of workloadSwitches(live, after)) {
    const liveObject = live.find((o) => o.kind === s.from && o.metadata.name === s.name);
    if (liveObject && managedByProgram(liveObject)) {
      notes.push(`${s.from}/${s.name} -> ${s.to}/${s.name}: pulumi up switches the workload kind:`);
      switchSteps(s).forEach((step, i) => notes.push(`  ${i + 1}. ${step}`));
    } else {
      errors.push(
        `${s.from}/${s.name} is live but not made by this program, and the program declares a ${s.to}: ` +
          `it would keep running beside the new ${s.to} (both behind Service/${s.name}). ` +
          (s.from === "DeploymentConfig"
            ? "Adopt it first with hcap-infra:appWorkload: DeploymentConfig, then switch in a later up (README: Workloads)"
            : `Delete it once the ${s.to} is ready (oc rollout status), or set hcap-infra:appWorkload: ${s.from}`),
      );
    }
  }
  return { errors, notes };
}
