/**
 * `system:image-puller` in tools for every service account of each environment namespace, so the
 * environments' pods (Patroni, server, client, backups) pull images from tools' ImageStreams
 * through the internal registry. One RoleBinding per environment, with our own name: OpenShift
 * auto-manages the `system:image-pullers` bindings and would fight any change to them.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { adoptOptions, type Adoption } from "./adoption";
import type { Labels } from "./names";

export interface ImagePullGrantsArgs {
  /** One RoleBinding per namespace whose service accounts may pull (`system:serviceaccounts:<namespace>`), with its name. */
  readonly grants: readonly { readonly name: string; readonly namespace: string }[];
  readonly labels: Labels;
  readonly adoption: Adoption;
}

const IMAGE_PULLER_ROLE = "system:image-puller";

export class ImagePullGrants extends pulumi.ComponentResource {
  readonly bindings: readonly k8s.rbac.v1.RoleBinding[];

  constructor(name: string, args: ImagePullGrantsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hcap:images:ImagePullGrants", name, {}, opts);
    this.bindings = args.grants.map(({ name: bindingName, namespace }) => {
      return new k8s.rbac.v1.RoleBinding(
        bindingName,
        {
          metadata: { name: bindingName, labels: args.labels },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: IMAGE_PULLER_ROLE },
          subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: `system:serviceaccounts:${namespace}` }],
        },
        { parent: this, ...adoptOptions(args.adoption, "RoleBinding", bindingName) },
      );
    });
    this.registerOutputs({});
  }
}
