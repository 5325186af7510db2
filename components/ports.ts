/** Ports the applications and Patroni listen on: facts of the images, written once. */
export const PORTS = {
  /** hcap-server (Node API). */
  server: 8080,
  /** hcap-client (static web client). */
  client: 8080,
  /** Postgres on every Patroni member. */
  postgres: 5432,
  /** Patroni's REST API (health, leader election). */
  patroniRest: 8008,
} as const;
