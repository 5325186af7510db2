/** npm run graph -- <stack> | --system [--write]: Mermaid diagrams (lib/commands/graph.ts). */
import { runScript } from "../lib/cli";
import { graph } from "../lib/commands/specs";

runScript(graph, () => import("../lib/commands/graph"));
