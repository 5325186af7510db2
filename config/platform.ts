/** Facts of the BC Gov OpenShift platform the program and its checks share, written once. */

/**
 * The storage classes of BC Gov Silver/Gold: RWO block (databases, snapshot-capable), the default
 * RWX file class, and the only class the platform backs up off-site (for backup volumes only).
 */
export const STORAGE_CLASSES = {
  block: "netapp-block-standard",
  file: "netapp-file-standard",
  backup: "netapp-file-backup",
} as const;

/**
 * Annotation prefix that waives one platform rule of `npm run check` and the policy pack for one
 * object (`hcap.bcgov/waive-<rule id>: <reason>`). The program writes waivers, the checker honours
 * them; both read the prefix from here.
 */
export const WAIVER_PREFIX = "hcap.bcgov/waive-";
