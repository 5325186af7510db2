/**
 * The database's names, which config validation needs for its messages (the volume lock, the password
 * source) and components/names.ts builds every Patroni name from. They live here because config/
 * imports nothing above it. The old `patroni.dc.yml` named them; live StatefulSets keep them.
 */

/** The Patroni StatefulSet, Service, Secret and scope: `<app>-patroni`. */
export function patroniName(appName: string): string {
  return `${appName}-patroni`;
}

/** The volume claim template of the Patroni StatefulSet (data volumes are `<vct>-<statefulset>-<ordinal>`). */
export const PATRONI_VOLUME_CLAIM_TEMPLATE = "postgresql";
