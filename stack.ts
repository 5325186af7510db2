/**
 * What each stack declares. `index.ts` (a real `pulumi up`) and the offline render both call
 * {@link declareStack} with the parsed config, so both see the same program.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ENVIRONMENTS, namespaceFor, type EnvConfig, type StackConfig, type ToolsConfig } from "./config";
import { ImagePullGrants } from "./components/image-pull-grants";
import { stackNames } from "./components/names";
import { NetworkPolicies } from "./components/network-policies";
import { PatroniCluster } from "./components/patroni-cluster";
import { PatroniImage } from "./components/patroni-image";
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

function declareEnvironment(cfg: EnvConfig, opts: pulumi.ComponentResourceOptions): void {
  const names = stackNames(cfg.appName);
  const database = new PatroniCluster("database", { names, config: cfg }, opts);
  new NetworkPolicies("network", {
    names,
    patroni: { selector: database.podSelector, ports: { postgres: database.port, rest: PORTS.patroniRest } },
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
  new PatroniImage("patroni-image", { names, sourceImage: cfg.patroniSourceImage, tag: cfg.patroniImageTag }, opts);
  new ImagePullGrants("image-pull-grants", {
    names,
    namespaces: ENVIRONMENTS.map((env) => namespaceFor(cfg.licencePlate, env)),
  }, opts);
}

export function declareStack(cfg: StackConfig): StackOutputs {
  const provider = stackProvider(cfg);
  const opts: pulumi.ComponentResourceOptions = { providers: [provider] };
  if (cfg.role === "env") declareEnvironment(cfg, opts);
  else declareTools(cfg, opts);
  return { namespace: cfg.namespace };
}
