/**
 * What each stack declares. `index.ts` (a real `pulumi up`) and the offline render both call
 * {@link declareStack} with the parsed config, so both see the same program.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { EnvConfig, StackConfig, ToolsConfig } from "./config";
import { BackupImage } from "./components/backup-image";
import { DatabaseBackup } from "./components/database-backup";
import type { DatabaseHandle } from "./components/database-handle";
import { workloadScale } from "./components/maintenance";
import { PATRONI_SECRET_KEYS, internalImage, stackNames, type StackNames } from "./components/names";
import { NetworkPolicies } from "./components/network-policies";
import { PORTS } from "./components/ports";

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
 * WIRING POINT, interim: the database handle built from names until the PatroniCluster component
 * (which creates the Secret and the Service) is wired here; then `patroni.handle` replaces this
 * function and its call, and nothing else changes for the consumers.
 */
function interimDatabaseHandle(cfg: EnvConfig, names: StackNames): DatabaseHandle {
  return {
    secretKeyRef: (key) => ({ secretKeyRef: { name: names.patroni.name, key: PATRONI_SECRET_KEYS[key] } }),
    serviceName: pulumi.output(names.patroni.name),
    databaseName: cfg.appName,
    port: PORTS.postgres,
    podSelector: names.patroni.selector,
  };
}

function declareEnvironment(cfg: EnvConfig, opts: pulumi.ComponentResourceOptions): void {
  const names = stackNames(cfg.appName);
  const scale = workloadScale(cfg);
  const database = interimDatabaseHandle(cfg, names);
  new DatabaseBackup("backup", {
    names: names.backup,
    database,
    image: internalImage(cfg.toolsNamespace, names.images.backup, cfg.backupImageRef),
    backup: cfg.backup,
    scale,
    stack: cfg,
  }, opts);
  new NetworkPolicies("network", {
    names,
    patroni: { selector: names.patroni.selector, ports: { postgres: PORTS.postgres, rest: PORTS.patroniRest } },
    routed: [
      { selector: names.server.selector, port: PORTS.server },
      { selector: names.client.selector, port: PORTS.client },
    ],
    databaseClients: [names.server.selector, names.backup.selector],
  }, opts);
}

function declareTools(cfg: ToolsConfig, opts: pulumi.ComponentResourceOptions): void {
  const names = stackNames(cfg.appName);
  new NetworkPolicies("network", { names, routed: [], databaseClients: [] }, opts);
  new BackupImage("backup-image", {
    names: { ...names.backup, name: names.images.backup },
    release: cfg.backupImageRef,
    baseImage: cfg.backupBaseImage,
  }, opts);
}

export function declareStack(cfg: StackConfig): StackOutputs {
  const provider = stackProvider(cfg);
  const opts: pulumi.ComponentResourceOptions = { providers: [provider] };
  if (cfg.role === "env") declareEnvironment(cfg, opts);
  else declareTools(cfg, opts);
  return { namespace: cfg.namespace };
}
