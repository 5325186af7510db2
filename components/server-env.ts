/**
 * The environment of the hcap-server container: where Postgres is (from the database handle) and the
 * Keycloak client settings (from the Keycloak Secret). Every credential is a `secretKeyRef`.
 *
 * The old template also set MONGO_* variables for a MongoDB log sink. This system has no MongoDB, and
 * the server adds that log transport only when MONGO_HOST is set (server/logger.js), so they are left
 * out: the server logs to stdout only.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { DatabaseHandle } from "./database-handle";
import type { KeycloakSecretKey } from "./names";

type EnvVar = k8s.types.input.core.v1.EnvVar;

export interface KeycloakRefs {
  secretKeyRef(key: KeycloakSecretKey): k8s.types.input.core.v1.EnvVarSource;
}

/** Keycloak variables the server reads, each from its key of the Keycloak Secret. */
export const KEYCLOAK_ENV: Readonly<Record<string, KeycloakSecretKey>> = {
  KEYCLOAK_REALM: "realm",
  KEYCLOAK_AUTH_URL: "authUrl",
  KEYCLOAK_FE_CLIENTID: "frontendClientId",
  KEYCLOAK_API_CLIENTID: "apiClientId",
  KEYCLOAK_API_SECRET: "apiSecret",
  KEYCLOAK_SA_USERNAME: "serviceAccountUsername",
  KEYCLOAK_SA_PASSWORD: "serviceAccountPassword",
};

export function serverEnv(port: number, db: DatabaseHandle, keycloak: KeycloakRefs): EnvVar[] {
  return [
    // main.js listens on SERVER_PORT (default 8080): set it so the port is one fact, PORTS.server.
    { name: "SERVER_PORT", value: String(port) },
    { name: "POSTGRES_HOST", value: db.serviceName },
    { name: "POSTGRES_PORT", value: String(db.port) },
    { name: "POSTGRES_DB", valueFrom: db.secretKeyRef("databaseName") },
    { name: "POSTGRES_USER", valueFrom: db.secretKeyRef("appUsername") },
    { name: "POSTGRES_PASSWORD", valueFrom: db.secretKeyRef("appPassword") },
    ...Object.entries(KEYCLOAK_ENV).map(([name, key]) => ({ name, valueFrom: keycloak.secretKeyRef(key) })),
  ];
}
