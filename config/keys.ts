/**
 * Every config key the program reads, with its validator and the stacks it belongs to. The
 * defaults live in `Pulumi.yaml` (its `config:` block); a test keeps the two in step.
 */
import { z } from "zod";
import {
  appName, commitSha, cpu, cronSchedule, dnsLabel, filePath, flag, gitRef, hostName, httpsUrl, imageReference, imageTag, memory, pinnedImage,
  releaseTag, storage, text, timeZone, wholeNumber,
} from "./fields";
import { STORAGE_CLASSES } from "./platform";

/** Which stacks read a key: every stack, the three environments, or tools. */
export type Scope = "all" | "env" | "tools";

export interface PlainKey {
  readonly scope: Scope;
  readonly field: z.ZodType;
  /** Optional keys may be absent; every other key must have a value (default or stack file). */
  readonly optional?: boolean;
  /**
   * `""` counts as not set. Pulumi requires every key declared in Pulumi.yaml without a default from
   * every stack, so keys without a sensible project-wide value are declared with the default `""`.
   */
  readonly emptyIsUnset?: boolean;
}

export interface SecretKey {
  readonly scope: Scope;
  readonly secret: true;
  /** What the value is, for the `pulumi config set --secret` hint. */
  readonly what: string;
  /** Whether the stack needs it, given its plain values. */
  readonly requiredWhen: (values: Readonly<Record<string, unknown>>) => boolean;
  /** Why it must stay set, added to the "required but not set" message. */
  readonly why?: string;
}

/** Storage classes a Patroni data volume may use (RWO block is the one recommended for databases). */
export const PATRONI_STORAGE_CLASSES = [STORAGE_CLASSES.block, STORAGE_CLASSES.file] as const;
export type PatroniStorageClass = (typeof PATRONI_STORAGE_CLASSES)[number];
const patroniStorageClass = z.enum(PATRONI_STORAGE_CLASSES, { error: `must be ${STORAGE_CLASSES.block} (recommended for databases) or ${STORAGE_CLASSES.file}` });

/**
 * The volume claim template the Patroni StatefulSet was created with, `<size>/<storage class>`, or
 * `none` while the namespace has no database yet. Kubernetes cannot change a volume claim template in
 * place, so the size and class keys are checked against this record (see config/index.ts).
 */
const patroniVolumeLock = z.string({ error: "must be a string" }).transform((s, ctx) => {
  if (s === "none") return null;
  const [size, storageClass, ...rest] = s.split("/");
  const sizeOk = size !== undefined && storage.safeParse(size).success;
  const classOk = storageClass !== undefined && patroniStorageClass.safeParse(storageClass).success;
  if (rest.length > 0 || !sizeOk || !classOk) {
    ctx.addIssue({
      code: "custom",
      message: `must be none or <size>/<storage class> as the StatefulSet was created, e.g. 1Gi/netapp-block-standard (got ${JSON.stringify(s)})`,
    });
    return z.NEVER;
  }
  return { volumeSize: size, storageClass: storageClass as PatroniStorageClass };
});

/**
 * The kind of the server and client workloads: an `apps/v1` Deployment, or the OpenShift
 * DeploymentConfig the old templates made (deprecated since OpenShift 4.14; kept to adopt and migrate).
 */
export const APP_WORKLOADS = ["Deployment", "DeploymentConfig"] as const;
export type AppWorkload = (typeof APP_WORKLOADS)[number];

/** An autoscaler's average CPU utilisation target, in percent of the CPU request. */
const percent = z.preprocess(
  (v) => (typeof v === "string" && /^\d+$/.test(v.trim()) ? Number(v) : v),
  z.number({ error: "must be a whole percentage" }).int({ error: "must be a whole percentage" })
    .min(10, { error: "must be 10 or more (percent of the CPU request)" })
    .max(100, { error: "must be 100 or less (percent of the CPU request)" }),
);

const always = (): boolean => true;
/**
 * The database passwords come from config while adopting (the live ones) and, once recorded as
 * `patroniPasswords: supplied`, for good: see `passwordSourceChecks` in config/index.ts.
 */
const whenPasswordsSupplied = (v: Readonly<Record<string, unknown>>): boolean => v.adopt === true || v.patroniPasswords === "supplied";

/** Where the database's passwords come from: generated once by the program, or supplied in config. */
export const PASSWORD_SOURCES = ["generated", "supplied"] as const;
export type PasswordSource = (typeof PASSWORD_SOURCES)[number];

/** Minimum minutes between two runs of a CronJob that mounts a volume (BC Gov Kyverno rule). */
export const MIN_CRON_MINUTES_WITH_VOLUME = 60;

export const PLAIN_KEYS = {
  // Every stack
  appName: { scope: "all", field: appName },
  licencePlate: { scope: "all", field: dnsLabel.regex(/^[a-z0-9]{6}$/, { error: "must be the six-character licence plate, e.g. f047a2" }) },
  kubeContext: { scope: "all", field: text, optional: true, emptyIsUnset: true },
  kubeconfig: { scope: "all", field: filePath, optional: true, emptyIsUnset: true },

  // Environments: safety switches
  protectStateful: { scope: "env", field: flag },
  adopt: { scope: "all", field: flag },
  maintenance: { scope: "env", field: z.enum(["none", "restore"], { error: "must be none or restore" }) },

  // Environments: database
  patroniReplicas: { scope: "env", field: wholeNumber(1) },
  patroniCpuRequest: { scope: "env", field: cpu },
  patroniCpuLimit: { scope: "env", field: cpu },
  patroniMemoryRequest: { scope: "env", field: memory },
  patroniMemoryLimit: { scope: "env", field: memory },
  patroniVolumeSize: { scope: "env", field: storage },
  patroniStorageClass: { scope: "env", field: patroniStorageClass },
  patroniVolumeLock: { scope: "env", field: patroniVolumeLock },
  patroniImageTag: { scope: "all", field: imageTag },
  patroniPasswords: { scope: "env", field: z.enum(PASSWORD_SOURCES, { error: "must be generated or supplied" }) },

  // Environments: application
  serverReplicas: { scope: "env", field: wholeNumber(0) },
  serverCpuRequest: { scope: "env", field: cpu },
  serverCpuLimit: { scope: "env", field: cpu },
  serverMemoryRequest: { scope: "env", field: memory },
  serverMemoryLimit: { scope: "env", field: memory },
  serverHost: { scope: "env", field: hostName, emptyIsUnset: true },
  clientReplicas: { scope: "env", field: wholeNumber(0) },
  clientCpuRequest: { scope: "env", field: cpu },
  clientCpuLimit: { scope: "env", field: cpu },
  clientMemoryRequest: { scope: "env", field: memory },
  clientMemoryLimit: { scope: "env", field: memory },
  clientHost: { scope: "env", field: hostName, emptyIsUnset: true },
  appWorkload: { scope: "env", field: z.enum(APP_WORKLOADS, { error: `must be ${APP_WORKLOADS.join(" or ")}` }) },
  serverAutoscaleMaxReplicas: { scope: "env", field: wholeNumber(0) },
  serverAutoscaleCpuPercent: { scope: "env", field: percent },
  clientAutoscaleMaxReplicas: { scope: "env", field: wholeNumber(0) },
  clientAutoscaleCpuPercent: { scope: "env", field: percent },
  // A Keycloak realm name (at most 255 in Keycloak); it lands in a Secret, which holds at most 1MiB.
  keycloakRealm: { scope: "env", field: text.max(255, { error: "must be a Keycloak realm name of at most 255 characters" }) },
  keycloakAuthUrl: { scope: "env", field: httpsUrl, emptyIsUnset: true },

  // Environments: backups
  backupSchedule: { scope: "env", field: cronSchedule(MIN_CRON_MINUTES_WITH_VOLUME) },
  backupTimeZone: { scope: "env", field: timeZone },
  // Retention beyond a year of dailies, two years of weeklies or ten years of monthlies is a typo: the
  // backup volume (at most 512Gi on BC Gov) could not hold it, and the platform keeps its own copies.
  backupDailyCount: { scope: "env", field: wholeNumber(1, 366, "a year of daily backups") },
  backupWeeklyCount: { scope: "env", field: wholeNumber(0, 104, "two years of weekly backups") },
  backupMonthlyCount: { scope: "env", field: wholeNumber(0, 120, "ten years of monthly backups") },
  backupVolumeSize: { scope: "env", field: storage },
  backupStorageClass: { scope: "env", field: z.literal(STORAGE_CLASSES.backup, { error: `must be ${STORAGE_CLASSES.backup}, the only backed-up storage class` }) },
  backupVerification: { scope: "env", field: flag },
  backupVerifySchedule: { scope: "env", field: cronSchedule(MIN_CRON_MINUTES_WITH_VOLUME) },
  backupVerificationVolumeSize: { scope: "env", field: storage },
  backupCpuRequest: { scope: "env", field: cpu },
  backupCpuLimit: { scope: "env", field: cpu },
  backupMemoryRequest: { scope: "env", field: memory },
  backupMemoryLimit: { scope: "env", field: memory },

  // Tools: builds, images and promotion
  gitRepository: { scope: "tools", field: httpsUrl },
  gitRef: { scope: "tools", field: gitRef },
  patroniSourceImage: { scope: "tools", field: imageReference },
  backupImageRef: { scope: "all", field: releaseTag },
  backupBaseImage: { scope: "tools", field: pinnedImage },
  devCommit: { scope: "tools", field: commitSha },
  testCommit: { scope: "tools", field: commitSha },
  prodCommit: { scope: "tools", field: commitSha },
} as const satisfies Record<string, PlainKey>;

/**
 * Patroni reads its passwords only when it bootstraps a cluster (patroni/patroni docs, ENVIRONMENT.rst:
 * PATRONI_SUPERUSER_PASSWORD etc. are bootstrap settings), so the Secret must keep the values the
 * database was created or adopted with.
 */
const DATABASE_PASSWORD_WHY =
  "the database keeps the passwords it was bootstrapped with (Patroni reads them only at bootstrap), so without this value " +
  "pulumi up would generate a new one for the live hcap-patroni Secret and break the app's logins, new replicas and the backups. " +
  "Keep it set to the database's real password (patroniPasswords: supplied); to change a password, ALTER ROLE in the database first, then set the new value";

export const SECRET_KEYS = {
  keycloakApiSecret: { scope: "env", secret: true, what: "the Keycloak API client secret", requiredWhen: always },
  keycloakSaUsername: { scope: "env", secret: true, what: "the Keycloak service-account user name", requiredWhen: always },
  keycloakSaPassword: { scope: "env", secret: true, what: "the Keycloak service-account password", requiredWhen: always },
  patroniSuperuserPassword: { scope: "env", secret: true, what: "the existing Postgres superuser password", requiredWhen: whenPasswordsSupplied, why: DATABASE_PASSWORD_WHY },
  patroniReplicationPassword: { scope: "env", secret: true, what: "the existing replication password", requiredWhen: whenPasswordsSupplied, why: DATABASE_PASSWORD_WHY },
  patroniAppPassword: { scope: "env", secret: true, what: "the existing application user's password", requiredWhen: whenPasswordsSupplied, why: DATABASE_PASSWORD_WHY },
} as const satisfies Record<string, SecretKey>;

export type PlainKeyName = keyof typeof PLAIN_KEYS;
export type SecretKeyName = keyof typeof SECRET_KEYS;

/** The parsed value of every plain key (optional ones may be undefined). */
export type PlainValues = {
  [K in PlainKeyName]: (typeof PLAIN_KEYS)[K] extends { optional: true }
    ? z.output<(typeof PLAIN_KEYS)[K]["field"]> | undefined
    : z.output<(typeof PLAIN_KEYS)[K]["field"]>;
};
