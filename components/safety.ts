/**
 * Resource options that guard data and adoption, decided in one place so every component applies
 * the same rules.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { EnvConfig } from "../config";

/**
 * Options for a stateful resource (the database, its volumes, its credentials, backup volumes):
 * `protect` makes any delete or replace an error (config `protectStateful`); `retainOnDelete` keeps
 * the object in the cluster if the stack is ever destroyed or the resource removed from code.
 */
export function statefulOptions(cfg: Pick<EnvConfig, "protectStateful">): pulumi.CustomResourceOptions {
  return { protect: cfg.protectStateful, retainOnDelete: true };
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
