/**
 * The cluster-side sign of restore maintenance: a ConfigMap that exists only while an environment's
 * last `pulumi up` ran with `maintenance: restore`. Whoever set the switch (a commit, or
 * `pulumi config set` on an operator's machine), the pipelines see it in the namespace before they
 * act: `npm run maintenance-gate` (deploy.yml, drift.yml) refuses to apply a config without
 * maintenance over it, because that `up` would scale the server back up, resume the backups, grow
 * Patroni and stop the restore pod in the middle of a restore.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { adoptOptions, type Adoption } from "./adoption";
import type { NamedObject } from "./names";

/** The label the gate selects the marker by (`oc get configmaps -l <label>`), valued with the mode. */
export const MAINTENANCE_LABEL = "hcap-infra/maintenance";

/** Keys of the marker's data. */
export const MAINTENANCE_KEYS = { mode: "mode", note: "note" } as const;

export interface MaintenanceMarkerArgs {
  readonly names: NamedObject;
  /** The namespace the note names. */
  readonly namespace: string;
  readonly mode: "restore";
  readonly adoption: Adoption;
}

export class MaintenanceMarker extends pulumi.ComponentResource {
  readonly configMap: k8s.core.v1.ConfigMap;

  constructor(name: string, args: MaintenanceMarkerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hcap:maintenance:MaintenanceMarker", name, {}, opts);
    const { names } = args;
    this.configMap = new k8s.core.v1.ConfigMap(
      names.name,
      {
        metadata: { name: names.name, labels: { ...names.labels, [MAINTENANCE_LABEL]: args.mode } },
        data: {
          [MAINTENANCE_KEYS.mode]: args.mode,
          [MAINTENANCE_KEYS.note]:
            `${args.namespace} is in ${args.mode} maintenance: the pipelines skip it until this ConfigMap is gone. ` +
            "End it with the last steps of `npm run restore-plan` (remove hcap-infra:maintenance, pulumi up).",
        },
      },
      { parent: this, ...adoptOptions(args.adoption, "ConfigMap", names.name) },
    );
    this.registerOutputs({});
  }
}
