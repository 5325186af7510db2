/**
 * The Patroni (Postgres HA) cluster of one environment, as the old `db-prep` + `db-create` made it:
 * the credentials Secret, Patroni's RBAC for its Kubernetes DCS, the StatefulSet, the Service on the
 * leader, plus a PodDisruptionBudget. It hands out a {@link DatabaseHandle}, so the server and the
 * backups never retype a Secret name, key or Service name.
 *
 * What Patroni writes at run time is never declared here, so Pulumi never fights it and a refresh of
 * a healthy cluster shows no change: the `<scope>-leader` / `<scope>-config` ConfigMaps (leader lock,
 * dynamic config, system id), the `role` label and the status annotations on each pod.
 *
 * Data safety, in layers:
 * 1. config validation refuses a volume size or storage class other than the one the StatefulSet
 *    was created with (`patroniVolumeLock`, config/index.ts) and says what to do instead;
 * 2. `ignoreChanges` on the volume claim template: the engine never diffs it, so it can never
 *    turn into a replace (and an adopted template's own spelling of it is kept as is);
 * 3. `protect` (config `protectStateful`) on the StatefulSet, Secret and passwords makes any delete or
 *    replace an error; `retainOnDelete` leaves them in the cluster if they leave the program;
 * 4. the volumes outlive the StatefulSet anyway (`persistentVolumeClaimRetentionPolicy: Retain`).
 * Selector and serviceName are immutable too; both come from names.ts and equal the live objects'.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Resources } from "../config";
import { adoptOptions, type Adoption } from "./adoption";
import type { DatabaseHandle } from "./database-handle";
import { PATRONI_SECRET_KEYS, type Labels, type PatroniNames, type PatroniSecretKey } from "./names";
import { PORTS } from "./ports";
import { ASSIGNED_BY_CLUSTER, statefulOptions } from "./safety";

type EnvVarSource = k8s.types.input.core.v1.EnvVarSource;

/** The database passwords, when supplied in config (adoption, `patroniPasswords: supplied`); absent: generated. */
export type SuppliedPasswords = Readonly<
  Partial<Record<"superuserPassword" | "replicationPassword" | "appPassword", pulumi.Output<string>>>
>;

export interface PatroniClusterArgs {
  readonly names: PatroniNames;
  /** The namespace of the RoleBinding's ServiceAccount subject (the stack's own). */
  readonly namespace: string;
  /** Full pull spec of the Patroni image through the internal registry. */
  readonly image: string;
  /** Members to run (the maintenance scale decides: components/maintenance.ts). */
  readonly replicas: number;
  readonly resources: Resources;
  /** The volume claim template, frozen once created. */
  readonly volume: { readonly size: string; readonly storageClass: string };
  readonly passwords: SuppliedPasswords;
  /** `protect` on the StatefulSet, its Secret and the generated passwords (config `protectStateful`). */
  readonly protect: boolean;
  readonly adoption: Adoption;
}

/** Role names Patroni bootstraps; the app user and database are named after the app. */
const SUPERUSER = "postgres";
const REPLICATION_USER = "replication";

/** Where the image keeps its data; the data directory lives below it. */
const DATA_MOUNT = "/home/postgres/pgdata";
/** The image's readiness check (asks the local Patroni REST API). */
const HEALTH_CHECK = "/usr/share/scripts/patroni/health_check.sh";

/** Name of the Postgres port on the container and the Service (the Service targets it by name). */
const POSTGRES_PORT_NAME = "postgresql";
const PATRONI_PORT_NAME = "patroni";

/**
 * Each password: the Secret key it fills, the config secret that supplies it (adoption), and the
 * length when generated. Alphanumeric, like the templates, so it survives any connection string.
 */
const PASSWORDS = [
  { key: "superuserPassword", id: "superuser-password", length: 32 },
  { key: "replicationPassword", id: "replication-password", length: 32 },
  { key: "appPassword", id: "app-password", length: 32 },
] as const satisfies readonly { key: PatroniSecretKey & keyof SuppliedPasswords; id: string; length: number }[];

/**
 * Every argument of a RandomPassword that would regenerate it if changed. Patroni reads passwords
 * only when it bootstraps the cluster: a new value in the Secret would not change the database's
 * passwords, it would silently break the app's logins and new replicas. So once generated, a
 * password never changes because the code changed.
 */
const RANDOM_PASSWORD_ARGS = [
  "length",
  "special",
  "upper",
  "lower",
  "numeric",
  "minUpper",
  "minLower",
  "minNumeric",
  "minSpecial",
  "overrideSpecial",
] as const;

/**
 * Seconds a member gets to stop. The templates used 0 (SIGKILL); a clean stop lets the leader hand
 * its last WAL to the replicas and release the leader lock, so a drain or rollout loses no commit
 * and fails over at once instead of after the lock's TTL.
 */
const TERMINATION_GRACE_SECONDS = 30;

/**
 * For what a running cluster needs besides its StatefulSet and Secret: its ServiceAccount, Role and
 * RoleBinding (Patroni's rights in its Kubernetes DCS) and its leader Service. If they leave the
 * program (an `appName` change, a refactor), the retained StatefulSet would otherwise lose its
 * leader lock rights and its Service and demote its leader; retained, the old database keeps running
 * (unmanaged) until someone moves its data and deletes it on purpose.
 */
const KEPT_WITH_THE_DATABASE: pulumi.CustomResourceOptions = { retainOnDelete: true };

export class PatroniCluster extends pulumi.ComponentResource implements DatabaseHandle {
  readonly serviceName: pulumi.Output<string>;
  /** Name of the credentials Secret (for `oc get secret`, never for env: use {@link secretKeyRef}). */
  readonly secretName: pulumi.Output<string>;
  readonly databaseName: string;
  readonly port: number = PORTS.postgres;
  readonly podSelector: Labels;
  readonly statefulSet: k8s.apps.v1.StatefulSet;
  private readonly secret: k8s.core.v1.Secret;

  constructor(name: string, args: PatroniClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hcap:database:PatroniCluster", name, {}, opts);
    const { names } = args;
    const self = { parent: this };
    const adopted = (kind: string): pulumi.CustomResourceOptions => adoptOptions(args.adoption, kind, names.name);

    this.databaseName = names.database;
    this.podSelector = names.selector;

    // --- credentials -----------------------------------------------------------------------
    const passwords = Object.fromEntries(
      PASSWORDS.map((p) => {
        const supplied = args.passwords[p.key];
        if (supplied !== undefined) return [p.key, supplied];
        const generated = new random.RandomPassword(
          `${names.name}-${p.id}`,
          {
            length: p.length,
            special: false,
            upper: true,
            lower: true,
            numeric: true,
          },
          { ...self, protect: args.protect, ignoreChanges: [...RANDOM_PASSWORD_ARGS] },
        );
        return [p.key, generated.result];
      }),
    ) as Record<(typeof PASSWORDS)[number]["key"], pulumi.Output<string>>;

    const secret = new k8s.core.v1.Secret(
      names.name,
      {
        metadata: { name: names.name, labels: names.labels },
        // Declared although it is the default: a Secret's type cannot change in place, and an adopted
        // Secret would otherwise read as "type removed" and be replaced.
        type: "Opaque",
        stringData: {
          [PATRONI_SECRET_KEYS.superuserUsername]: SUPERUSER,
          [PATRONI_SECRET_KEYS.superuserPassword]: passwords.superuserPassword,
          [PATRONI_SECRET_KEYS.replicationUsername]: REPLICATION_USER,
          [PATRONI_SECRET_KEYS.replicationPassword]: passwords.replicationPassword,
          [PATRONI_SECRET_KEYS.databaseName]: names.database,
          [PATRONI_SECRET_KEYS.appUsername]: names.database,
          [PATRONI_SECRET_KEYS.appPassword]: passwords.appPassword,
        },
      },
      {
        ...self,
        ...statefulOptions(args.protect),
        ...adopted("Secret"),
        // Written once, never again: Patroni reads the passwords only when it bootstraps the cluster, so
        // a new value here would not change the database's passwords, only break every login. Whatever
        // the config says later (secrets removed, generated <-> supplied), `pulumi up` keeps the live
        // values; a deliberate rotation is ALTER ROLE in the database plus `oc patch secret` (README: Database).
        ignoreChanges: ["stringData"],
      },
    );
    this.secret = secret;
    this.secretName = secret.metadata.name;

    // --- Patroni's identity: it keeps its leader lock and config in ConfigMaps and labels pods --
    const serviceAccount = new k8s.core.v1.ServiceAccount(
      names.name,
      {
        metadata: { name: names.name, labels: names.labels },
      },
      { ...self, ...adopted("ServiceAccount"), ...KEPT_WITH_THE_DATABASE },
    );
    const role = new k8s.rbac.v1.Role(
      names.name,
      {
        metadata: { name: names.name, labels: names.labels },
        rules: [
          {
            // deletecollection: `patronictl remove` deletes the cluster's ConfigMaps/Endpoints in one call
            // (zalando/patroni kubernetes/patroni_k8s.yaml: "required only for 'patronictl remove'").
            apiGroups: [""],
            resources: ["configmaps", "endpoints"],
            verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
          },
          { apiGroups: [""], resources: ["services"], verbs: ["create", "delete", "get", "list", "patch", "update", "watch"] },
          { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "patch", "update", "watch"] },
        ],
      },
      { ...self, ...adopted("Role"), ...KEPT_WITH_THE_DATABASE },
    );
    new k8s.rbac.v1.RoleBinding(
      names.name,
      {
        metadata: { name: names.name, labels: names.labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
        subjects: [{ kind: "ServiceAccount", name: serviceAccount.metadata.name, namespace: args.namespace }],
      },
      { ...self, ...adopted("RoleBinding"), ...KEPT_WITH_THE_DATABASE },
    );

    // --- the leader Service; it also governs the StatefulSet ------------------------------------
    // serviceName is immutable and the live StatefulSets name this Service, so it stays. Patroni
    // advertises pod IPs (POD_IP), so no member needs per-pod DNS and no headless Service is added.
    const leader = new k8s.core.v1.Service(
      names.name,
      {
        metadata: { name: names.name, labels: names.labels },
        spec: {
          type: "ClusterIP",
          selector: names.leaderSelector,
          // targetPort by number, never by name: the old pods' ports are unnamed (components/ports.ts).
          ports: [{ name: POSTGRES_PORT_NAME, port: PORTS.postgres, targetPort: PORTS.postgres, protocol: "TCP" }],
        },
      },
      { ...self, ...adopted("Service"), ...KEPT_WITH_THE_DATABASE, ignoreChanges: [...ASSIGNED_BY_CLUSTER.service] },
    );
    this.serviceName = leader.metadata.name;

    // --- the members --------------------------------------------------------------------------
    this.statefulSet = new k8s.apps.v1.StatefulSet(
      names.name,
      {
        metadata: { name: names.name, labels: names.labels },
        spec: patroniStatefulSetSpec({
          names,
          replicas: args.replicas,
          image: args.image,
          resources: args.resources,
          volume: args.volume,
          serviceName: leader.metadata.name,
          serviceAccountName: serviceAccount.metadata.name,
          secretKeyRef: (key) => this.secretKeyRef(key),
        }),
      },
      {
        ...self,
        ...statefulOptions(args.protect),
        ...adopted("StatefulSet"),
        ignoreChanges: ["spec.volumeClaimTemplates"],
      },
    );

    // A drain evicts one member at a time: never the leader and a replica together.
    new k8s.policy.v1.PodDisruptionBudget(
      names.name,
      {
        metadata: { name: names.name, labels: names.labels },
        spec: { maxUnavailable: 1, selector: { matchLabels: names.selector } },
      },
      { ...self, ...adopted("PodDisruptionBudget") },
    );

    this.registerOutputs({ serviceName: this.serviceName, secretName: this.secretName });
  }

  secretKeyRef(key: PatroniSecretKey): EnvVarSource {
    return { secretKeyRef: { name: this.secret.metadata.name, key: PATRONI_SECRET_KEYS[key] } };
  }
}

export interface PatroniStatefulSetInputs {
  readonly names: PatroniNames;
  readonly replicas: number;
  /** Full pull spec through the internal registry. */
  readonly image: string;
  readonly resources: Resources;
  /** The volume claim template, frozen once created. */
  readonly volume: { readonly size: string; readonly storageClass: string };
  readonly serviceName: pulumi.Input<string>;
  readonly serviceAccountName: pulumi.Input<string>;
  readonly secretKeyRef: (key: PatroniSecretKey) => EnvVarSource;
}

/** The StatefulSet spec, as the live template has it plus what the old one lacked. Pure. */
export function patroniStatefulSetSpec(p: PatroniStatefulSetInputs): k8s.types.input.apps.v1.StatefulSetSpec {
  const { names } = p;
  const fieldRef = (fieldPath: string): EnvVarSource => ({ fieldRef: { apiVersion: "v1", fieldPath } });
  return {
    replicas: p.replicas,
    selector: { matchLabels: names.selector },
    serviceName: p.serviceName,
    // Both are immutable for the provider (replace): the values the templates got by default.
    podManagementPolicy: "OrderedReady",
    revisionHistoryLimit: 10,
    updateStrategy: { type: "RollingUpdate" },
    // Volumes outlive the StatefulSet and scale-downs (the default, stated so no one flips it).
    persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
    template: {
      // No `role` label here: Patroni sets it on each pod at run time.
      metadata: { labels: names.podLabels },
      spec: {
        serviceAccountName: p.serviceAccountName,
        terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
        affinity: {
          podAntiAffinity: {
            // One member per node, or a node loss takes more than one copy of the data.
            requiredDuringSchedulingIgnoredDuringExecution: [
              {
                labelSelector: {
                  matchExpressions: Object.entries(names.selector).map(([key, value]) => ({ key, operator: "In", values: [value] })),
                },
                topologyKey: "kubernetes.io/hostname",
              },
            ],
          },
        },
        containers: [
          {
            name: "postgresql",
            image: p.image,
            // The tag is pulled by name; Always keeps every node on the image the tag points at.
            imagePullPolicy: "Always",
            env: [
              { name: "POD_IP", valueFrom: fieldRef("status.podIP") },
              { name: "PATRONI_KUBERNETES_NAMESPACE", valueFrom: fieldRef("metadata.namespace") },
              // Patroni labels its pods and ConfigMaps with these and finds its members by them.
              { name: "PATRONI_KUBERNETES_LABELS", value: JSON.stringify(names.clusterLabels) },
              { name: "PATRONI_SUPERUSER_USERNAME", valueFrom: p.secretKeyRef("superuserUsername") },
              { name: "PATRONI_SUPERUSER_PASSWORD", valueFrom: p.secretKeyRef("superuserPassword") },
              { name: "PATRONI_REPLICATION_USERNAME", valueFrom: p.secretKeyRef("replicationUsername") },
              { name: "PATRONI_REPLICATION_PASSWORD", valueFrom: p.secretKeyRef("replicationPassword") },
              // The image's post-bootstrap script creates this user and database.
              { name: "APP_USER", valueFrom: p.secretKeyRef("appUsername") },
              { name: "APP_PASSWORD", valueFrom: p.secretKeyRef("appPassword") },
              { name: "APP_DATABASE", valueFrom: p.secretKeyRef("databaseName") },
              { name: "PATRONI_SCOPE", value: names.scope },
              { name: "PATRONI_NAME", valueFrom: fieldRef("metadata.name") },
              { name: "PATRONI_LOG_LEVEL", value: "WARNING" },
              { name: "PATRONI_POSTGRESQL_DATA_DIR", value: `${DATA_MOUNT}/pgroot/data` },
              { name: "PATRONI_POSTGRESQL_PGPASS", value: "/tmp/pgpass" },
              { name: "PATRONI_POSTGRESQL_LISTEN", value: `0.0.0.0:${PORTS.postgres}` },
              { name: "PATRONI_RESTAPI_LISTEN", value: `0.0.0.0:${PORTS.patroniRest}` },
            ],
            ports: [
              { name: PATRONI_PORT_NAME, containerPort: PORTS.patroniRest, protocol: "TCP" },
              { name: POSTGRES_PORT_NAME, containerPort: PORTS.postgres, protocol: "TCP" },
            ],
            resources: p.resources,
            readinessProbe: {
              exec: { command: [HEALTH_CHECK] },
              initialDelaySeconds: 5,
              timeoutSeconds: 5,
              failureThreshold: 4,
            },
            volumeMounts: [{ name: names.volumeClaimTemplate, mountPath: DATA_MOUNT }],
          },
        ],
      },
    },
    volumeClaimTemplates: [patroniVolumeClaimTemplate(names, p.volume)],
  };
}

/**
 * The volume claim template exactly as the templates wrote it, the beta storage-class annotation
 * included, so an adopted StatefulSet's template is the one the program declares.
 */
export function patroniVolumeClaimTemplate(
  names: Pick<PatroniNames, "volumeClaimTemplate">,
  volume: { readonly size: string; readonly storageClass: string },
): k8s.types.input.core.v1.PersistentVolumeClaim {
  return {
    metadata: {
      name: names.volumeClaimTemplate,
      annotations: { "volume.beta.kubernetes.io/storage-class": volume.storageClass },
    },
    spec: {
      storageClassName: volume.storageClass,
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: volume.size } },
    },
  };
}
