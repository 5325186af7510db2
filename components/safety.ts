/**
 * Resource options that guard data and adoption, decided in one place so every component applies
 * the same rules.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { EnvConfig } from "../config";
import { WAIVER_PREFIX } from "../config/platform";

/**
 * Options for a stateful resource (the database, its volumes, its credentials, backup volumes):
 * `protect` makes any delete or replace an error (config `protectStateful`); `retainOnDelete` keeps
 * the object in the cluster if the stack is ever destroyed or the resource removed from code.
 */
export function statefulOptions(cfg: Pick<EnvConfig, "protectStateful">): pulumi.CustomResourceOptions {
  return { protect: cfg.protectStateful, retainOnDelete: true };
}

/** Whether a component's objects are adopted: the stack's switch and namespace. */
export interface Adoption {
  readonly adopt: boolean;
  readonly namespace: string;
  /** False for objects the old templates never made (created even when adopting). @default true */
  readonly createdByTemplates?: boolean;
}

/**
 * With `adopt: true`, an object the old templates created is imported (ID `<namespace>/<name>`)
 * instead of created, so the first `pulumi up` takes ownership of what runs. Pass `createdByTemplates`
 * false for objects the templates never made: those are created as usual.
 */
export function adoptOptions(
  cfg: { readonly adopt?: boolean; readonly namespace: string },
  name: string,
  createdByTemplates = true,
): pulumi.CustomResourceOptions {
  return cfg.adopt === true && createdByTemplates ? { import: `${cfg.namespace}/${name}` } : {};
}

/**
 * Fields the cluster assigns and that force a replacement if they ever differ from the program.
 * An imported object's old inputs are the whole live object, so without these a first `pulumi up`
 * after adoption would see "clusterIP removed" / "volumeName removed" and delete-and-recreate the
 * Service or the volume. Whole, non-array paths only (array-indexed ignoreChanges are unreliable).
 */
export const ASSIGNED_BY_CLUSTER = {
  service: ["spec.clusterIP"],
  persistentVolumeClaim: ["spec.volumeName"],
} as const;

/**
 * The annotation that waives one platform rule of `npm run check` / the policy pack for one object,
 * with the reason a reviewer reads (a waiver without a reason does not count).
 */
export function waive(ruleId: string, reason: string): Record<string, string> {
  return { [`${WAIVER_PREFIX}${ruleId}`]: reason };
}
