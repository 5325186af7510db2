/**
 * The Keycloak credentials Secret of an environment (`<app>-keycloak`), with the keys the old
 * `keycloak.prep.yml` wrote, and typed `secretKeyRef`s for the pods that read it.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type Adoption, adoptOptions } from "./adoption";
import { KEYCLOAK_SECRET_KEYS, type KeycloakNames, type KeycloakSecretKey } from "./names";

export interface KeycloakSecretArgs {
  /** The Secret's name and labels, and the client ids. */
  readonly names: KeycloakNames;
  readonly realm: string;
  readonly authUrl: string;
  /** Operator-supplied credentials: Pulumi secrets from stack config. */
  readonly apiSecret: pulumi.Input<string>;
  readonly serviceAccountUsername: pulumi.Input<string>;
  readonly serviceAccountPassword: pulumi.Input<string>;
  /** With `adopt: true` the Secret the old template created is imported instead of created. */
  readonly adoption: Adoption;
}

export class KeycloakSecret extends pulumi.ComponentResource {
  /** The Secret's name, as an Output so that pods reading it depend on it. */
  readonly secretName: pulumi.Output<string>;

  constructor(name: string, args: KeycloakSecretArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hcap:keycloak:KeycloakSecret", name, {}, opts);
    const { names } = args;
    const values: Record<KeycloakSecretKey, pulumi.Input<string>> = {
      realm: args.realm,
      authUrl: args.authUrl,
      frontendClientId: names.clientIds.frontend,
      apiClientId: names.clientIds.api,
      apiSecret: pulumi.secret(args.apiSecret),
      serviceAccountUsername: pulumi.secret(args.serviceAccountUsername),
      serviceAccountPassword: pulumi.secret(args.serviceAccountPassword),
    };
    const stringData = Object.fromEntries((Object.keys(values) as KeycloakSecretKey[]).map((k) => [KEYCLOAK_SECRET_KEYS[k], values[k]]));
    const secret = new k8s.core.v1.Secret(
      names.name,
      {
        metadata: { name: names.name, labels: names.labels },
        type: "Opaque",
        // stringData only (never also data): the server converts it, and Pulumi masks it as a secret.
        stringData,
      },
      { parent: this, ...adoptOptions(args.adoption, "Secret", names.name) },
    );
    this.secretName = secret.metadata.name;
    this.registerOutputs({});
  }

  /** `valueFrom` for an env var read from this Secret; the key is checked at compile time. */
  secretKeyRef(key: KeycloakSecretKey): k8s.types.input.core.v1.EnvVarSource {
    return { secretKeyRef: { name: this.secretName, key: KEYCLOAK_SECRET_KEYS[key] } };
  }
}
