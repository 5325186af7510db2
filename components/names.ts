/**
 * Every object name, label and selector, derived in one place from the app name. Components never
 * type a name: they take the {@link ObjectNames} for their part. Names the old templates gave the
 * live objects (hcap-patroni, hcap-server, the `statefulset` selector label, ...) are kept, because
 * selectors and StatefulSet names cannot change in place and adoption imports objects by name.
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
  readonly keycloakSecret: string;
  /** The ConfigMap that marks an environment in restore maintenance; the pipelines look for it. */
  readonly maintenanceMarker: string;
  /**
   * Docker config Secret in tools with the namespace's Artifactory service account, made once by hand
   * (README): the client build pulls its Node base through Artifactory with it.
   */
  readonly buildPullSecret: string;
  /** ImageStream names in tools. */
  readonly images: { readonly server: string; readonly client: string; readonly patroni: string; readonly backup: string };
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
  return {
    appName,
    common: { app: appName, "app.kubernetes.io/part-of": appName, ...MANAGED_BY },
    patroni: {
      ...patroniBase,
      labels: { ...patroniBase.labels, ...clusterLabels },
      podLabels: { ...patroniSelector, ...clusterLabels, app: appName },
      scope: patroniName,
      clusterLabels,
      leaderSelector: { ...clusterLabels, role: "master" },
      volumeClaimTemplate: PATRONI_VOLUME_CLAIM_TEMPLATE,
    },
    server: part(appName, serverName, "api", { name: serverName }),
    client: part(appName, clientName, "web", { name: clientName }),
    clientApiRoute: `${clientName}-api`,
    backup: {
      ...part(appName, backupName, "backup", { cronjob: backupName }),
      dataVolume: `${backupName}-data`,
      verificationVolume: `${backupName}-verification`,
      config: `${backupName}-config`,
      verifyJob: `${backupName}-verify`,
      restoreTool: `${backupName}-restore`,
      restoreToolSelector: { deployment: `${backupName}-restore` },
    },
    keycloakSecret: `${appName}-keycloak`,
    maintenanceMarker: `${appName}-maintenance`,
    buildPullSecret: `${appName}-artifactory-pull`,
    images: { server: serverName, client: clientName, patroni: patroniName, backup: backupName },
    imagePullerBinding: (namespace) => `${appName}-image-puller-${namespace}`,
  };
}

/** The cluster's internal image registry, as pods address it. */
export const INTERNAL_REGISTRY = "image-registry.openshift-image-registry.svc:5000";

/** The internal-registry reference of an image-stream tag in another namespace. */
export function internalImage(namespace: string, stream: string, tag: string): string {
  return `${INTERNAL_REGISTRY}/${namespace}/${stream}:${tag}`;
}
