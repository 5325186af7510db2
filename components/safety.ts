/**
 * Resource options that guard data and adoption, decided in one place so every component applies
 * the same rules.
 */
import type * as pulumi from "@pulumi/pulumi";
import { WAIVER_PREFIX } from "../config/platform";

/**
 * Options for a stateful resource (the database, its volumes, its credentials, backup volumes):
 * `protect` makes any delete or replace an error (config `protectStateful`); `retainOnDelete` keeps
 * the object in the cluster if the stack is ever destroyed or the resource removed from code.
 */
export function statefulOptions(protect: boolean): pulumi.CustomResourceOptions {
  return { protect, retainOnDelete: true };
}

/**
 * Aliases for a resource whose logical name changed (same parent and type): Pulumi matches the old URN
 * and moves its state, instead of creating the new resource and deleting the old one. For a Kubernetes
 * object that delete would remove the live object of the same `metadata.name` after its "replacement"
 * was created (pulumi/pulumi-kubernetes#2948), or, since 4.29, stop the create with AlreadyExists.
 */
export function formerly(...names: string[]): pulumi.CustomResourceOptions {
  return { aliases: names.map((name) => ({ name })) };
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
