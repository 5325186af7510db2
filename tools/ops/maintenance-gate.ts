/**
 * Whether a pipeline may apply (or drift-check) an environment, given what the cluster says about
 * restore maintenance and what the config being applied declares. Pure: the script feeds it the
 * live marker (`oc get configmaps -l hcap-infra/maintenance -o json`) and the stack's config.
 */
import { MAINTENANCE_KEYS, MAINTENANCE_LABEL } from "../../components/maintenance-marker";
import { isRecord } from "../kube/object";

export type MaintenanceMode = "none" | "restore";

export interface GateInput {
  readonly stack: string;
  readonly namespace: string;
  /** What the config this run would apply declares. */
  readonly declared: MaintenanceMode;
  /** The mode the live marker names, or null when the namespace has none. */
  readonly live: MaintenanceMode | null;
  readonly markerName: string;
}

export interface GateDecision {
  readonly proceed: boolean;
  readonly message: string;
}

export function maintenanceGate(input: GateInput): GateDecision {
  const { stack, namespace, declared, live } = input;
  if (live === "restore" && declared !== "restore") {
    return {
      proceed: false,
      message:
        `${namespace} is in restore maintenance (ConfigMap ${input.markerName}), but the config this run applies has no ` +
        "maintenance: applying it would scale the server back up, resume the backups, grow Patroni and stop the restore pod in " +
        `the middle of a restore. Skipped. Maintenance ends only with the restore plan's last steps (npm run restore-plan -- ${stack}): ` +
        `pulumi config rm hcap-infra:maintenance -s ${stack} && pulumi up -s ${stack}, which removes the marker.`,
    };
  }
  if (declared === "restore") {
    return {
      proceed: true,
      message: `${namespace}: the config declares maintenance: restore; applying it keeps (or starts) restore maintenance.`,
    };
  }
  return { proceed: true, message: `${namespace}: not in maintenance.` };
}

/**
 * The mode the live dump names: `oc get configmaps -l hcap-infra/maintenance -o json` (a List) or
 * one ConfigMap; empty text means no marker. Anything unreadable throws: the gate fails closed.
 */
export function liveMaintenance(text: string, where: string): MaintenanceMode | null {
  if (text.trim() === "") return null;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error(`${where}: not the JSON of oc get configmaps -o json; cannot tell whether the environment is in maintenance`);
  }
  const items = isRecord(doc) && Array.isArray(doc.items) ? doc.items : [doc];
  for (const item of items) {
    if (!isRecord(item) || !isRecord(item.metadata)) continue;
    const labels = isRecord(item.metadata.labels) ? item.metadata.labels : {};
    const data = isRecord(item.data) ? item.data : {};
    const mode = data[MAINTENANCE_KEYS.mode] ?? labels[MAINTENANCE_LABEL];
    // Any marker counts; an unknown mode is treated as restore (the careful reading).
    if (mode !== undefined) return "restore";
  }
  return null;
}
