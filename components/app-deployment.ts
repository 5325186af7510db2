/**
 * The `apps/v1` Deployment of an application tier, with what goes with it: a hardened pod, a
 * PodDisruptionBudget and preferred anti-affinity when the tier runs more than one pod, and an optional
 * HorizontalPodAutoscaler.
 *
 * Image: pinned from config. The container runs `<tools>/<stream>:<commit>`, the commit tag CI wrote
 * (deploy.yml) and a promotion records in the tools stack file (`<env>Commit`). Nothing else writes the
 * field: no `image.openshift.io/triggers` annotation, whose controller would rewrite `image` on every
 * tag move and fight the program over it (and would roll out after the job that moved the tag had
 * finished, unseen by Pulumi). So a promotion changes this object, `pulumi up` of the environment sends
 * it and the provider's Deployment await reports the rollout's outcome (README: Workloads).
 *
 * Fields a controller owns are not declared: `spec.replicas` while an autoscaler scales the tier.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { Autoscale, Resources } from "../config";
import { adoptOptions, type Adoption } from "./adoption";
import { internalImage, type ObjectNames } from "./names";
import { formerly } from "./safety";

/** A path the container writes below a read-only root: an `emptyDir` volume mounted there. */
export interface WritablePath {
  readonly volume: string;
  readonly mountPath: string;
}

/** What a tier's image needs to run with a read-only root file system. */
export interface ReadOnlyRoot {
  readonly writable: readonly WritablePath[];
  /** Environment that points the image's own writers at a writable path. */
  readonly env?: readonly k8s.types.input.core.v1.EnvVar[];
}

/** A container as both workload kinds declare it (no image, no hardening yet). */
export type AppContainer = Omit<k8s.types.input.core.v1.Container, "env" | "image"> & {
  readonly env?: k8s.types.input.core.v1.EnvVar[];
};

export interface AppDeploymentArgs {
  readonly names: ObjectNames;
  /** The image stream in `namespace` (tools) and the environment tag that follows promotions. */
  readonly image: { readonly namespace: string; readonly stream: string; readonly tag: string };
  /** The promoted commit (tag `<stream>:<commit>`); "" before the first promotion: no pods. */
  readonly commit: string;
  /** Pods when not autoscaled; the autoscaler's minimum otherwise. */
  readonly replicas: number;
  readonly autoscale?: Autoscale;
  readonly resources: Resources;
  readonly readOnlyRoot: ReadOnlyRoot;
  /** Longest time a new pod may take to become ready (start-up probe window), in seconds. */
  readonly startupSeconds: number;
  /** The container as the DeploymentConfig has it (ports, env, probes, resources). */
  readonly container: AppContainer;
  readonly adoption: Adoption;
}

/** The server's defaults, written out (apps/v1 SetDefaults_Deployment). */
export const DEPLOYMENT_REVISION_HISTORY_LIMIT = 10;
const MIN_PROGRESS_DEADLINE_SECONDS = 600;
/** How long a terminating pod keeps serving while the router drops it from its backends. */
export const PRE_STOP_SLEEP_SECONDS = 5;

/** The reference the pods run: the commit tag once promoted, else the environment tag (never pulled at 0 pods). */
export function deploymentImage(args: Pick<AppDeploymentArgs, "image" | "commit">): string {
  return internalImage(args.image.namespace, args.image.stream, args.commit || args.image.tag);
}

/** Pods to declare: none before the first promotion (there is no image yet). */
export function deploymentReplicas(args: Pick<AppDeploymentArgs, "commit" | "replicas">): number {
  return args.commit ? args.replicas : 0;
}

/** The autoscaler, when configured and there is something to scale (an HPA does not scale a tier at 0). */
export function activeAutoscale(args: Pick<AppDeploymentArgs, "commit" | "replicas" | "autoscale">): Autoscale | undefined {
  return args.autoscale && deploymentReplicas(args) > 0 ? args.autoscale : undefined;
}

/** Most pods the tier may run: PDB and anti-affinity only make sense above one. */
export function maxPods(args: Pick<AppDeploymentArgs, "commit" | "replicas" | "autoscale">): number {
  return activeAutoscale(args)?.maxReplicas ?? deploymentReplicas(args);
}

/**
 * Rollout deadline: the provider's Deployment await fails when the controller reports
 * ProgressDeadlineExceeded, so it must outlast the slowest legitimate start (e.g. migrations).
 */
export function progressDeadlineSeconds(startupSeconds: number): number {
  return Math.max(MIN_PROGRESS_DEADLINE_SECONDS, startupSeconds + 120);
}

/**
 * The restricted-v2 SCC's rules, met without a fixed UID or fsGroup (the SCC assigns both from the
 * namespace's range): no privilege escalation, every capability dropped, non-root, RuntimeDefault seccomp.
 */
export const HARDENED_CONTAINER: k8s.types.input.core.v1.SecurityContext = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  runAsNonRoot: true,
  readOnlyRootFilesystem: true,
  seccompProfile: { type: "RuntimeDefault" },
};

export function deploymentObject(args: AppDeploymentArgs): k8s.types.input.apps.v1.Deployment {
  const { names } = args;
  const spread = maxPods(args) > 1;
  const autoscale = activeAutoscale(args);
  const env = [...(args.container.env ?? []), ...(args.readOnlyRoot.env ?? [])];
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: names.name, labels: names.labels },
    spec: {
      // Owned by the autoscaler when there is one (see AppDeployment's ignoreChanges).
      ...(autoscale ? {} : { replicas: deploymentReplicas(args) }),
      revisionHistoryLimit: DEPLOYMENT_REVISION_HISTORY_LIMIT,
      progressDeadlineSeconds: progressDeadlineSeconds(args.startupSeconds),
      // The DeploymentConfig's selector: the Service selects both kinds' pods, which is what makes
      // the migration seamless (README: Workloads).
      selector: { matchLabels: { ...names.selector } },
      // A new pod first, an old one only once it is ready: never fewer ready pods than configured.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
      template: {
        metadata: { labels: { ...names.podLabels } },
        spec: {
          // The app never calls the Kubernetes API: no token in the pod.
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
          ...(spread ? { affinity: preferSpread(names) } : {}),
          containers: [
            {
              ...args.container,
              image: deploymentImage(args),
              // The commit tag is written once by CI; a new commit is a new reference.
              imagePullPolicy: "IfNotPresent",
              ...(env.length > 0 ? { env } : {}),
              securityContext: HARDENED_CONTAINER,
              volumeMounts: args.readOnlyRoot.writable.map((w) => ({ name: w.volume, mountPath: w.mountPath })),
              // The router keeps a terminating pod as a backend until its next sync: keep serving meanwhile.
              lifecycle: { preStop: { exec: { command: ["sleep", String(PRE_STOP_SLEEP_SECONDS)] } } },
            },
          ],
          volumes: args.readOnlyRoot.writable.map((w) => ({ name: w.volume, emptyDir: {} })),
        },
      },
    },
  };
}

/** Preferred (never blocking) spreading of the tier's pods over nodes. */
function preferSpread(names: ObjectNames): k8s.types.input.core.v1.Affinity {
  return {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 100,
          podAffinityTerm: { labelSelector: { matchLabels: { ...names.selector } }, topologyKey: "kubernetes.io/hostname" },
        },
      ],
    },
  };
}

export function podDisruptionBudgetObject(names: ObjectNames): k8s.types.input.policy.v1.PodDisruptionBudget {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: names.name, labels: names.labels },
    // One pod at a time may be evicted (node drains during cluster upgrades).
    spec: { maxUnavailable: 1, selector: { matchLabels: { ...names.selector } } },
  };
}

export function autoscalerObject(
  names: ObjectNames,
  minReplicas: number,
  autoscale: Autoscale,
): k8s.types.input.autoscaling.v2.HorizontalPodAutoscaler {
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: names.name, labels: names.labels },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: names.name },
      minReplicas,
      maxReplicas: autoscale.maxReplicas,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: autoscale.cpuPercent } },
        },
      ],
    },
  };
}

/** The Deployment and its PDB/HPA; returns the Deployment, which the Service waits for. */
export function declareAppDeployment(args: AppDeploymentArgs, opts: pulumi.CustomResourceOptions): k8s.apps.v1.Deployment {
  const autoscale = activeAutoscale(args);
  const deadline = progressDeadlineSeconds(args.startupSeconds);
  // The provider waits for the rollout (all replicas updated and ready) up to its own timeout, which
  // must outlast the controller's progress deadline so the controller's verdict is what fails the up.
  const wait = `${Math.ceil((deadline + 120) / 60)}m`;
  const adopted = (kind: string) => adoptOptions(args.adoption, kind, args.names.name);
  const deployment = new k8s.apps.v1.Deployment(args.names.name, deploymentObject(args), {
    ...opts,
    ...adopted("Deployment"),
    ...formerly(`${args.names.name}-deployment`),
    customTimeouts: { create: wait, update: wait },
    // Switching back to a DeploymentConfig removes this from the program; its pods must keep serving
    // until the DC (not awaited by Pulumi) has rolled out, so it is left running and deleted by hand.
    retainOnDelete: true,
    // With an autoscaler, `spec.replicas` belongs to it: not declared, and ignored. Under server-side
    // apply the provider then sends an ignored field only with its live value while it still co-owns it,
    // and drops it once another manager (the autoscaler) owns it (pulumi-kubernetes
    // provider/pkg/await/await.go, handleSSAIgnoreFields): switching the autoscaler on never resets replicas.
    ...(autoscale ? { ignoreChanges: ["spec.replicas"] } : {}),
  });
  if (maxPods(args) > 1) {
    new k8s.policy.v1.PodDisruptionBudget(args.names.name, podDisruptionBudgetObject(args.names), {
      ...opts,
      ...adopted("PodDisruptionBudget"),
    });
  }
  if (autoscale) {
    new k8s.autoscaling.v2.HorizontalPodAutoscaler(args.names.name, autoscalerObject(args.names, args.replicas, autoscale), {
      ...opts,
      ...adopted("HorizontalPodAutoscaler"),
      dependsOn: [deployment],
    });
  }
  return deployment;
}
