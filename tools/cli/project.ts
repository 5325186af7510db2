import * as path from "node:path";

/**
 * The project folder (where `Pulumi.yaml` is), so the scripts run from anywhere.
 * `HCAP_INFRA_PROJECT_DIR` points them at another copy (the tests use edited copies).
 */
export const PROJECT_DIR = process.env.HCAP_INFRA_PROJECT_DIR ?? path.resolve(__dirname, "..", "..");
