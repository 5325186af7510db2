/**
 * What each stack declares. `index.ts` (a real `pulumi up`) and the offline render both call
 * {@link declareStack} with the parsed config, so both see the same program.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ENVIRONMENTS, type EnvConfig, type StackConfig, type ToolsConfig } from "./config";
import { AppImage } from "./components/app-image";
import { AppTier, type HttpProbe } from "./components/app-tier";
import type { DatabaseHandle } from "./components/database-handle";
import { ImagePullers } from "./components/image-pullers";
import { KeycloakSecret } from "./components/keycloak-secret";
import { workloadScale } from "./components/maintenance";
import { PATRONI_SECRET_KEYS, stackNames, type StackNames } from "./components/names";
import { NetworkPolicies } from "./components/network-policies";
import { PORTS } from "./components/ports";
import { serverEnv } from "./components/server-env";

export interface StackOutputs {
  readonly namespace: string;
}

/** The one Kubernetes provider of a stack: its namespace, never the ambient default. */
function stackProvider(cfg: StackConfig): k8s.Provider {
  return new k8s.Provider(cfg.namespace, {
    namespace: cfg.namespace,
    context: cfg.kube.context,
    kubeconfig: cfg.kube.kubeconfig,
    enableServerSideApply: true,
    // Secret data changes update in place instead of delete-and-recreate (no window without the Secret).
    enableSecretMutable: true,
  });
}

/**
 * WIRING POINT: the database handle built from names alone (Secret `<app>-patroni` with the keys of
 * PATRONI_SECRET_KEYS, leader Service `<app>-patroni`, database named after the app). The
 * PatroniCluster component replaces this with its own handle at integration, which also gives
 * Pulumi the dependency edge from the server to the database objects.
 */
function interimDatabaseHandle(names: StackNames): DatabaseHandle {
  return {
    secretKeyRef: (key) => ({ secretKeyRef: { name: names.patroni.name, key: PATRONI_SECRET_KEYS[key] } }),
    serviceName: pulumi.output(names.patroni.name),
    databaseName: names.appName,
    port: PORTS.postgres,
    podSelector: names.patroni.selector,
  };
}

/**
 * hcap-server probes. `/api/v1/version` answers without the database or Keycloak, so a database
 * failover does not restart the pods; the server listens only after its migrations ran, hence the
 * liveness grace.
 */
const SERVER_READINESS: HttpProbe = { path: "/api/v1/version", initialDelaySeconds: 15, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 };
const SERVER_LIVENESS: HttpProbe = { path: "/api/v1/version", initialDelaySeconds: 60, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 5 };

function requireSecret(cfg: EnvConfig, key: "keycloakApiSecret" | "keycloakSaUsername" | "keycloakSaPassword"): pulumi.Output<string> {
  const value = cfg.secrets[key];
  // Config parsing already rejects a missing required secret; this only narrows the type.
  if (value === undefined) throw new Error(`${cfg.stackFile}: hcap-infra:${key} is required`);
  return value;
}

function declareEnvironment(cfg: EnvConfig, opts: pulumi.ComponentResourceOptions): void {
  const names = stackNames(cfg.appName);
  const scale = workloadScale(cfg);
  const adoption = { adopt: cfg.adopt, namespace: cfg.namespace };
  const database = interimDatabaseHandle(names);

  new NetworkPolicies("network", {
    names,
    patroni: { selector: database.podSelector, ports: { postgres: database.port, rest: PORTS.patroniRest } },
    // hcap-server serves the API and the web client: the only pods behind a Route.
    routed: [{ selector: names.server.selector, port: PORTS.server }],
    databaseClients: [names.server.selector, names.backup.selector],
  }, opts);

  const keycloak = new KeycloakSecret("keycloak", {
    name: names.keycloakSecret,
    labels: names.common,
    appName: cfg.appName,
    realm: cfg.keycloak.realm,
    authUrl: cfg.keycloak.authUrl,
    apiSecret: requireSecret(cfg, "keycloakApiSecret"),
    serviceAccountUsername: requireSecret(cfg, "keycloakSaUsername"),
    serviceAccountPassword: requireSecret(cfg, "keycloakSaPassword"),
    adoption,
  }, opts);

  new AppTier("server", {
    names: names.server,
    image: { namespace: cfg.toolsNamespace, stream: names.images.server, tag: cfg.stack },
    port: PORTS.server,
    replicas: scale.serverReplicas,
    resources: cfg.server.resources,
    host: cfg.server.host,
    env: serverEnv(PORTS.server, database, keycloak),
    readiness: SERVER_READINESS,
    liveness: SERVER_LIVENESS,
    adoption,
  }, opts);
}

function declareTools(cfg: ToolsConfig, opts: pulumi.ComponentResourceOptions): void {
  const names = stackNames(cfg.appName);
  new NetworkPolicies("network", { names, routed: [], databaseClients: [] }, opts);

  // One image: the app repository's root Dockerfile builds the web client and copies it into the
  // server image, which serves it. There is no separate client image to build.
  new AppImage("server-image", {
    stream: names.images.server,
    labels: names.server.labels,
    git: cfg.git,
    promotions: cfg.promotions,
  }, opts);

  new ImagePullers("image-pullers", {
    name: `${cfg.appName}-image-pullers`,
    labels: names.common,
    namespaces: ENVIRONMENTS.map((env) => `${cfg.licencePlate}-${env}`),
  }, opts);
}

export function declareStack(cfg: StackConfig): StackOutputs {
  const provider = stackProvider(cfg);
  const opts: pulumi.ComponentResourceOptions = { providers: [provider] };
  if (cfg.role === "env") declareEnvironment(cfg, opts);
  else declareTools(cfg, opts);
  return { namespace: cfg.namespace };
}
