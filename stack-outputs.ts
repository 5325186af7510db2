/**
 * The stack outputs: what a person asks after a deploy, derived from config alone, so `pulumi up`
 * exports and `npm run render -- <stack> --outputs` prints the same values. Nothing secret.
 */
import { type EnvConfig, type EnvName, type ToolsConfig } from "./config";
import type { AppWorkload } from "./config/keys";
import { deploymentImage } from "./components/app-deployment";
import { stackNames } from "./components/names";
import { PORTS } from "./components/ports";

/** The server's version endpoint: answers without the database, so it proves the rollout, not the data tier. */
export const VERSION_PATH = "/api/v1/version";

export interface TierOutputs {
  readonly url: string;
  /** The commit the tier runs (the promotion's record); null before the first promotion. */
  readonly commit: string | null;
  /**
   * What the pods run: the pinned image reference (Deployment), or the ImageStreamTag the
   * DeploymentConfig's trigger follows; null before the first promotion.
   */
  readonly image: string | null;
}

export interface EnvOutputs {
  readonly namespace: string;
  readonly workload: AppWorkload;
  readonly server: TierOutputs & { readonly versionUrl: string };
  readonly client: TierOutputs & { readonly apiUrl: string };
  readonly database: { readonly service: string; readonly port: number };
  readonly backup: { readonly schedule: string; readonly timeZone: string; readonly verifySchedule: string | null };
}

export interface ToolsOutputs {
  readonly namespace: string;
  /** `<namespace>/<stream>` of every image stream tools declares. */
  readonly imageStreams: Readonly<Record<"server" | "client" | "patroni" | "backup", string>>;
  /** The commit each environment tag (`<stream>:<env>`) points at; null: not promoted. */
  readonly environmentTags: Readonly<Record<EnvName, { readonly commit: string | null; readonly tags: readonly string[] }>>;
}

export type StackOutputs = EnvOutputs | ToolsOutputs;

function tier(cfg: EnvConfig, stream: string, host: string): TierOutputs {
  const image = { namespace: cfg.toolsNamespace, stream, tag: cfg.stack };
  const promoted = cfg.commit !== "";
  return {
    url: `https://${host}`,
    commit: promoted ? cfg.commit : null,
    image: !promoted
      ? null
      : cfg.workload === "Deployment"
        ? deploymentImage({ image, commit: cfg.commit })
        : `${image.namespace}/${stream}:${image.tag}`,
  };
}

export function envOutputs(cfg: EnvConfig): EnvOutputs {
  const names = stackNames(cfg.appName);
  return {
    namespace: cfg.namespace,
    workload: cfg.workload,
    server: { ...tier(cfg, names.images.server, cfg.server.host), versionUrl: `https://${cfg.server.host}${VERSION_PATH}` },
    client: { ...tier(cfg, names.images.client, cfg.client.host), apiUrl: `https://${cfg.client.host}/api` },
    database: { service: names.patroni.name, port: PORTS.postgres },
    backup: {
      schedule: cfg.backup.schedule,
      timeZone: cfg.backup.timeZone,
      verifySchedule: cfg.backup.verification.enabled ? cfg.backup.verification.schedule : null,
    },
  };
}

export function toolsOutputs(cfg: ToolsConfig): ToolsOutputs {
  const names = stackNames(cfg.appName);
  const stream = (s: string) => `${cfg.namespace}/${s}`;
  const tagOutputs = (env: EnvName): ToolsOutputs["environmentTags"][EnvName] => {
    const commit = cfg.promotions[env] || null;
    return { commit, tags: commit ? [names.images.server, names.images.client].map((s) => `${s}:${env} -> ${s}:${commit}`) : [] };
  };
  const environmentTags = { dev: tagOutputs("dev"), test: tagOutputs("test"), prod: tagOutputs("prod") };
  return {
    namespace: cfg.namespace,
    imageStreams: {
      server: stream(names.images.server),
      client: stream(names.images.client),
      patroni: stream(names.images.patroni),
      backup: stream(names.images.backup),
    },
    environmentTags,
  };
}
