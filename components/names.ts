/**
 * Every object name, label and selector, derived in one place from the app name. Components never
 * type a name: they take the {@link ObjectNames} for their part. Names the old templates gave the
 * live objects (hcap-patroni, hcap-server, the `statefulset` selector label, ...) are kept, because
 * selectors and StatefulSet names cannot change in place and adoption imports objects by name.
 *
 * Logical names (the last part of a Pulumi URN) follow one rule: a Kubernetes object's logical name is
 * its `metadata.name`. The URN carries the type too, so a Service, a Route and a Deployment may share
 * a name. A resource that is not a Kubernetes object is named `<object it serves>-<role>` (the
 * generated passwords: `hcap-patroni-app-password`). A rename keeps the old name as an alias
 * (components/safety.ts `formerly`), so Pulumi moves the state instead of replacing the object.
 */

import { PATRONI_VOLUME_CLAIM_TEMPLATE, patroniName as patroniNameOf } from "../config/database-names";

export type Labels = Readonly<Record<string, string>>;

export interface ObjectNames {
  /** `metadata.name` of the part's main objects. */
  readonly name: string;
  /** Labels on every object of the part (a superset of `selector`). */
  readonly labels: Labels;
  /** Pod labels the part's workload selects on; a subset of `podLabels`. */
  readonly selector: Labels;
  /** Labels of the part's pod template. */
  readonly podLabels: Labels;
}

export interface PatroniNames extends ObjectNames {
  /** Patroni's scope (cluster name); it names Patroni's own `<scope>-leader`/`-config` ConfigMaps. */
  readonly scope: string;
  /** Labels Patroni puts on every member and reads back (`PATRONI_KUBERNETES_LABELS`). */
  readonly clusterLabels: Labels;
  /** Selects the current leader: Patroni labels it `role: master` at run time. */
  readonly leaderSelector: Labels;
  /** Name of the volume claim template (data volumes are `<vct>-<name>-<ordinal>`). */
  readonly volumeClaimTemplate: string;
  /** The application's database and the role that owns it (the templates named both after the app). */
  readonly database: string;
}

/** A named object with its labels: a Secret, an image stream, a marker. */
export interface NamedObject {
  readonly name: string;
  readonly labels: Labels;
}

/** The Keycloak Secret and the client ids the templates derived from the app name. */
export interface KeycloakNames extends NamedObject {
  readonly clientIds: { readonly frontend: string; readonly api: string };
}

/** Our NetworkPolicies (the platform's own default policy is never declared). */
export interface NetworkPolicyNames {
  readonly labels: Labels;
  readonly denyByDefault: string;
  /** Router → the pods behind a tier's Routes. */
  readonly routerTo: { readonly server: string; readonly client: string };
  readonly databaseClientsToPatroni: string;
  readonly patroniCluster: string;
}

/**
 * Keys of the Patroni credentials Secret (`<app>-patroni`), as the old `patroni.prep.yml` wrote them
 * and the live Secrets hold them. Consumers reference keys through this map, never by string.
 */
export const PATRONI_SECRET_KEYS = {
  superuserUsername: "superuser-username",
  superuserPassword: "superuser-password",
  replicationUsername: "replication-username",
  replicationPassword: "replication-password",
  databaseName: "db-name",
  appUsername: "db-username",
  appPassword: "db-password",
} as const;
export type PatroniSecretKey = keyof typeof PATRONI_SECRET_KEYS;

/** Keys of the Keycloak Secret (`<app>-keycloak`), as `keycloak.prep.yml` wrote them. */
export const KEYCLOAK_SECRET_KEYS = {
  realm: "realm",
  authUrl: "auth-url",
  frontendClientId: "fe-client-id",
  apiClientId: "be-client-id",
  apiSecret: "api-secret",
  serviceAccountUsername: "sa-username",
  serviceAccountPassword: "sa-password",
} as const;
export type KeycloakSecretKey = keyof typeof KEYCLOAK_SECRET_KEYS;

/** The backup CronJobs and what they use. The volume and ConfigMap names are the old `backup.dc.yml`'s (`${NAME}-data`, ...). */
export interface BackupNames extends ObjectNames {
  /** The backup volume claim (netapp-file-backup). */
  readonly dataVolume: string;
  /** Scratch volume the verification restores into. */
  readonly verificationVolume: string;
  /** ConfigMap with backup.conf and the retention settings. */
  readonly config: string;
  /** CronJob that verifies the latest backup. */
  readonly verifyJob: string;
  /** Deployment (0 replicas except during a restore) the operator runs backup.sh -r in. */
  readonly restoreTool: string;
  /** Selector of the restore tool's pods (distinct from the CronJob pods' labels). */
  readonly restoreToolSelector: Labels;
}

export interface StackNames {
  readonly appName: string;
  /** Labels every object carries. */
  readonly common: Labels;
  readonly patroni: PatroniNames;
  readonly server: ObjectNames;
  /** hcap-client: the static web client (nginx). */
  readonly client: ObjectNames;
  /** The Route that sends `/api` on the client's host to hcap-server (the browser stays same-origin). */
  readonly clientApiRoute: string;
  readonly backup: BackupNames;
  readonly keycloak: KeycloakNames;
  readonly networkPolicies: NetworkPolicyNames;
  /** The ConfigMap that marks an environment in restore maintenance; the pipelines look for it. */
  readonly maintenanceMarker: string;
  /**
   * Docker config Secret in tools with the namespace's Artifactory service account, made once by hand
   * (README): the client build pulls its Node base through Artifactory with it.
   */
  readonly buildPullSecret: string;
  /** ImageStream names in tools. */
  readonly images: { readonly server: string; readonly client: string; readonly patroni: string; readonly backup: string };
  /** The ImageStreams (and their BuildConfigs) in tools, with their labels. */
  readonly imageStreams: {
    readonly server: NamedObject;
    readonly client: NamedObject;
    readonly patroni: NamedObject;
    readonly backup: NamedObject;
  };
  /**
   * Our RoleBinding in tools letting the service accounts of `namespace` pull images. OpenShift
   * auto-manages `system:image-pullers` bindings, so ours carry our own name.
   */
  readonly imagePullerBinding: (namespace: string) => string;
}

export const MANAGED_BY = { "app.kubernetes.io/managed-by": "pulumi" } as const;

function part(appName: string, name: string, component: string, selector: Labels): ObjectNames {
  const labels = {
    app: appName,
    "app.kubernetes.io/part-of": appName,
    "app.kubernetes.io/component": component,
    ...MANAGED_BY,
  };
  return { name, labels: { ...labels, ...selector }, selector, podLabels: { ...selector, app: appName } };
}

/** All names of one stack. Pure: the same app name always gives the same names. */
export function stackNames(appName: string): StackNames {
  const patroniName = patroniNameOf(appName);
  const clusterLabels = { "cluster-name": patroniName, "app.kubernetes.io/name": "patroni" };
  const patroniSelector = { statefulset: patroniName };
  const patroniBase = part(appName, patroniName, "database", patroniSelector);
  const serverName = `${appName}-server`;
  const clientName = `${appName}-client`;
  const backupName = `${appName}-backup`;
  const common = { app: appName, "app.kubernetes.io/part-of": appName, ...MANAGED_BY };
  const server = part(appName, serverName, "api", { name: serverName });
  const client = part(appName, clientName, "web", { name: clientName });
  const backup = part(appName, backupName, "backup", { cronjob: backupName });
  return {
    appName,
    common,
    patroni: {
      ...patroniBase,
      labels: { ...patroniBase.labels, ...clusterLabels },
      podLabels: { ...patroniSelector, ...clusterLabels, app: appName },
      scope: patroniName,
      clusterLabels,
      leaderSelector: { ...clusterLabels, role: "master" },
      volumeClaimTemplate: PATRONI_VOLUME_CLAIM_TEMPLATE,
      database: appName,
    },
    server,
    client,
    clientApiRoute: `${clientName}-api`,
    backup: {
      ...backup,
      dataVolume: `${backupName}-data`,
      verificationVolume: `${backupName}-verification`,
      config: `${backupName}-config`,
      verifyJob: `${backupName}-verify`,
      restoreTool: `${backupName}-restore`,
      restoreToolSelector: { deployment: `${backupName}-restore` },
    },
    // Client ids as the old keycloak.prep.yml derived them.
    keycloak: { name: `${appName}-keycloak`, labels: common, clientIds: { frontend: `${appName}-fe`, api: `${appName}-api` } },
    networkPolicies: {
      labels: common,
      denyByDefault: `${appName}-deny-by-default`,
      routerTo: { server: `${appName}-allow-router-to-${serverName}`, client: `${appName}-allow-router-to-${clientName}` },
      databaseClientsToPatroni: `${appName}-allow-db-clients-to-patroni`,
      patroniCluster: `${appName}-allow-patroni-cluster`,
    },
    maintenanceMarker: `${appName}-maintenance`,
    buildPullSecret: `${appName}-artifactory-pull`,
    images: { server: serverName, client: clientName, patroni: patroniName, backup: backupName },
    imageStreams: {
      server: { name: serverName, labels: server.labels },
      client: { name: clientName, labels: client.labels },
      patroni: { name: patroniName, labels: { ...common, "app.kubernetes.io/component": "database" } },
      // The backup CronJobs' labels, as the image's objects always carried them.
      backup: { name: backupName, labels: backup.labels },
    },
    imagePullerBinding: (namespace) => `${appName}-image-puller-${namespace}`,
  };
}

/** The cluster's internal image registry, as pods address it. */
export const INTERNAL_REGISTRY = "image-registry.openshift-image-registry.svc:5000";

/** The internal-registry reference of an image-stream tag in another namespace. */
export function internalImage(namespace: string, stream: string, tag: string): string {
  return `${INTERNAL_REGISTRY}/${namespace}/${stream}:${tag}`;
}
