/**
 * Adoption, decided in one place: which objects the old flow made (the OpenShift templates and their
 * make targets' `oc tag`), so that the first `pulumi up` with `adopt: true` imports each of them by
 * `<namespace>/<name>` instead of creating it. Every component asks {@link adoptOptions} for every
 * object it declares; this table alone answers.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { StackNames } from "./names";

/** Kinds of the objects the old flow made that the program also declares. */
export type AdoptableKind =
  | "Secret"
  | "ServiceAccount"
  | "Role"
  | "RoleBinding"
  | "Service"
  | "StatefulSet"
  | "PersistentVolumeClaim"
  | "ConfigMap"
  | "DeploymentConfig"
  | "Route"
  | "ImageStream"
  | "BuildConfig"
  | "ImageStreamTag";

/** One object the old flow made: `<kind>/<metadata.name>`. */
export type ObjectRef = `${AdoptableKind}/${string}`;

const ENVIRONMENTS = ["dev", "test", "prod"] as const;

/**
 * What the old flow made in a namespace of `role`, with the template that made it. Objects it never
 * made (the client tier, PodDisruptionBudgets, NetworkPolicies under our names, the backup CronJobs,
 * the `/api` Route, the Deployments) are not listed, so they are created as usual.
 */
export function madeByOldFlow(names: StackNames, role: "env" | "tools"): readonly ObjectRef[] {
  if (role === "tools") {
    return [
      // server.bc.yml; the environment tags came from the make targets' `oc tag`.
      `ImageStream/${names.images.server}`,
      `BuildConfig/${names.images.server}`,
      ...ENVIRONMENTS.map((env): ObjectRef => `ImageStreamTag/${names.images.server}:${env}`),
      // patroni.bc.yml (its BuildConfig is not declared: tools imports the published image instead).
      `ImageStream/${names.images.patroni}`,
      // universal.bc.yml, as `build-db-backup` processed it.
      `ImageStream/${names.images.backup}`,
      `BuildConfig/${names.images.backup}`,
    ];
  }
  const patroni = names.patroni.name;
  return [
    // patroni.prep.yml
    `Secret/${patroni}`,
    `ServiceAccount/${patroni}`,
    `Role/${patroni}`,
    `RoleBinding/${patroni}`,
    // patroni.dc.yml
    `Service/${patroni}`,
    `StatefulSet/${patroni}`,
    // keycloak.prep.yml
    `Secret/${names.keycloak.name}`,
    // server.dc.yml
    `DeploymentConfig/${names.server.name}`,
    `Service/${names.server.name}`,
    `Route/${names.server.name}`,
    // backup.dc.yml
    `PersistentVolumeClaim/${names.backup.dataVolume}`,
    `PersistentVolumeClaim/${names.backup.verificationVolume}`,
    `ConfigMap/${names.backup.config}`,
  ];
}

/** The stack's adoption switch and what the old flow made in its namespace; every component takes it. */
export interface Adoption {
  readonly adopt: boolean;
  readonly namespace: string;
  readonly madeByOldFlow: ReadonlySet<ObjectRef>;
}

export function stackAdoption(args: { adopt: boolean; namespace: string; names: StackNames; role: "env" | "tools" }): Adoption {
  return { adopt: args.adopt, namespace: args.namespace, madeByOldFlow: new Set(madeByOldFlow(args.names, args.role)) };
}

/** No adoption: for a component declared outside an adopting stack (and for tests). */
export const NOT_ADOPTING: Adoption = { adopt: false, namespace: "", madeByOldFlow: new Set() };

/**
 * `import: <namespace>/<name>` for an object the old flow made, while adopting; nothing otherwise.
 * `kind` is any Kubernetes kind, so a component can ask for each of its objects.
 */
export function adoptOptions(adoption: Adoption, kind: string, name: string): pulumi.CustomResourceOptions {
  return adoption.adopt && adoption.madeByOldFlow.has(`${kind as AdoptableKind}/${name}`)
    ? { import: `${adoption.namespace}/${name}` }
    : {};
}
