/**
 * `maintenance: restore` in one place: what each workload runs with while a database restore is under
 * way (the seed's manual checklist), and with the setting removed, the configured sizes again.
 */
import type { EnvConfig } from "../config";

export interface WorkloadScale {
  readonly patroniReplicas: number;
  readonly serverReplicas: number;
  readonly clientReplicas: number;
  /** Suspend the backup CronJob(s) so no backup runs mid-restore. */
  readonly backupSuspended: boolean;
}

export function workloadScale(cfg: Pick<EnvConfig, "maintenance" | "patroni" | "server" | "client">): WorkloadScale {
  if (cfg.maintenance === "restore") {
    // Nothing may write to the database (the server is its only client) and Patroni runs as a single
    // leader. The web client never talks to the database, so it keeps running.
    return { patroniReplicas: 1, serverReplicas: 0, clientReplicas: cfg.client.replicas, backupSuspended: true };
  }
  return {
    patroniReplicas: cfg.patroni.replicas,
    serverReplicas: cfg.server.replicas,
    clientReplicas: cfg.client.replicas,
    backupSuspended: false,
  };
}
