/**
 * One application image in the tools namespace: its ImageStream, the BuildConfig that builds it from
 * the app repository into `<stream>:latest`, and the environment tags (`<stream>:dev|test|prod`) that
 * the environments' DeploymentConfigs follow.
 *
 * Tag ownership: CI tags every build `<stream>:<short-sha>` (`oc tag`, outside Pulumi); this component
 * owns only the environment tags, as ImageStreamTag objects. The ImageStream itself never declares
 * `spec.tags`, so the two writers never touch the same field. The environment tags go through their
 * own provider without server-side apply (`tagProvider`; why: stack.ts `imageTagProvider`), so moving
 * a tag is a merge patch the API server accepts. A tag is created or moved only to a source tag that
 * has an image (`tagHooks`), so no environment tag ever answers 404 to a refresh.
 */
import * as pulumi from "@pulumi/pulumi";
import type { EnvName, Resources } from "../config";
import { commitSha } from "../config/fields";
import { adoptOptions, type Adoption } from "./adoption";
import type { NamedObject } from "./names";
import { openshiftObject } from "./openshift/resource";
import { formerly } from "./safety";
import type { BuildConfig, ImageStream, ImageStreamTag } from "./openshift/types";

export interface AppImageArgs {
  /** ImageStream and BuildConfig name, and their labels. */
  readonly names: NamedObject;
  readonly git: { readonly repository: string; readonly ref: string };
  /** Folder of the build context in the repository; `undefined` is the repository root. */
  readonly contextDir?: string;
  /** Dockerfile path relative to the context. @default "Dockerfile" */
  readonly dockerfilePath?: string;
  /** Secret the builder pulls the Dockerfile's base images with (Artifactory); none by default. */
  readonly pullSecret?: string;
  /**
   * An inline Dockerfile (`source.dockerfile`), for an image the repository has no Dockerfile for. The
   * builder writes it as `Dockerfile` in the context folder, replacing any there.
   */
  readonly dockerfile?: string;
  /** Which of the image's objects the old flow made (components/adoption.ts). */
  readonly adoption: Adoption;
  /**
   * Build pod resources (canonical quantities).
   * @default requests 500m / 1Gi, limits 2 / 4Gi (the old template's limits)
   */
  readonly resources?: Resources;
  /** A build still running after this long is failed. @default 1200 */
  readonly completionDeadlineSeconds?: number;
  /**
   * The image tag (CI's `<short-sha>`) each environment runs; an empty or absent entry declares no tag
   * for that environment (nothing promoted yet).
   */
  readonly promotions: Readonly<Partial<Record<EnvName, string>>>;
  /**
   * Provider of the environment ImageStreamTags: same namespace, `enableServerSideApply: false`
   * (the API server rejects a server-side apply that moves an ImageStreamTag).
   */
  readonly tagProvider: pulumi.ProviderResource;
  /**
   * Hooks on each environment tag: the check that its source tag has an image before the tag is
   * created or moved (components/openshift/tag-source-check.ts).
   */
  readonly tagHooks: pulumi.ResourceHookBinding;
}

export const BUILD_DEFAULTS = {
  dockerfilePath: "Dockerfile",
  resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "4Gi" } },
  completionDeadlineSeconds: 1200,
  /** The API server's own default for both history limits, written out so the value is visible. */
  historyLimit: 5,
} as const;

/** The tag CI builds into; the environment tags point at CI's `<short-sha>` tags, never at this one. */
export const BUILD_OUTPUT_TAG = "latest";

/** An ImageStream whose tags others write: builds, CI's `oc tag`, the environment ImageStreamTags. */
export function imageStreamObject(names: NamedObject): ImageStream {
  return {
    apiVersion: "image.openshift.io/v1",
    kind: "ImageStream",
    metadata: { name: names.name, labels: names.labels },
    // No `tags`: each tag has one writer, and it is not this object.
    spec: { lookupPolicy: { local: false } },
  };
}

export function buildConfigObject(args: AppImageArgs): BuildConfig {
  return {
    apiVersion: "build.openshift.io/v1",
    kind: "BuildConfig",
    metadata: { name: args.names.name, labels: args.names.labels },
    spec: {
      // A newer build supersedes queued ones: only the latest merge to main matters.
      runPolicy: "SerialLatestOnly",
      source: {
        type: "Git",
        git: { uri: args.git.repository, ref: args.git.ref },
        ...(args.contextDir !== undefined ? { contextDir: args.contextDir } : {}),
        ...(args.dockerfile !== undefined ? { dockerfile: args.dockerfile } : {}),
      },
      strategy: {
        type: "Docker",
        dockerStrategy: {
          dockerfilePath: args.dockerfilePath ?? BUILD_DEFAULTS.dockerfilePath,
          ...(args.pullSecret !== undefined ? { pullSecret: { name: args.pullSecret } } : {}),
        },
      },
      output: { to: { kind: "ImageStreamTag", name: `${args.names.name}:${BUILD_OUTPUT_TAG}` } },
      resources: args.resources ?? BUILD_DEFAULTS.resources,
      completionDeadlineSeconds: args.completionDeadlineSeconds ?? BUILD_DEFAULTS.completionDeadlineSeconds,
      successfulBuildsHistoryLimit: BUILD_DEFAULTS.historyLimit,
      failedBuildsHistoryLimit: BUILD_DEFAULTS.historyLimit,
      // ConfigChange only. An ImageChange trigger follows the strategy's builder image, and a Docker
      // build from the repository's Dockerfile has none in an ImageStream, so it could never fire. The
      // list stays constant: writing it clears the controllers' lastTriggeredImageID.
      triggers: [{ type: "ConfigChange" }],
    },
  };
}

/** `<stream>:<env>` pointing at CI's `<stream>:<commit>` tag in the same stream. */
export function promotionTagObject(stream: string, env: EnvName, commit: string): ImageStreamTag {
  return {
    apiVersion: "image.openshift.io/v1",
    kind: "ImageStreamTag",
    metadata: { name: `${stream}:${env}` },
    tag: {
      name: env,
      // A tag may reference an ImageStreamTag only inside its own stream, which is what this is.
      from: { kind: "ImageStreamTag", name: `${stream}:${commit}` },
      // Source (the server's default, written out): triggers resolve to the image's registry digest.
      // No importPolicy: nothing is imported from outside, and the server fills its own defaults there.
      referencePolicy: { type: "Source" },
    },
  };
}

export class AppImage extends pulumi.ComponentResource {
  /** `<stream>:<env>` tags declared by this stack, by environment. */
  readonly environmentTags: Readonly<Partial<Record<EnvName, string>>>;

  constructor(name: string, args: AppImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hcap:images:AppImage", name, {}, opts);
    if (args.dockerfile !== undefined && args.dockerfilePath !== undefined && args.dockerfilePath !== BUILD_DEFAULTS.dockerfilePath) {
      throw new Error(
        `AppImage ${name}: an inline Dockerfile is written as ${BUILD_DEFAULTS.dockerfilePath}; dockerfilePath cannot name another file`,
      );
    }
    for (const [env, commit] of Object.entries(args.promotions)) {
      const parsed = commitSha.safeParse(commit ?? "");
      if (!parsed.success) {
        throw new Error(`AppImage ${name}: the ${env} commit ${parsed.error.issues[0].message} (got ${JSON.stringify(commit)})`);
      }
    }

    const self = { parent: this };
    const { names } = args;
    const stream = openshiftObject(imageStreamObject(names), {
      ...self,
      ...adoptOptions(args.adoption, "ImageStream", names.name),
      ...formerly(`${names.name}-stream`),
    });
    openshiftObject(buildConfigObject(args), {
      ...self,
      ...adoptOptions(args.adoption, "BuildConfig", names.name),
      ...formerly(`${names.name}-build`),
    });

    const tags: Partial<Record<EnvName, string>> = {};
    for (const [env, commit] of Object.entries(args.promotions) as [EnvName, string | undefined][]) {
      if (!commit) continue;
      const tag = promotionTagObject(names.name, env, commit);
      openshiftObject(tag, {
        ...self,
        provider: args.tagProvider,
        hooks: args.tagHooks,
        dependsOn: [stream],
        ...adoptOptions(args.adoption, "ImageStreamTag", tag.metadata.name),
        ...formerly(`${names.name}-${env}`),
      });
      tags[env] = tag.metadata.name;
    }

    this.environmentTags = tags;
    this.registerOutputs({ environmentTags: tags });
  }
}
