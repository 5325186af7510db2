/**
 * npm run adopt-check -- <stack> --live <file.yaml> [--live <file.yaml>…]
 * Compares what `oc get … -o yaml` returned from the stack's namespace with the stack's offline render:
 * which objects the first `pulumi up` imports, creates or leaves alone, the fields it changes, and any
 * change Pulumi can only make by replacing the object. Exits 1 when anything would be replaced,
 * refused or fail; secret values are compared in memory and never printed.
 */
import { runScript } from "../lib/cli";
import { adoptCheck } from "../lib/commands/specs";

runScript(adoptCheck, () => import("../lib/commands/adopt-check"));
