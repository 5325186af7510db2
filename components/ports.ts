/** Ports the applications and Patroni listen on: facts of the images, written once. */
export const PORTS = {
  /** hcap-server (Node/Express), the API under `/api/v1`. It reads the port from `SERVER_PORT`, default 8080. */
  server: 8080,
  /** hcap-client: nginx in the UBI nginx image, which listens on 8080 as an unprivileged user. */
  client: 8080,
  /** Postgres on every Patroni member. */
  postgres: 5432,
  /** Patroni's REST API (health, leader election). */
  patroniRest: 8008,
} as const;
