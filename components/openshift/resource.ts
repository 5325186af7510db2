/**
 * Declares an OpenShift object through the Kubernetes provider. OpenShift kinds are aggregated APIs
 * without CRDs, so Pulumi sends them as custom resources; the typed `object` keeps their shape checked.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { OpenShiftObject } from "./types";

export function openshiftObject<T extends OpenShiftObject>(
  object: T,
  opts?: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
  const { apiVersion, kind, metadata, ...body } = object;
  // The logical name is the object's name (components/names.ts: the logical-name rule).
  return new k8s.apiextensions.CustomResource(metadata.name, { apiVersion, kind, metadata, ...body }, opts);
}
