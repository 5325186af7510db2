/**
 * Ports the applications and Patroni listen on: facts of the images, written once.
 *
 * Services target these numbers, never a container port's name. A string `targetPort` is looked up
 * by name in each selected pod's container ports (core/v1 ServicePort.targetPort, openshift/api
 * openapi/openapi.json), and the pods the old templates made declare unnamed ports: a named
 * targetPort leaves a Service without endpoints from the adopting `up` until every old pod is
 * replaced (hcap-patroni for most of the Patroni rolling restart, hcap-server until its rollout). A
 * number matches the old pods and the new ones alike. Container ports keep their names; a Route's
 * `port.targetPort` names the Service's own port, which is unaffected.
 */
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
