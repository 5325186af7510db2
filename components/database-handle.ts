/**
 * What the application and the backups need from the database, handed out by the Patroni component
 * so that no consumer retypes a Secret name, key or Service name (and Pulumi sees the dependency).
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { Labels, PatroniSecretKey } from "./names";

export interface DatabaseHandle {
  /** `valueFrom` for an env var read from the credentials Secret; the key is checked at compile time. */
  secretKeyRef(key: PatroniSecretKey): k8s.types.input.core.v1.EnvVarSource;
  /** Name of the Service that always points at the current leader (read-write). */
  readonly serviceName: pulumi.Output<string>;
  /** Name of the application database. */
  readonly databaseName: string;
  /** Postgres port on the leader Service. */
  readonly port: number;
  /** Labels of the Patroni pods (for NetworkPolicies). */
  readonly podSelector: Labels;
}
