/**
 * npm run render -- <stack> [--plan | --outputs] | --snapshot <stack>…
 * Evaluates one stack offline and writes its Kubernetes objects as multi-document YAML (or, with
 * --plan, its resources and their safety options as JSON) to stdout. --snapshot (used by
 * `npm run diff` on a copy of the project at another ref) writes objects + plan as one JSON document,
 * secrets as HMAC digests under the key the caller passes in HCAP_INFRA_DIFF_KEY.
 */
import { runScript } from "../lib/cli";
import { render } from "../lib/commands/specs";

runScript(render, () => import("../lib/commands/render"));
