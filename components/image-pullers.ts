/**
 * Lets the environments' pods pull the images that live in the tools namespace: one RoleBinding in
 * tools granting `system:image-puller` to every service account of each environment namespace.
 *
 * The old flow granted it only to the `hcap-patroni` service account and relied on `add-role` (admin in
 * tools for the environments' `default` accounts) for the rest. A group per namespace covers the
 * server, Patroni and backup pods without naming their accounts. The name is our own: OpenShift
 * manages the `system:image-pullers` bindings itself.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Labels } from "./names";

export interface ImagePullersArgs {
  /** RoleBinding name in the tools namespace. */
  readonly name: string;
  readonly labels: Labels;
  /** Namespaces whose service accounts may pull (`<plate>-dev`, ...). */
  readonly namespaces: readonly string[];
}

export const IMAGE_PULLER_ROLE = "system:image-puller";

export class ImagePullers extends pulumi.ComponentResource {
  readonly binding: k8s.rbac.v1.RoleBinding;

  constructor(name: string, args: ImagePullersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hcap:images:ImagePullers", name, {}, opts);
    if (args.namespaces.length === 0) throw new Error(`ImagePullers ${name}: at least one namespace is required`);
    this.binding = new k8s.rbac.v1.RoleBinding(args.name, {
      metadata: { name: args.name, labels: args.labels },
      // roleRef cannot change in place (a change replaces the binding); it never needs to.
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: IMAGE_PULLER_ROLE },
      subjects: args.namespaces.map((ns) => ({
        apiGroup: "rbac.authorization.k8s.io",
        kind: "Group",
        name: `system:serviceaccounts:${ns}`,
      })),
    }, { parent: this });
    this.registerOutputs({});
  }
}
