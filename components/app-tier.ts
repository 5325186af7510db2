/**
 * One application tier of an environment: its workload, the Service in front of it and an edge-TLS
 * Route. The workload is an `apps/v1` Deployment running the promoted commit's image
 * (components/app-deployment.ts), or, with `appWorkload: DeploymentConfig`, the DeploymentConfig the
 * old templates made, which deploys its image whenever the environment's tag in tools moves.
 *
 * Both kinds select the same pod labels, so the Service reaches whichever pods exist. Switching kinds
 * therefore needs no Service change: the new workload is created (a Deployment is awaited until its
 * pods are ready), and the old one is deleted only after every create and update of the `up`
 * (pulumi/pulumi pkg/resource/deploy/deployment_executor.go: performDeletes runs once the program's
 * registrations are done). README: Workloads.
 *
 * DeploymentConfig drift: a DeploymentConfig is sent as a custom resource, which Pulumi does not normalise, and the
 * ImageChange trigger rewrites the container image in the live object. So the program declares only
 * what it owns, in the form the API server stores: no container `image` (the trigger owns it; DC
 * validation accepts an empty image for a container an ImageChange trigger names), quantities in
 * canonical form, every strategy parameter written out with the server's default where there is no
 * reason to differ, and nothing that only the server fills (terminationMessagePath, dnsPolicy,
 * schedulerName, securityContext, `test`, ...): refresh prunes those away, so they never show as a diff.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Autoscale, Resources } from "../config";
import type { AppWorkload } from "../config/keys";
import { declareAppDeployment, type AppContainer, type ReadOnlyRoot } from "./app-deployment";
import type { ObjectNames } from "./names";
import { openshiftObject } from "./openshift/resource";
import type { DeploymentConfig, DeploymentTriggerPolicy, Route } from "./openshift/types";
import { type Adoption, adoptOptions } from "./adoption";
import { ASSIGNED_BY_CLUSTER, formerly } from "./safety";

/** Name of the container port, the Service port and the Route's target: one name for all three. */
export const WEB_PORT_NAME = "web";
/** The router timeout the old templates set (long report downloads). */
export const ROUTER_TIMEOUT = "90s";

export interface HttpProbe {
  readonly path: string;
  readonly initialDelaySeconds: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
}

export interface AppTierArgs {
  readonly names: ObjectNames;
  /** The environment tag the ImageChange trigger follows: `<stream>:<tag>` in `namespace` (tools). */
  readonly image: { readonly namespace: string; readonly stream: string; readonly tag: string };
  readonly port: number;
  readonly replicas: number;
  readonly resources: Resources;
  /** The kind of workload. */
  readonly workload: AppWorkload;
  /** The promoted commit the Deployment runs ("" before the first promotion). Unused by a DC (its trigger follows the tag). */
  readonly commit: string;
  /** Deployment only: an autoscaler from `replicas` to `autoscale.maxReplicas`. */
  readonly autoscale?: Autoscale;
  /** Deployment only: the emptyDir volumes (and env) the image needs under a read-only root. */
  readonly readOnlyRoot: ReadOnlyRoot;
  /** Route host. */
  readonly host: string;
  /**
   * Further Routes to this tier's Service for one path on another host: `/api` on the web client's
   * host reaches hcap-server, so the browser calls the API on its own origin.
   */
  readonly pathRoutes?: readonly PathRoute[];
  /** Container environment; secrets only through `valueFrom`. None for a static web server. */
  readonly env: readonly k8s.types.input.core.v1.EnvVar[];
  readonly readiness: HttpProbe;
  readonly liveness: HttpProbe;
  /** Holds liveness off until the app first answers (e.g. while start-up migrations run). */
  readonly startup?: HttpProbe;
  /** Which of the tier's objects the old templates made (components/adoption.ts). */
  readonly adoption: Adoption;
}

export interface PathRoute {
  /** Route name. */
  readonly name: string;
  readonly host: string;
  /** Path prefix the router sends to this tier. */
  readonly path: string;
}

/**
 * Rolling parameters as the server stores them. These are its defaults (OpenShift apps/v1
 * SetDefaults_RollingDeploymentStrategyParams), written out so the live object equals the program.
 */
export const ROLLING_PARAMS = {
  intervalSeconds: 1,
  updatePeriodSeconds: 1,
  timeoutSeconds: 600,
  maxSurge: "25%",
  maxUnavailable: "25%",
} as const;
/** The server's default deadline for one rollout (6 h), as the template had it. */
export const ROLLOUT_DEADLINE_SECONDS = 21600;
/** The apps.openshift.io/v1 default, written out. */
export const REVISION_HISTORY_LIMIT = 10;

function httpGet(probe: HttpProbe): k8s.types.input.core.v1.Probe {
  return {
    httpGet: { path: probe.path, port: WEB_PORT_NAME, scheme: "HTTP" },
    initialDelaySeconds: probe.initialDelaySeconds,
    periodSeconds: probe.periodSeconds,
    timeoutSeconds: probe.timeoutSeconds,
    successThreshold: 1,
    failureThreshold: probe.failureThreshold,
  };
}

/** The triggers, in the order the server returns them (as declared). Constant per tier. */
export function appTriggers(args: Pick<AppTierArgs, "names" | "image">): DeploymentTriggerPolicy[] {
  return [
    {
      type: "ImageChange",
      imageChangeParams: {
        automatic: true,
        containerNames: [args.names.name],
        from: { kind: "ImageStreamTag", name: `${args.image.stream}:${args.image.tag}`, namespace: args.image.namespace },
      },
    },
    { type: "ConfigChange" },
  ];
}

/** Seconds a new pod may take before it must be ready: the start-up probe's window, else the readiness delay. */
export function startupSeconds(args: Pick<AppTierArgs, "startup" | "readiness">): number {
  const p = args.startup ?? args.readiness;
  return p.initialDelaySeconds + p.periodSeconds * p.failureThreshold;
}

/** The container both kinds run (the DC adds nothing; the Deployment adds image and hardening). */
export function appContainer(args: AppTierArgs): AppContainer & { readonly name: string } {
  return {
    name: args.names.name,
    ports: [{ name: WEB_PORT_NAME, containerPort: args.port, protocol: "TCP" }],
    // An empty list is not stored (omitted on read), so it is not declared either.
    ...(args.env.length > 0 ? { env: [...args.env] } : {}),
    readinessProbe: httpGet(args.readiness),
    livenessProbe: httpGet(args.liveness),
    ...(args.startup ? { startupProbe: httpGet(args.startup) } : {}),
    resources: {
      requests: { cpu: args.resources.requests.cpu, memory: args.resources.requests.memory },
      limits: { cpu: args.resources.limits.cpu, memory: args.resources.limits.memory },
    },
  };
}

export function deploymentConfigObject(args: AppTierArgs): DeploymentConfig {
  const { names } = args;
  const { name, ...container } = appContainer(args);
  return {
    apiVersion: "apps.openshift.io/v1",
    kind: "DeploymentConfig",
    metadata: {
      name: names.name,
      labels: names.labels,
      // `spec.triggers` is an atomic list (no list-map keys in the API), and the trigger controller
      // writes `lastTriggeredImage` into it with an Update, which makes it the list's owner. Without
      // force, the next server-side apply of any DC change (replicas, env, resources) would stop on a
      // field-manager conflict. The list this program sends is constant, so forcing it only re-asserts it.
      annotations: { "pulumi.com/patchForce": "true" },
    },
    spec: {
      replicas: args.replicas,
      revisionHistoryLimit: REVISION_HISTORY_LIMIT,
      selector: names.selector,
      strategy: { type: "Rolling", rollingParams: ROLLING_PARAMS, activeDeadlineSeconds: ROLLOUT_DEADLINE_SECONDS },
      triggers: appTriggers(args),
      template: {
        metadata: { labels: names.podLabels },
        spec: {
          containers: [
            {
              name,
              // No `image`: the ImageChange trigger writes the resolved digest here.
              // IfNotPresent: the trigger always writes a digest, which never changes content.
              imagePullPolicy: "IfNotPresent",
              ...container,
            },
          ],
        },
      },
    },
  };
}

/**
 * The tier's Route on `host` (or, with `path`, for that path prefix only) to `service`, the Service's
 * name as its object hands it out (so Pulumi sees the Route's dependency on the Service).
 */
export function routeObject(args: Pick<AppTierArgs, "names" | "host">, service: pulumi.Input<string>, pathRoute?: PathRoute): Route {
  return {
    apiVersion: "route.openshift.io/v1",
    kind: "Route",
    metadata: {
      name: pathRoute?.name ?? args.names.name,
      labels: args.names.labels,
      annotations: { "haproxy.router.openshift.io/timeout": ROUTER_TIMEOUT },
    },
    spec: {
      host: pathRoute?.host ?? args.host,
      ...(pathRoute ? { path: pathRoute.path } : {}),
      to: { kind: "Service", name: service, weight: 100 },
      port: { targetPort: WEB_PORT_NAME },
      // TLS only: the router terminates TLS and redirects plain HTTP to HTTPS.
      tls: { termination: "edge", insecureEdgeTerminationPolicy: "Redirect" },
      wildcardPolicy: "None",
    },
  };
}

export class AppTier extends pulumi.ComponentResource {
  readonly serviceName: pulumi.Output<string>;

  constructor(name: string, args: AppTierArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hcap:app:AppTier", name, {}, opts);
    if (!Number.isInteger(args.replicas) || args.replicas < 0) {
      throw new Error(`AppTier ${name}: replicas must be a whole number of 0 or more (got ${args.replicas})`);
    }
    const { names } = args;
    for (const route of args.pathRoutes ?? []) {
      if (!route.path.startsWith("/") || route.path === "/") {
        throw new Error(`AppTier ${name}: route ${route.name} needs a path below "/" (got ${JSON.stringify(route.path)})`);
      }
    }
    const adopted = (kind: string, objectName: string = names.name) => adoptOptions(args.adoption, kind, objectName);
    const self = { parent: this };

    // The Service depends on the workload: on a fresh namespace it is created once the pods are ready.
    const workload =
      args.workload === "Deployment"
        ? declareAppDeployment(
            {
              names,
              image: args.image,
              commit: args.commit,
              replicas: args.replicas,
              autoscale: args.autoscale,
              resources: args.resources,
              readOnlyRoot: args.readOnlyRoot,
              startupSeconds: startupSeconds(args),
              container: appContainer(args),
              adoption: args.adoption,
            },
            self,
          )
        : openshiftObject(deploymentConfigObject(args), { ...self, ...adopted("DeploymentConfig"), ...formerly(`${names.name}-dc`) });
    const service = new k8s.core.v1.Service(
      names.name,
      {
        metadata: { name: names.name, labels: names.labels },
        spec: {
          type: "ClusterIP",
          // The workload's own selector: the Service can only ever reach these pods.
          selector: names.selector,
          // targetPort by number, never by name: the old pods' ports are unnamed (components/ports.ts).
          ports: [{ name: WEB_PORT_NAME, protocol: "TCP", port: args.port, targetPort: args.port }],
        },
      },
      { ...self, ...adopted("Service"), dependsOn: [workload], ignoreChanges: [...ASSIGNED_BY_CLUSTER.service] },
    );
    openshiftObject(routeObject(args, service.metadata.name), { ...self, ...adopted("Route"), ...formerly(`${names.name}-route`) });
    for (const route of args.pathRoutes ?? []) {
      openshiftObject(routeObject(args, service.metadata.name, route), {
        ...self,
        ...adopted("Route", route.name),
        ...formerly(`${route.name}-route`),
      });
    }

    this.serviceName = service.metadata.name;
    this.registerOutputs({ serviceName: this.serviceName });
  }
}
