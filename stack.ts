/**
 * What each stack declares. `index.ts` (a real `pulumi up`) and the offline render both call
 * {@link declareStack} with the parsed config, so both see the same program.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ENVIRONMENTS, namespaceFor, type Autoscale, type EnvConfig, type StackConfig, type ToolsConfig } from "./config";
import { stackAdoption } from "./components/adoption";
import { AppImage } from "./components/app-image";
import type { ReadOnlyRoot } from "./components/app-deployment";
import { AppTier, type HttpProbe } from "./components/app-tier";
import { CLIENT_CONTEXT_DIR, clientDockerfile } from "./components/client-dockerfile";
import { BackupImage } from "./components/backup-image";
import { DatabaseBackup } from "./components/database-backup";
import { ImagePullGrants } from "./components/image-pull-grants";
import { KeycloakSecret } from "./components/keycloak-secret";
import { workloadScale } from "./components/maintenance";
import { MaintenanceMarker } from "./components/maintenance-marker";
import { internalImage, stackNames } from "./components/names";
import { environmentTagHooks } from "./components/openshift/tag-source-check";
import { NetworkPolicies } from "./components/network-policies";
import { PatroniCluster } from "./components/patroni-cluster";
import { PatroniImage } from "./components/patroni-image";
import { PORTS } from "./components/ports";
import { serverEnv } from "./components/server-env";
import { envOutputs, toolsOutputs, type StackOutputs } from "./stack-outputs";

/** The one Kubernetes provider of a stack: its namespace, never the ambient default. */
function stackProvider(cfg: StackConfig): k8s.Provider {
  return new k8s.Provider(cfg.namespace, {
    namespace: cfg.namespace,
    context: cfg.kube.context,
    kubeconfig: cfg.kube.kubeconfig,
    enableServerSideApply: true,
    // Secret and ConfigMap data changes update in place instead of delete-and-recreate (no window
    // without the object, and an adopted ConfigMap whose content changes is not replaced).
    enableSecretMutable: true,
    enableConfigMapMutable: true,
    // Adoption only: the old objects' fields belong to `oc`/kubectl client-side apply, so the first
    // server-side apply must take them over. Off again once `adopt` is removed.
    enablePatchForce: cfg.adopt,
  });
}

/**
 * The provider of the environment ImageStreamTags (`hcap-server:dev`, ...) only: the same cluster and
 * namespace, but client-side updates (a JSON merge patch) instead of server-side apply.
 *
 * openshift-apiserver updates an ImageStreamTag by patching a synthetic old object built without
 * managedFields (pkg/image/apiserver/registry/imagestreamtag/rest.go `update`, newISTag) and then
 * rejects any change outside `tag` and the annotations (pkg/image/apis/image/validation/validation.go
 * ValidateImageStreamTagUpdateWithWhitelister: "may not update fields other than
 * metadata.annotations"). A server-side apply records managedFields on that object
 * (k8s.io/apimachinery managedfields/internal/skipnonapplied.go `Apply`), so every apply that moves a
 * tag fails with 422; an Update/merge patch of an object without managedFields is not tracked
 * (skipnonapplied.go `Update`) and passes. pulumi-kubernetes sends a JSON merge patch when
 * `enableServerSideApply` is false (provider/pkg/await/await.go `csaUpdate`) and a plain POST on
 * create (`Creation`). Owning the tags as `spec.tags` entries of the ImageStream instead would make
 * every preview show a change: the provider prunes live lists by position
 * (provider/pkg/provider/util.go `pruneSlice`), and the API server returns `spec.tags` sorted by name
 * (openshift-apiserver pkg/image/apis/image/v1/conversion.go), with CI's `<sha>` tags in between.
 */
function imageTagProvider(cfg: ToolsConfig): k8s.Provider {
  return new k8s.Provider(`${cfg.namespace}-image-tags`, {
    namespace: cfg.namespace,
    context: cfg.kube.context,
    kubeconfig: cfg.kube.kubeconfig,
    enableServerSideApply: false,
  });
}

/**
 * hcap-server probes. `/api/v1/version` answers without the database or Keycloak, so a database
 * failover does not restart the pods; the server listens only after its migrations ran, hence the
 * liveness grace.
 */
const SERVER_READINESS: HttpProbe = {
  path: "/api/v1/version",
  initialDelaySeconds: 15,
  periodSeconds: 10,
  timeoutSeconds: 3,
  failureThreshold: 3,
};
const SERVER_LIVENESS: HttpProbe = {
  path: "/api/v1/version",
  initialDelaySeconds: 60,
  periodSeconds: 15,
  timeoutSeconds: 5,
  failureThreshold: 5,
};
/**
 * The server listens only after connecting to the database, reading Keycloak and running its
 * migrations: give that up to 20 minutes before liveness may restart it (a restart mid-migration
 * leaves it half applied).
 */
const SERVER_STARTUP: HttpProbe = {
  path: "/api/v1/version",
  initialDelaySeconds: 15,
  periodSeconds: 10,
  timeoutSeconds: 3,
  failureThreshold: 120,
};

/** hcap-client probes: nginx answers `/` with the built index.html as soon as it starts. */
const CLIENT_READINESS: HttpProbe = { path: "/", initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 };
const CLIENT_LIVENESS: HttpProbe = { path: "/", initialDelaySeconds: 15, periodSeconds: 20, timeoutSeconds: 3, failureThreshold: 3 };

/**
 * What each image writes under a read-only root file system (Deployment only).
 * hcap-server (node, started with `npm run start`): temporary files (uploads) under /tmp, and npm's
 * cache and logs, pointed there too (the arbitrary UID has no writable home).
 */
const SERVER_READ_ONLY_ROOT: ReadOnlyRoot = {
  writable: [{ volume: "tmp", mountPath: "/tmp" }],
  env: [{ name: "NPM_CONFIG_CACHE", value: "/tmp/.npm" }],
};
/**
 * hcap-client (UBI nginx 1.26, sclorg/nginx-container `1.26/Dockerfile.rhel9`, `s2i/bin/run`): the
 * image makes /var/lib/nginx (temp files), /var/log/nginx (its run script links the logs to
 * stdout/stderr there, under `set -e`) and /run (nginx.pid) writable; everything else is read-only.
 * Its nss_wrapper passwd file (/opt/app-root/etc) is written before `set -e` and is optional for a
 * non-root nginx, so it is not mounted over (that folder holds the server-block snippet).
 */
const CLIENT_READ_ONLY_ROOT: ReadOnlyRoot = {
  writable: [
    { volume: "nginx-tmp", mountPath: "/var/lib/nginx/tmp" },
    { volume: "nginx-log", mountPath: "/var/log/nginx" },
    { volume: "run", mountPath: "/run" },
  ],
};

/** The API's path prefix on the client's host (the server's routes live under `/api/v1`). */
const API_PATH = "/api";

/** A tier's autoscaler, if configured (`<tier>AutoscaleMaxReplicas: 0` means none). */
function autoscaler(tier: EnvConfig["server"]): Autoscale | undefined {
  return tier.autoscale.maxReplicas > 0 ? tier.autoscale : undefined;
}

function declareEnvironment(cfg: EnvConfig, opts: pulumi.ComponentResourceOptions): void {
  const names = stackNames(cfg.appName);
  // The maintenance scale and adoption, each decided once for the whole stack and passed as values.
  const scale = workloadScale(cfg);
  const adoption = stackAdoption({ adopt: cfg.adopt, namespace: cfg.namespace, names, role: "env" });
  const database = new PatroniCluster(
    "database",
    {
      names: names.patroni,
      namespace: cfg.namespace,
      image: internalImage(cfg.toolsNamespace, names.images.patroni, cfg.patroniImageTag),
      replicas: scale.patroniReplicas,
      resources: cfg.patroni.resources,
      volume: { size: cfg.patroni.volumeSize, storageClass: cfg.patroni.storageClass },
      passwords: {
        superuserPassword: cfg.secrets.patroniSuperuserPassword,
        replicationPassword: cfg.secrets.patroniReplicationPassword,
        appPassword: cfg.secrets.patroniAppPassword,
      },
      protect: cfg.protectStateful,
      adoption,
    },
    opts,
  );
  if (cfg.maintenance === "restore") {
    new MaintenanceMarker(
      "maintenance",
      {
        names: { name: names.maintenanceMarker, labels: names.common },
        namespace: cfg.namespace,
        mode: "restore",
        adoption,
      },
      opts,
    );
  }

  new NetworkPolicies(
    "network",
    {
      names: names.networkPolicies,
      patroni: { selector: database.podSelector, ports: { postgres: database.port, rest: PORTS.patroniRest } },
      // The pods behind Routes: hcap-server (its own host, and /api on the client's) and hcap-client.
      routed: [
        { policy: names.networkPolicies.routerTo.server, selector: names.server.selector, port: PORTS.server },
        { policy: names.networkPolicies.routerTo.client, selector: names.client.selector, port: PORTS.client },
      ],
      databaseClients: [names.server.selector, names.backup.selector],
      adoption,
    },
    opts,
  );

  const keycloak = new KeycloakSecret(
    "keycloak",
    {
      names: names.keycloak,
      realm: cfg.keycloak.realm,
      authUrl: cfg.keycloak.authUrl,
      apiSecret: cfg.secrets.keycloakApiSecret,
      serviceAccountUsername: cfg.secrets.keycloakSaUsername,
      serviceAccountPassword: cfg.secrets.keycloakSaPassword,
      adoption,
    },
    opts,
  );

  new AppTier(
    "server",
    {
      names: names.server,
      image: { namespace: cfg.toolsNamespace, stream: names.images.server, tag: cfg.stack },
      port: PORTS.server,
      replicas: scale.serverReplicas,
      autoscale: autoscaler(cfg.server),
      workload: cfg.workload,
      commit: cfg.commit,
      readOnlyRoot: SERVER_READ_ONLY_ROOT,
      resources: cfg.server.resources,
      host: cfg.server.host,
      pathRoutes: [{ name: names.clientApiRoute, host: cfg.client.host, path: API_PATH }],
      env: serverEnv(PORTS.server, database, keycloak),
      readiness: SERVER_READINESS,
      liveness: SERVER_LIVENESS,
      startup: SERVER_STARTUP,
      adoption,
    },
    opts,
  );

  // A static build: no database, no Keycloak secret (the client asks the API for its Keycloak settings).
  new AppTier(
    "client",
    {
      names: names.client,
      image: { namespace: cfg.toolsNamespace, stream: names.images.client, tag: cfg.stack },
      port: PORTS.client,
      replicas: scale.clientReplicas,
      autoscale: autoscaler(cfg.client),
      workload: cfg.workload,
      commit: cfg.commit,
      readOnlyRoot: CLIENT_READ_ONLY_ROOT,
      resources: cfg.client.resources,
      host: cfg.client.host,
      env: [],
      readiness: CLIENT_READINESS,
      liveness: CLIENT_LIVENESS,
      adoption,
    },
    opts,
  );

  new DatabaseBackup(
    "backup",
    {
      names: names.backup,
      database,
      image: internalImage(cfg.toolsNamespace, names.images.backup, cfg.backupImageRef),
      backup: cfg.backup,
      scale,
      environment: { name: cfg.namespace, friendlyName: `${cfg.appName} (${cfg.stack})` },
      protect: cfg.protectStateful,
      adoption,
    },
    opts,
  );
}

function declareTools(cfg: ToolsConfig, opts: pulumi.ComponentResourceOptions): void {
  const names = stackNames(cfg.appName);
  const adoption = stackAdoption({ adopt: cfg.adopt, namespace: cfg.namespace, names, role: "tools" });
  const tagProvider = imageTagProvider(cfg);
  // A tag is created or moved only to a source tag that has an image: one without would answer 404 and
  // vanish from state (components/openshift/tag-source-check.ts).
  const tagHooks = environmentTagHooks({ namespace: cfg.namespace, ...cfg.kube });
  new NetworkPolicies("network", { names: names.networkPolicies, routed: [], databaseClients: [], adoption }, opts);

  // The server from the repository's root Dockerfile (which also bundles the client build, unused
  // here: the client tier serves it); the client from its folder with the inline Dockerfile.
  new AppImage(
    "server-image",
    {
      names: names.imageStreams.server,
      git: cfg.git,
      promotions: cfg.promotions,
      tagProvider,
      tagHooks,
      adoption,
    },
    opts,
  );
  // Both images are promoted together: one commit per environment, so the client and the API an
  // environment runs always come from the same commit.
  new AppImage(
    "client-image",
    {
      names: names.imageStreams.client,
      git: cfg.git,
      contextDir: CLIENT_CONTEXT_DIR,
      dockerfile: clientDockerfile(),
      pullSecret: names.buildPullSecret,
      promotions: cfg.promotions,
      tagProvider,
      tagHooks,
      adoption,
    },
    opts,
  );

  new PatroniImage(
    "patroni-image",
    { names: names.imageStreams.patroni, sourceImage: cfg.patroniSourceImage, tag: cfg.patroniImageTag, adoption },
    opts,
  );
  // One grant per environment covers every image in tools (server, client, Patroni, backup).
  new ImagePullGrants(
    "image-pull-grants",
    {
      grants: ENVIRONMENTS.map((env) => {
        const namespace = namespaceFor(cfg.licencePlate, env);
        return { name: names.imagePullerBinding(namespace), namespace };
      }),
      labels: names.common,
      adoption,
    },
    opts,
  );

  new BackupImage(
    "backup-image",
    {
      names: names.imageStreams.backup,
      release: cfg.backupImageRef,
      baseImage: cfg.backupBaseImage,
      adoption,
    },
    opts,
  );
}

export function declareStack(cfg: StackConfig): StackOutputs {
  const provider = stackProvider(cfg);
  const opts: pulumi.ComponentResourceOptions = { providers: [provider] };
  if (cfg.role === "env") {
    declareEnvironment(cfg, opts);
    return envOutputs(cfg);
  }
  declareTools(cfg, opts);
  return toolsOutputs(cfg);
}
