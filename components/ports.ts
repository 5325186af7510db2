/** Ports the applications and Patroni listen on: facts of the images, written once. */
export const PORTS = {
  /**
   * hcap-server (Node/Express): the API under `/api/v1` and the built web client, from one image
   * (the app repository's root Dockerfile copies the client build into the server). It reads the
   * port from `SERVER_PORT`, default 8080.
   */
  server: 8080,
  /** Postgres on every Patroni member. */
  postgres: 5432,
  /** Patroni's REST API (health, leader election). */
  patroniRest: 8008,
} as const;
