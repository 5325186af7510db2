/**
 * The Keycloak credentials Secret of an environment (`<app>-keycloak`), with the keys the old
 * `keycloak.prep.yml` wrote, and typed `secretKeyRef`s for the pods that read it.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type Adoption, adoptOptions } from "./safety";
import { KEYCLOAK_SECRET_KEYS, type KeycloakSecretKey, type Labels } from "./names";

export interface KeycloakSecretArgs {
  /** Secret name. */
  readonly name: string;
  readonly labels: Labels;
  readonly appName: string;
  readonly realm: string;
  readonly authUrl: string;
  /** Operator-supplied credentials: Pulumi secrets from stack config. */
  readonly apiSecret: pulumi.Input<string>;
  readonly serviceAccountUsername: pulumi.Input<string>;
  readonly serviceAccountPassword: pulumi.Input<string>;
  /** With `adopt: true` the Secret the old template created is imported instead of created. */
  readonly adoption: Adoption;
}

/** Client ids as the template derived them: `<app>-fe`, `<app>-api`. */
export function keycloakClientIds(appName: string): { readonly frontend: string; readonly api: string } {
  return { frontend: `${appName}-fe`, api: `${appName}-api` };
}

export class KeycloakSecret extends pulumi.ComponentResource {
  /** The Secret's name, as an Output so that pods reading it depend on it. */
  readonly secretName: pulumi.Output<string>;

  constructor(name: string, args: KeycloakSecretArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hcap:keycloak:KeycloakSecret", name, {}, opts);
    const clientIds = keycloakClientIds(args.appName);
    const values: Record<KeycloakSecretKey, pulumi.Input<string>> = {
      realm: args.realm,
      authUrl: args.authUrl,
      frontendClientId: clientIds.frontend,
      apiClientId: clientIds.api,
      apiSecret: pulumi.secret(args.apiSecret),
      serviceAccountUsername: pulumi.secret(args.serviceAccountUsername),
      serviceAccountPassword: pulumi.secret(args.serviceAccountPassword),
    };
    const stringData = Object.fromEntries(
      (Object.keys(values) as KeycloakSecretKey[]).map((k) => [KEYCLOAK_SECRET_KEYS[k], values[k]]),
    );
    const secret = new k8s.core.v1.Secret(args.name, {
      metadata: { name: args.name, labels: args.labels },
      type: "Opaque",
      // stringData only (never also data): the server converts it, and Pulumi masks it as a secret.
      stringData,
    }, { parent: this, ...adoptOptions(args.adoption, args.name) });
    this.secretName = secret.metadata.name;
    this.registerOutputs({});
  }

  /** `valueFrom` for an env var read from this Secret; the key is checked at compile time. */
  secretKeyRef(key: KeycloakSecretKey): k8s.types.input.core.v1.EnvVarSource {
    return { secretKeyRef: { name: this.secretName, key: KEYCLOAK_SECRET_KEYS[key] } };
  }
}
