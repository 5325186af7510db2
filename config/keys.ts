/**
 * The stack config's one declaration: a zod schema per role (environment, tools) whose leaves are the
 * Pulumi config keys. Everything else is derived from it: the TypeScript types (`z.output`), the table
 * of keys and the stacks each belongs to (a key in both role schemas is read by every stack), and the
 * nested value the program receives. `Pulumi.yaml` declares each key's default and description for the
 * Pulumi CLI; test/config-keys.test.ts checks that declaration against this schema.
 *
 * Adding a key: one `key(...)` leaf here (where its value belongs), its `Pulumi.yaml` entry, and the
 * component that reads it.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  appName,
  commitSha,
  cpu,
  cronSchedule,
  dnsLabel,
  filePath,
  flag,
  gitRef,
  hostName,
  httpsUrl,
  imageReference,
  imageTag,
  memory,
  pinnedImage,
  releaseTag,
  storage,
  text,
  timeZone,
  wholeNumber,
} from "./fields";
import { STORAGE_CLASSES } from "./platform";

/** Which stacks read a key: every stack, the three environments, or tools. */
export type Scope = "all" | "env" | "tools";

/** A required secret's hint texts and when a stack needs it. */
export interface SecretSpec {
  /** What the value is, for the `pulumi config set --secret` hint. */
  readonly what: string;
  /** Whether the stack needs it, given the raw (string) values of its plain keys. */
  readonly requiredWhen: (raw: Readonly<Record<string, string | undefined>>) => boolean;
  /** Why it must stay set, added to the "required but not set" message. */
  readonly why?: string;
}

/** What the schema records about one leaf besides its validator. */
interface KeySpec {
  readonly key: string;
  /**
   * `""` counts as not set. Pulumi requires every key declared in Pulumi.yaml without a default from
   * every stack, so keys without a sensible project-wide value are declared with the default `""`.
   */
  readonly emptyIsUnset: boolean;
  /** A Pulumi secret (never a plain value), wrapped as an `Output` for the program. */
  readonly secret?: SecretSpec;
}

declare const CONFIG_KEY: unique symbol;
/** A schema leaf that is the config key `N` (the name is carried in the type for {@link KeyValues}). */
export type ConfigKey<N extends string, T extends z.ZodType> = T & { readonly [CONFIG_KEY]: N };

const specs = new Map<z.ZodType, KeySpec>();

/** A leaf of the schema: config key `name`, validated by `field` (a copy, so one field serves many keys). */
function key<N extends string, T extends z.ZodType>(name: N, field: T, opts: { readonly emptyIsUnset?: boolean } = {}): ConfigKey<N, T> {
  const leaf = field.clone() as T;
  specs.set(leaf, { key: name, emptyIsUnset: opts.emptyIsUnset ?? false });
  return leaf as ConfigKey<N, T>;
}

const secretValue = z.custom<pulumi.Output<string>>((v) => pulumi.Output.isInstance(v), { error: "must be a Pulumi secret" });

/** A secret leaf: the program receives it as a secret `Output`, never as a string. */
function secretKey<N extends string>(name: N, secret: SecretSpec): ConfigKey<N, typeof secretValue> {
  const leaf = secretValue.clone();
  specs.set(leaf, { key: name, emptyIsUnset: false, secret });
  return leaf as ConfigKey<N, typeof secretValue>;
}

// --- value vocabularies ----------------------------------------------------------------------

/** Storage classes a Patroni data volume may use (RWO block is the one recommended for databases). */
export const PATRONI_STORAGE_CLASSES = [STORAGE_CLASSES.block, STORAGE_CLASSES.file] as const;
export type PatroniStorageClass = (typeof PATRONI_STORAGE_CLASSES)[number];
const patroniStorageClass = z.enum(PATRONI_STORAGE_CLASSES, {
  error: `must be ${STORAGE_CLASSES.block} (recommended for databases) or ${STORAGE_CLASSES.file}`,
});

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
  z
    .number({ error: "must be a whole percentage" })
    .int({ error: "must be a whole percentage" })
    .min(10, { error: "must be 10 or more (percent of the CPU request)" })
    .max(100, { error: "must be 100 or less (percent of the CPU request)" }),
);

/** Where the database's passwords come from: generated once by the program, or supplied in config. */
export const PASSWORD_SOURCES = ["generated", "supplied"] as const;
export type PasswordSource = (typeof PASSWORD_SOURCES)[number];

/** Minimum minutes between two runs of a CronJob that mounts a volume (BC Gov Kyverno rule). */
export const MIN_CRON_MINUTES_WITH_VOLUME = 60;

const always = (): boolean => true;
/**
 * The database passwords come from config while adopting (the live ones) and, once recorded as
 * `patroniPasswords: supplied`, for good: see `passwordSourceChecks` in config/index.ts.
 */
const whenPasswordsSupplied = (raw: Readonly<Record<string, string | undefined>>): boolean =>
  raw.adopt === "true" || raw.patroniPasswords === "supplied";

/**
 * Patroni reads its passwords only when it bootstraps a cluster (patroni/patroni docs, ENVIRONMENT.rst:
 * PATRONI_SUPERUSER_PASSWORD etc. are bootstrap settings), so the Secret must keep the values the
 * database was created or adopted with.
 */
const DATABASE_PASSWORD_WHY =
  "the database keeps the passwords it was bootstrapped with (Patroni reads them only at bootstrap), so without this value " +
  "pulumi up would generate a new one for the live hcap-patroni Secret and break the app's logins, new replicas and the backups. " +
  "Keep it set to the database's real password (patroniPasswords: supplied); to change a password, ALTER ROLE in the database first, then set the new value";

// --- the schema ------------------------------------------------------------------------------

type Tier = "patroni" | "server" | "client" | "backup";

/** Requests and limits of one tier's containers (canonical quantities). */
function resources<T extends Tier>(tier: T) {
  return z.object({
    requests: z.object({ cpu: key(`${tier}CpuRequest`, cpu), memory: key(`${tier}MemoryRequest`, memory) }),
    limits: z.object({ cpu: key(`${tier}CpuLimit`, cpu), memory: key(`${tier}MemoryLimit`, memory) }),
  });
}

/** One application tier (hcap-server, hcap-client). */
function appTier<T extends "server" | "client">(tier: T) {
  return z.object({
    replicas: key(`${tier}Replicas`, wholeNumber(0)),
    resources: resources(tier),
    host: key(`${tier}Host`, hostName, { emptyIsUnset: true }),
    /** A HorizontalPodAutoscaler from `replicas` up to `maxReplicas`; `maxReplicas: 0` is none. */
    autoscale: z.object({
      maxReplicas: key(`${tier}AutoscaleMaxReplicas`, wholeNumber(0)),
      cpuPercent: key(`${tier}AutoscaleCpuPercent`, percent),
    }),
  });
}

/** Keys every stack reads. */
const common = {
  appName: key("appName", appName),
  licencePlate: key("licencePlate", dnsLabel.regex(/^[a-z0-9]{6}$/, { error: "must be the six-character licence plate, e.g. f047a2" })),
  kube: z.object({
    context: key("kubeContext", text, { emptyIsUnset: true }).optional(),
    kubeconfig: key("kubeconfig", filePath, { emptyIsUnset: true }).optional(),
  }),
  /** First `up` over namespaces the old templates made: import what exists instead of creating it. */
  adopt: key("adopt", flag),
  patroniImageTag: key("patroniImageTag", imageTag),
  backupImageRef: key("backupImageRef", releaseTag),
};

/** An environment stack (dev, test, prod). */
export const envSchema = z.object({
  ...common,
  protectStateful: key("protectStateful", flag),
  maintenance: key("maintenance", z.enum(["none", "restore"], { error: "must be none or restore" })),
  /** Kind of the server and client workloads. */
  workload: key("appWorkload", z.enum(APP_WORKLOADS, { error: `must be ${APP_WORKLOADS.join(" or ")}` })),
  patroni: z.object({
    replicas: key("patroniReplicas", wholeNumber(1)),
    resources: resources("patroni"),
    volumeSize: key("patroniVolumeSize", storage),
    storageClass: key("patroniStorageClass", patroniStorageClass),
    volumeLock: key("patroniVolumeLock", patroniVolumeLock),
    passwords: key("patroniPasswords", z.enum(PASSWORD_SOURCES, { error: "must be generated or supplied" })),
  }),
  server: appTier("server"),
  client: appTier("client"),
  keycloak: z.object({
    // A Keycloak realm name (at most 255 in Keycloak); it lands in a Secret, which holds at most 1MiB.
    realm: key("keycloakRealm", text.max(255, { error: "must be a Keycloak realm name of at most 255 characters" })),
    authUrl: key("keycloakAuthUrl", httpsUrl, { emptyIsUnset: true }),
  }),
  backup: z.object({
    schedule: key("backupSchedule", cronSchedule(MIN_CRON_MINUTES_WITH_VOLUME)),
    timeZone: key("backupTimeZone", timeZone),
    // Retention beyond a year of dailies, two years of weeklies or ten years of monthlies is a typo: the
    // backup volume (at most 512Gi on BC Gov) could not hold it, and the platform keeps its own copies.
    retention: z.object({
      daily: key("backupDailyCount", wholeNumber(1, 366, "a year of daily backups")),
      weekly: key("backupWeeklyCount", wholeNumber(0, 104, "two years of weekly backups")),
      monthly: key("backupMonthlyCount", wholeNumber(0, 120, "ten years of monthly backups")),
    }),
    volumeSize: key("backupVolumeSize", storage),
    storageClass: key(
      "backupStorageClass",
      z.literal(STORAGE_CLASSES.backup, { error: `must be ${STORAGE_CLASSES.backup}, the only backed-up storage class` }),
    ),
    verification: z.object({
      enabled: key("backupVerification", flag),
      schedule: key("backupVerifySchedule", cronSchedule(MIN_CRON_MINUTES_WITH_VOLUME)),
      volumeSize: key("backupVerificationVolumeSize", storage),
    }),
    resources: resources("backup"),
  }),
  secrets: z.object({
    keycloakApiSecret: secretKey("keycloakApiSecret", { what: "the Keycloak API client secret", requiredWhen: always }),
    keycloakSaUsername: secretKey("keycloakSaUsername", { what: "the Keycloak service-account user name", requiredWhen: always }),
    keycloakSaPassword: secretKey("keycloakSaPassword", { what: "the Keycloak service-account password", requiredWhen: always }),
    patroniSuperuserPassword: secretKey("patroniSuperuserPassword", {
      what: "the existing Postgres superuser password",
      requiredWhen: whenPasswordsSupplied,
      why: DATABASE_PASSWORD_WHY,
    }).optional(),
    patroniReplicationPassword: secretKey("patroniReplicationPassword", {
      what: "the existing replication password",
      requiredWhen: whenPasswordsSupplied,
      why: DATABASE_PASSWORD_WHY,
    }).optional(),
    patroniAppPassword: secretKey("patroniAppPassword", {
      what: "the existing application user's password",
      requiredWhen: whenPasswordsSupplied,
      why: DATABASE_PASSWORD_WHY,
    }).optional(),
  }),
});

/** The tools stack: builds, images and promotion. */
export const toolsSchema = z.object({
  ...common,
  git: z.object({ repository: key("gitRepository", httpsUrl), ref: key("gitRef", gitRef) }),
  patroniSourceImage: key("patroniSourceImage", imageReference),
  /** Postgres base image (the database's major version) the backup-container release is built on. */
  backupBaseImage: key("backupBaseImage", pinnedImage),
  /** The commit each environment runs; "" when it has not been promoted yet. */
  promotions: z.object({ dev: key("devCommit", commitSha), test: key("testCommit", commitSha), prod: key("prodCommit", commitSha) }),
});

export type EnvSettings = z.output<typeof envSchema>;
export type ToolsSettings = z.output<typeof toolsSchema>;

// --- derived from the schema -----------------------------------------------------------------

/** One config key: where it sits in a role's value, and what the schema says about it. */
export interface KeyLeaf extends KeySpec {
  readonly path: readonly string[];
  /** The key's validator (without `.optional()`). */
  readonly field: z.ZodType;
  /** May be absent; every other key must have a value (default or stack file). */
  readonly optional: boolean;
}

/** The config keys of a role schema, in declaration order. */
export function keyLeaves(schema: z.ZodType, path: readonly string[] = []): KeyLeaf[] {
  if (schema instanceof z.ZodOptional) return keyLeaves(schema.unwrap() as z.ZodType, path).map((l) => ({ ...l, optional: true }));
  const spec = specs.get(schema);
  if (spec) return [{ ...spec, path, field: schema, optional: false }];
  if (schema instanceof z.ZodObject) {
    return Object.entries(schema.shape as Record<string, z.ZodType>).flatMap(([k, s]) => keyLeaves(s, [...path, k]));
  }
  throw new Error(`config schema: ${path.join(".")} is neither a config key nor an object of keys`);
}

export interface ConfigKeyInfo extends KeySpec {
  readonly scope: Scope;
  readonly optional: boolean;
}

function keyTable(): ReadonlyMap<string, ConfigKeyInfo> {
  const env = keyLeaves(envSchema);
  const tools = keyLeaves(toolsSchema);
  const out = new Map<string, ConfigKeyInfo>();
  for (const leaf of [...env, ...tools]) {
    if (out.has(leaf.key)) continue;
    const inEnv = env.some((l) => l.key === leaf.key);
    const inTools = tools.some((l) => l.key === leaf.key);
    out.set(leaf.key, {
      key: leaf.key,
      emptyIsUnset: leaf.emptyIsUnset,
      secret: leaf.secret,
      optional: leaf.optional,
      scope: inEnv && inTools ? "all" : inEnv ? "env" : "tools",
    });
  }
  return out;
}

/** Every config key the program reads, by name. */
export const CONFIG_KEYS: ReadonlyMap<string, ConfigKeyInfo> = keyTable();

type Pairs<S> =
  S extends z.ZodOptional<infer I>
    ? Pairs<I> extends infer P
      ? P extends [infer N, infer V]
        ? [N, V | undefined]
        : never
      : never
    : S extends { readonly [CONFIG_KEY]: infer N extends string }
      ? [N, z.output<S>]
      : S extends z.ZodObject<infer Shape>
        ? { [K in keyof Shape]: Pairs<Shape[K]> }[keyof Shape]
        : never;

/** The parsed value of each config key of a role schema, by key name (the flat view cross-checks read). */
export type KeyValues<S> = {
  [P in Pairs<S> as P extends [infer N extends string, unknown] ? N : never]: P extends [string, infer V] ? V : never;
};

/** Flat parsed values of every plain and secret key. */
export type AllKeyValues = KeyValues<typeof envSchema> & KeyValues<typeof toolsSchema>;
export type ConfigKeyName = keyof AllKeyValues & string;
export type SecretKeyName = keyof EnvSettings["secrets"];
