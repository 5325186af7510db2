/**
 * The Patroni image the environments run, in tools: an ImageStream importing BC Gov's published
 * Patroni image (Postgres 12.4) as `<app>-patroni:<tag>`. The StatefulSets pull it by that tag through
 * the internal registry (`internalImage`), which needs the pull grants of {@link ImagePullGrants}.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { adoptOptions, type Adoption } from "./adoption";
import type { NamedObject } from "./names";
import { openshiftObject } from "./openshift/resource";

export interface PatroniImageArgs {
  /** The ImageStream's name (`<app>-patroni`) and labels. */
  readonly names: NamedObject;
  /**
   * The published image: `artifacts.developer.gov.bc.ca/bcgov-docker-local/patroni-postgres:2.0.1-12.4-latest`,
   * the one tag bcgov/patroni-postgres-container documents for Artifactory (README.md "Tags",
   * RELEASE.md); `12.4-latest` was the old on-cluster `bcgov` image stream's tag. Its Patroni 2.0.1
   * labels the leader `role: master` (zalando/patroni v2.0.1 patroni/dcs/kubernetes.py `touch_member`)
   * and lists healthy replicas as `running` (patroni/ctl.py), which the leader Service and the image's
   * health_check.sh rely on; Patroni 3 moves both (`primary`, `streaming`): recheck on any image change.
   */
  readonly sourceImage: string;
  /** The tag the environments run. */
  readonly tag: string;
  /** `patroni.bc.yml` made the `<app>-patroni` ImageStream: adopted namespaces already have it. */
  readonly adoption: Adoption;
}

export class PatroniImage extends pulumi.ComponentResource {
  readonly imageStream: k8s.apiextensions.CustomResource;

  constructor(name: string, args: PatroniImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hcap:images:PatroniImage", name, {}, opts);
    const { names } = args;
    this.imageStream = openshiftObject(
      {
        apiVersion: "image.openshift.io/v1",
        kind: "ImageStream",
        metadata: { name: names.name, labels: names.labels },
        spec: {
          lookupPolicy: { local: false },
          tags: [
            {
              name: args.tag,
              from: { kind: "DockerImage", name: args.sourceImage },
              // Local: pulls of this tag go through the internal registry, which fetches the layers from
              // Artifactory with tools' own credentials and mirrors them. The environments need only
              // `system:image-puller` in tools, never an Artifactory pull secret of their own, and keep
              // pulling if Artifactory is briefly down.
              referencePolicy: { type: "Local" },
              // No importPolicy: the tag is imported once (and on `oc import-image`), never on a
              // schedule. A database image must not change under the cluster because the upstream tag
              // (`2.0.1-12.4-latest`) moved; `scheduled: false` is not written because the server omits it and
              // the custom resource would show it as drift.
            },
          ],
        },
      },
      { parent: this, ...adoptOptions(args.adoption, "ImageStream", names.name) },
    );
    this.registerOutputs({});
  }
}
