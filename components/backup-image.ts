/**
 * The backup-container image the environments' backup CronJobs run, built in tools.
 *
 * Built, not imported: the published image (`bcgovimages/backup-container:<release>`) carries the
 * Postgres client of whatever major version upstream chose for that release (16, 17, 18 lately),
 * while hcap runs Postgres 12. `pg_dump` of a newer major can dump an older server, but its plain
 * SQL output is only guaranteed to load into the same or a newer server, and verification starts a
 * local server of the image's version. So the release's `docker/Dockerfile` is built with its `FROM`
 * replaced by a Postgres 12 base (the BuildConfig's `dockerStrategy.from`), exactly as the old
 * `build-db-backup` target did, with the git ref and the output tag both pinned to the release.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { adoptOptions, type Adoption } from "./adoption";
import { imageStreamObject } from "./app-image";
import type { NamedObject } from "./names";
import { openshiftObject } from "./openshift/resource";
import type { BuildConfig } from "./openshift/types";
import { formerly } from "./safety";

/** Upstream of the backup container (BCDevOps/backup-container redirects here). */
export const BACKUP_CONTAINER_REPOSITORY = "https://github.com/bcgov/backup-container";

export interface BackupImageArgs {
  /** ImageStream/BuildConfig name (`hcap-backup`) and labels. */
  readonly names: NamedObject;
  /** Release tag of the backup container (validated by config): the git ref built and the output tag. */
  readonly release: string;
  /** Postgres base image of the database's major version, pinned. */
  readonly baseImage: string;
  /** `build-db-backup` made the ImageStream and BuildConfig (universal.bc.yml; components/adoption.ts). */
  readonly adoption: Adoption;
}

export function backupBuildConfig(args: BackupImageArgs): BuildConfig {
  return {
    apiVersion: "build.openshift.io/v1",
    kind: "BuildConfig",
    metadata: { name: args.names.name, labels: args.names.labels },
    spec: {
      runPolicy: "Serial",
      source: { type: "Git", git: { uri: BACKUP_CONTAINER_REPOSITORY, ref: args.release }, contextDir: "docker" },
      strategy: {
        type: "Docker",
        dockerStrategy: {
          // Replaces the Dockerfile's FROM: the Postgres client matches the database's major version.
          from: { kind: "DockerImage", name: args.baseImage },
          dockerfilePath: "Dockerfile",
        },
      },
      output: { to: { kind: "ImageStreamTag", name: `${args.names.name}:${args.release}` } },
      resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
      successfulBuildsHistoryLimit: 3,
      failedBuildsHistoryLimit: 3,
      // ConfigChange builds only when the BuildConfig is created (openshift-controller-manager
      // pkg/build/controller/buildconfig/buildconfig_controller.go: nothing once status.lastVersion > 0;
      // openshift/api build/v1/types.go: "on an initial build config creation"). A new release or base
      // image, or the adopted old BuildConfig, is built by the deploy workflow's `backup-image` job,
      // which also fails when a tag an environment runs is missing. No ImageChange trigger: the base is
      // a pinned external image, not an image stream.
      triggers: [{ type: "ConfigChange" }],
    },
  };
}

export class BackupImage extends pulumi.ComponentResource {
  readonly imageStream: k8s.apiextensions.CustomResource;
  readonly buildConfig: k8s.apiextensions.CustomResource;
  /** `<stream>:<release>`: what the environments run. */
  readonly imageStreamTag: string;

  constructor(name: string, args: BackupImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hcap:backup:BackupImage", name, {}, opts);
    const self = { parent: this };

    const { names } = args;
    // The builds own the tags (one per release); spec.tags stays empty so nothing else writes them.
    this.imageStream = openshiftObject(imageStreamObject(names), {
      ...self,
      ...adoptOptions(args.adoption, "ImageStream", names.name),
      ...formerly(`${names.name}-is`),
    });
    this.buildConfig = openshiftObject(backupBuildConfig(args), {
      ...self,
      ...adoptOptions(args.adoption, "BuildConfig", names.name),
      dependsOn: [this.imageStream],
      ...formerly(`${names.name}-bc`),
    });
    this.imageStreamTag = `${args.names.name}:${args.release}`;

    this.registerOutputs({ imageStreamTag: this.imageStreamTag });
  }
}
