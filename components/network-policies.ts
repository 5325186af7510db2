/**
 * The NetworkPolicies an environment namespace needs on BC Gov OpenShift: deny by default, then
 * allow only the flows the application uses, each scoped to the pods that need it.
 *
 * The platform's own `platform-services-controlled-default` policy is never touched (the platform
 * recreates it); ours sit beside it with our own names.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { adoptOptions, type Adoption } from "./adoption";
import type { Labels, NetworkPolicyNames } from "./names";

export interface NetworkPoliciesArgs {
  readonly names: NetworkPolicyNames;
  /** The Patroni members and their Postgres/REST ports; absent in a namespace without a database. */
  readonly patroni?: { readonly selector: Labels; readonly ports: { readonly postgres: number; readonly rest: number } };
  /**
   * Pods that receive traffic from the OpenShift router (those behind Routes), with their ports and
   * the name of the policy that lets the router in.
   */
  readonly routed: readonly { readonly policy: string; readonly selector: Labels; readonly port: number }[];
  /** Pods that connect to Postgres on the leader. */
  readonly databaseClients: readonly Labels[];
  readonly adoption: Adoption;
}

/** Namespaces whose pods are OpenShift routers. */
const INGRESS_NAMESPACES = { "network.openshift.io/policy-group": "ingress" } as const;

export class NetworkPolicies extends pulumi.ComponentResource {
  readonly policies: readonly k8s.networking.v1.NetworkPolicy[];

  constructor(name: string, args: NetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hcap:network:NetworkPolicies", name, {}, opts);
    const self = { parent: this };
    const { names, patroni } = args;
    const policy = (policyName: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec) =>
      new k8s.networking.v1.NetworkPolicy(
        policyName,
        {
          metadata: { name: policyName, labels: names.labels },
          spec,
        },
        { ...self, ...adoptOptions(args.adoption, "NetworkPolicy", policyName) },
      );
    const tcp = (port: number) => ({ protocol: "TCP", port });

    this.policies = [
      // Everything not allowed below is refused, whatever the platform default says.
      policy(names.denyByDefault, { podSelector: {}, policyTypes: ["Ingress"], ingress: [] }),
      ...args.routed.map(({ policy: policyName, selector, port }) =>
        policy(policyName, {
          podSelector: { matchLabels: selector },
          policyTypes: ["Ingress"],
          ingress: [{ from: [{ namespaceSelector: { matchLabels: INGRESS_NAMESPACES } }], ports: [tcp(port)] }],
        }),
      ),
      ...(patroni
        ? [
            policy(names.databaseClientsToPatroni, {
              podSelector: { matchLabels: patroni.selector },
              policyTypes: ["Ingress"],
              ingress: [
                {
                  from: args.databaseClients.map((matchLabels) => ({ podSelector: { matchLabels } })),
                  ports: [tcp(patroni.ports.postgres)],
                },
              ],
            }),
            // Members replicate from the leader (5432) and ask each other's REST API (8008).
            policy(names.patroniCluster, {
              podSelector: { matchLabels: patroni.selector },
              policyTypes: ["Ingress"],
              ingress: [
                {
                  from: [{ podSelector: { matchLabels: patroni.selector } }],
                  ports: [tcp(patroni.ports.postgres), tcp(patroni.ports.rest)],
                },
              ],
            }),
          ]
        : []),
    ];
    this.registerOutputs({});
  }
}
