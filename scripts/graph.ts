/** npm run graph -- <stack> | --system [--write]: Mermaid diagrams (tools/cli/commands/graph.ts). */
import { runScript } from "../tools/cli/cli";
import { graph } from "../tools/cli/commands/specs";

runScript(graph, () => import("../tools/cli/commands/graph"));
