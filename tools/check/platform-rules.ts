/**
 * What OpenShift, its controllers, the pulumi-kubernetes provider and the images do on a real cluster
 * that the offline render cannot show: the rules the program depends on, each with the upstream file
 * that makes it true. Data only; `test/platform-rules.test.ts` enforces each rule over the render or
 * the adoption fixtures, so a change that breaks one fails `npm test`.
 *
 * Upstream snapshots read: openshift/openshift-apiserver 56aa2d9, openshift/api 2a3d739,
 * openshift/openshift-controller-manager 26d20fe, pulumi/pulumi-kubernetes 9497796, pulumi/pulumi 1b59498,
 * bcgov/backup-container 2.13.0, sclorg/postgresql-container 134bb39,
 * bcgov/patroni-postgres-container de9088b, zalando/patroni v2.0.1.
 */

export interface PlatformRule {
  /** The rule as the platform applies it. */
  readonly rule: string;
  /** What goes wrong on a real cluster when the program breaks it. */
  readonly breaks: string;
  /** Upstream file(s) the rule comes from. */
  readonly source: string;
}

export const PLATFORM_RULES = {
  "istag-update-not-applied": {
    rule:
      "An ImageStreamTag update may change only `tag` and the annotations; a server-side apply adds managedFields to the " +
      "synthetic old object, so it is rejected. Environment tags are moved with a merge patch (a provider without SSA).",
    breaks: 'every promotion after the first: 422 "may not update fields other than metadata.annotations" in preview and up',
    source:
      "openshift/openshift-apiserver pkg/image/apiserver/registry/imagestreamtag/rest.go (update, newISTag); " +
      "pkg/image/apis/image/validation/validation.go (ValidateImageStreamTagUpdateWithWhitelister); " +
      "vendor/k8s.io/apimachinery/pkg/util/managedfields/internal/skipnonapplied.go; " +
      "pulumi/pulumi-kubernetes provider/pkg/await/await.go (ssaUpdate, csaUpdate)",
  },
  "imagestream-tags-not-declared": {
    rule:
      "The app ImageStreams declare no `spec.tags`: the server returns them sorted by name with CI's `<sha>` tags among " +
      "them, and the provider compares live lists by position, so declared entries would differ on every preview.",
    breaks: "a perpetual diff on the ImageStreams (drift workflow always red), and an apply that claims CI's tags",
    source:
      "openshift/openshift-apiserver pkg/image/apis/image/v1/conversion.go (Convert_image_TagReferenceMap_to_v1_TagReferenceArray); " +
      "pulumi/pulumi-kubernetes provider/pkg/provider/util.go (pruneSlice), provider.go (Diff: pruneLiveState)",
  },
  "patroni-2-labels": {
    rule:
      "The Patroni image is a tag upstream publishes (`2.0.1-12.4-latest`); Patroni 2.x labels the leader `role: master` " +
      "and lists healthy replicas as State `running`, which the leader Service selector and health_check.sh expect.",
    breaks:
      "an unpublished tag never imports (StatefulSet pods never pull); Patroni 3 (`primary`, `streaming`) empties the " +
      "leader Service and fails every replica's readiness",
    source:
      "bcgov/patroni-postgres-container README.md (Tags), RELEASE.md, contrib/root/usr/share/scripts/patroni/health_check.sh; " +
      "zalando/patroni v2.0.1 patroni/dcs/kubernetes.py (touch_member), patroni/api.py",
  },
  "configchange-builds-once": {
    rule:
      "A BuildConfig's ConfigChange trigger starts a build only when the BuildConfig is created (status.lastVersion == 0); " +
      "every BuildConfig whose output the environments run is built by the deploy workflow.",
    breaks:
      "a new backupImageRef/backupBaseImage or an adopted hcap-backup BuildConfig never builds hcap-backup:<release>: " +
      "every backup CronJob in ImagePullBackOff, silently",
    source:
      "openshift/openshift-controller-manager pkg/build/controller/buildconfig/buildconfig_controller.go (handleBuildConfig); " +
      "openshift/api build/v1/types.go (ConfigChangeBuildTriggerType)",
  },
  "backup-verify-user": {
    rule:
      "Verification starts its scratch server as POSTGRESQL_USER=DATABASE_USER; sclorg's run-postgresql runs " +
      "`createuser $POSTGRESQL_USER` under `set -e`, so DATABASE_USER must not be `postgres`. Backups and verification " +
      "use the application role; only the restore tool gets the superuser.",
    breaks: "the scratch server never starts: every verification fails after DATABASE_SERVER_TIMEOUT",
    source:
      "bcgov/backup-container 2.13.0 docker/backup.postgres.plugin (onStartServer), docker/backup.config.utils " +
      "(getUsername); sclorg/postgresql-container 12/root/usr/bin/run-postgresql, " +
      "12/root/usr/share/container-scripts/postgresql/common.sh (create_users)",
  },
  "backup-role-tail": {
    rule:
      "Every backup file ends with `pg_dumpall --roles-only` whose `CREATE ROLE hcap;` survives the plug-in's sed; " +
      "restores run psql with ON_ERROR_STOP=1, so anything restored where the roles exist uses a copy without the " +
      "role statements after pg_dump's closing line.",
    breaks: 'verification and `backup.sh -r` stop with "Restore failed" after the data is in',
    source: "bcgov/backup-container 2.13.0 docker/backup.postgres.plugin (onBackupDatabase, onRestoreDatabase)",
  },
  "service-target-port-resolves": {
    rule:
      "A Service's string targetPort is looked up by name in each selected pod's container ports; the pods the old " +
      "templates made have unnamed ports, so every Service's targetPort must resolve in the live (adopted) pods and in " +
      "the new ones: a port number.",
    breaks:
      "from the adopting up until every old pod is replaced, hcap-patroni has no endpoints (the app cannot reach " +
      "Postgres during the Patroni rolling restart) and the hcap-server Route answers 503",
    source:
      "openshift/api openapi/openapi.json (io.k8s.api.core.v1.ServicePort.targetPort); kubernetes " +
      "pkg/controller/endpointslice (FindPort via podutil)",
  },
  "patroni-role-deletecollection": {
    rule: "Patroni's Role grants delete and deletecollection on its ConfigMaps and Endpoints (`patronictl remove`).",
    breaks: "`patronictl remove` (wiping a broken cluster's state before a rebuild) fails with 403",
    source: "zalando/patroni kubernetes/patroni_k8s.yaml (Role: \"required only for 'patronictl remove'\")",
  },
  "base-images-not-docker-hub": {
    rule:
      "Build base images never come straight from Docker Hub: Docker Hub images are pulled through Artifactory's " +
      "caching docker-remote with the tools pull secret; others come from registries without pull limits.",
    breaks: "client builds fail with `toomanyrequests` when the cluster's shared egress hits Docker Hub's pull limit",
    source: 'developer.gov.bc.ca "Artifact Repositories (Artifactory)" (caching repositories, docker-remote)',
  },
  "istag-404-without-image": {
    rule:
      "GET of an ImageStreamTag whose tag has no image answers 404, and the provider then treats it as deleted. A tag " +
      "gets its image in the request that creates or moves it when its source tag has one, and keeps it afterwards, " +
      "even when the source tag is deleted. So an environment tag is created or moved only to a source tag that " +
      "resolves: the tools stack's before-create/before-update hook asks first (in previews too, with the provider's " +
      "kubeconfig and context), and promote.yml and deploy.yml ask with the same GET.",
    breaks:
      "a promotion to an unbuilt commit: the env tag vanishes from state on refresh and the next up fails with " +
      "AlreadyExists (recovery: `oc tag -d` of the env tags, then up)",
    source:
      "openshift/openshift-apiserver pkg/image/apiserver/registry/imagestreamtag/rest.go (Get → imageFor, newISTag " +
      "allowEmptyEvent=false; Create updates the stream), pkg/image/apiserver/registry/imagestream/strategy.go " +
      "(tagsChanged: only changed spec tags are resolved; updateChangedTrackingTags skips a deleted source); " +
      "pulumi/pulumi-kubernetes provider/pkg/provider/provider.go (Read: 404 is deleted); pulumi/pulumi " +
      "pkg/resource/deploy/step.go (CreateStep/UpdateStep run the before hooks first) and deployment.go (RunHooks: " +
      "OnDryRun hooks run in previews)",
  },
  "backup-conf-bare-host": {
    rule:
      "backup.conf keeps only database specs matching `^[a-zA-Z0-9=_/-]*(:[0-9]*)?/[a-zA-Z0-9_/-]*`: the host is a bare " +
      "Service name (no dots, no FQDN or IP).",
    breaks: "the line is dropped silently and the container backs up its defaults (`postgresql:5432/my_postgres_db`)",
    source: "bcgov/backup-container 2.13.0 docker/backup.config.utils (readConf)",
  },
} as const satisfies Readonly<Record<string, PlatformRule>>;

export type PlatformRuleId = keyof typeof PLATFORM_RULES;
