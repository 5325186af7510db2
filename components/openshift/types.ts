/**
 * TypeScript shapes of the OpenShift kinds this program declares: the fields it uses, named and typed
 * as in the OpenShift API (apps.openshift.io/v1, build.openshift.io/v1, image.openshift.io/v1,
 * route.openshift.io/v1). Core Kubernetes shapes come from `@pulumi/kubernetes`.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

type PodTemplateSpec = k8s.types.input.core.v1.PodTemplateSpec;
type ResourceRequirements = k8s.types.input.core.v1.ResourceRequirements;
type EnvVar = k8s.types.input.core.v1.EnvVar;

/** metadata as this program writes it (the provider fills the namespace). */
export interface ObjectMeta {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface ObjectReference {
  readonly kind: "ImageStreamTag" | "ImageStreamImage" | "DockerImage";
  readonly name: string;
  readonly namespace?: string;
}

export interface LocalObjectReference {
  readonly name: string;
}

// --- apps.openshift.io/v1 DeploymentConfig ---------------------------------

export interface RollingDeploymentStrategyParams {
  readonly maxSurge?: string;
  readonly maxUnavailable?: string;
  readonly intervalSeconds?: number;
  readonly updatePeriodSeconds?: number;
  readonly timeoutSeconds?: number;
}

export interface DeploymentStrategy {
  readonly type: "Rolling" | "Recreate";
  readonly rollingParams?: RollingDeploymentStrategyParams;
  readonly activeDeadlineSeconds?: number;
  readonly resources?: ResourceRequirements;
}

export interface DeploymentTriggerImageChangeParams {
  readonly automatic: boolean;
  readonly containerNames: readonly string[];
  readonly from: ObjectReference & { readonly kind: "ImageStreamTag" };
}

export type DeploymentTriggerPolicy =
  { readonly type: "ConfigChange" } | { readonly type: "ImageChange"; readonly imageChangeParams: DeploymentTriggerImageChangeParams };

export interface DeploymentConfigSpec {
  readonly replicas: number;
  readonly revisionHistoryLimit?: number;
  readonly minReadySeconds?: number;
  readonly selector: Readonly<Record<string, string>>;
  readonly strategy: DeploymentStrategy;
  readonly triggers: readonly DeploymentTriggerPolicy[];
  readonly template: PodTemplateSpec;
  readonly paused?: boolean;
}

export interface DeploymentConfig {
  readonly apiVersion: "apps.openshift.io/v1";
  readonly kind: "DeploymentConfig";
  readonly metadata: ObjectMeta;
  readonly spec: DeploymentConfigSpec;
}

// --- build.openshift.io/v1 BuildConfig --------------------------------------

export interface GitBuildSource {
  readonly uri: string;
  readonly ref?: string;
}

export interface BuildSource {
  readonly type: "Git" | "Dockerfile" | "Binary";
  readonly git?: GitBuildSource;
  readonly contextDir?: string;
  readonly dockerfile?: string;
}

export interface DockerBuildStrategy {
  readonly from?: ObjectReference;
  readonly dockerfilePath?: string;
  readonly buildArgs?: readonly EnvVar[];
  readonly env?: readonly EnvVar[];
  readonly noCache?: boolean;
  readonly pullSecret?: LocalObjectReference;
}

export interface BuildStrategy {
  readonly type: "Docker";
  readonly dockerStrategy: DockerBuildStrategy;
}

export interface BuildOutput {
  readonly to: ObjectReference & { readonly kind: "ImageStreamTag" };
}

export type BuildTriggerPolicy =
  { readonly type: "ConfigChange" } | { readonly type: "ImageChange"; readonly imageChange?: { readonly from?: ObjectReference } };

export interface BuildConfigSpec {
  readonly runPolicy: "Serial" | "SerialLatestOnly" | "Parallel";
  readonly source: BuildSource;
  readonly strategy: BuildStrategy;
  readonly output: BuildOutput;
  readonly resources?: ResourceRequirements;
  readonly completionDeadlineSeconds?: number;
  readonly successfulBuildsHistoryLimit?: number;
  readonly failedBuildsHistoryLimit?: number;
  readonly triggers: readonly BuildTriggerPolicy[];
  readonly nodeSelector?: Readonly<Record<string, string>> | null;
}

export interface BuildConfig {
  readonly apiVersion: "build.openshift.io/v1";
  readonly kind: "BuildConfig";
  readonly metadata: ObjectMeta;
  readonly spec: BuildConfigSpec;
}

// --- image.openshift.io/v1 ImageStream / ImageStreamTag ---------------------

export interface TagImportPolicy {
  readonly scheduled?: boolean;
  readonly insecure?: boolean;
  readonly importMode?: "Legacy" | "PreserveOriginal";
}

export interface TagReferencePolicy {
  readonly type: "Source" | "Local";
}

export interface TagReference {
  readonly name: string;
  readonly from?: ObjectReference;
  readonly importPolicy?: TagImportPolicy;
  readonly referencePolicy?: TagReferencePolicy;
  readonly annotations?: Readonly<Record<string, string>> | null;
}

export interface ImageStreamSpec {
  readonly lookupPolicy?: { readonly local: boolean };
  readonly tags?: readonly TagReference[];
}

export interface ImageStream {
  readonly apiVersion: "image.openshift.io/v1";
  readonly kind: "ImageStream";
  readonly metadata: ObjectMeta;
  readonly spec: ImageStreamSpec;
}

export interface ImageStreamTag {
  readonly apiVersion: "image.openshift.io/v1";
  readonly kind: "ImageStreamTag";
  /**
   * `name` is `<stream>:<tag>`. An ImageStreamTag is a view of its ImageStream, so labels and
   * annotations written here are not kept as sent (and tag annotations must equal these): leave both out.
   */
  readonly metadata: { readonly name: string };
  readonly tag: TagReference;
  readonly lookupPolicy?: { readonly local: boolean };
}

// --- route.openshift.io/v1 Route ---------------------------------------------

export interface TLSConfig {
  readonly termination: "edge" | "passthrough" | "reencrypt";
  readonly insecureEdgeTerminationPolicy?: "None" | "Allow" | "Redirect";
}

export interface RouteSpec {
  readonly host: string;
  readonly path?: string;
  /** The Service, by the name its object hands out (an Output, so the Route depends on it). */
  readonly to: { readonly kind: "Service"; readonly name: pulumi.Input<string>; readonly weight?: number };
  readonly port: { readonly targetPort: string };
  readonly tls: TLSConfig;
  readonly wildcardPolicy?: "None" | "Subdomain";
}

export interface Route {
  readonly apiVersion: "route.openshift.io/v1";
  readonly kind: "Route";
  readonly metadata: ObjectMeta;
  readonly spec: RouteSpec;
}

export type OpenShiftObject = DeploymentConfig | BuildConfig | ImageStream | ImageStreamTag | Route;
