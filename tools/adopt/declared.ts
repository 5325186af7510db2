/**
 * The declared side of an adoption check, taken from an offline evaluation: every Kubernetes object
 * with its real (unredacted, in memory only) inputs, its namespace and import ID from the plan, and
 * the provider switches that decide which changes Pulumi makes by replacement.
 */
import type { StackEvaluation } from "../evaluate/evaluate";
import type { Captured } from "../kube/secret";
import { kubernetesProvider, plan } from "../evaluate/render";
import { isRecord } from "../kube/object";

export interface DeclaredObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  /** The inputs as sent to the provider; secret values stay wrapped in `SecretValue`. */
  readonly body: { readonly [k: string]: Captured };
  /** The `import` resource option, if set. */
  readonly importId?: string;
  /** `ignoreChanges` paths: Pulumi keeps the live value there. */
  readonly ignoreChanges: readonly string[];
}

/** Provider settings that turn data changes into in-place updates instead of replacements. */
export interface ProviderSwitches {
  readonly secretMutable: boolean;
  readonly configMapMutable: boolean;
}

function truthy(v: Captured | undefined): boolean {
  return v === true || v === "true";
}

export function declaredObjects(ev: StackEvaluation): DeclaredObject[] {
  const entries = new Map(plan(ev).map((e) => [e.urn, e]));
  return ev.resources
    .filter((r) => r.custom && r.type.startsWith("kubernetes:"))
    .map((r) => {
      const entry = entries.get(r.urn);
      const metadata = r.inputs.metadata;
      const name = isRecord(metadata) && typeof metadata.name === "string" ? metadata.name : r.name;
      return {
        apiVersion: String(r.inputs.apiVersion),
        kind: String(r.inputs.kind),
        name,
        namespace: entry?.namespace ?? "",
        body: r.inputs,
        importId: r.options.import,
        ignoreChanges: r.options.ignoreChanges,
      };
    });
}

/** The switches of the stack's Kubernetes provider (the program declares exactly one). */
export function providerSwitches(ev: StackEvaluation): ProviderSwitches {
  const provider = kubernetesProvider(ev);
  return {
    secretMutable: truthy(provider?.inputs.enableSecretMutable),
    configMapMutable: truthy(provider?.inputs.enableConfigMapMutable),
  };
}
