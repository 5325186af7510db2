/**
 * What every command accepts and says about itself (`--help`, `npm run help`). Data only, with no
 * Pulumi import, so help and usage errors answer at once.
 */
import { ENVIRONMENTS, STACKS } from "../../../config/stacks";
import type { CommandSpec } from "../cli";

const stackArg = { name: "stack", description: "the stack to use", choices: STACKS } as const;

export const start: CommandSpec = {
  name: "start",
  summary: "render all four stacks into out/ and print a short summary of each",
  description: `Evaluates every stack offline (Pulumi's mock runtime, no cluster, no credentials) and writes
out/<stack>.yaml (its Kubernetes objects) and out/<stack>.plan.json (its resources and safety
options). Prints per stack: namespace, objects by kind, what is protected, the URLs, which commit
the environment runs and the secrets filled with placeholders; then one total line.`,
  args: [],
  options: {},
  examples: ["npm start", "npm run help"],
  helpFooter: () => commandIndex(),
};

export const render: CommandSpec = {
  name: "render",
  summary: "print one stack's Kubernetes objects as YAML (or its plan as JSON)",
  description: `Evaluates one stack offline and writes its objects as multi-document YAML to stdout (secrets
shown as [secret]); --plan writes every resource with its parent and safety options as JSON.
--snapshot (what npm run diff uses on the base ref) takes several stacks and prints one JSON line per
stack, all rendered in this one process. --outputs prints the stack outputs pulumi up exports (URLs,
commits, images, database Service, backup schedule) as JSON.`,
  args: [{ ...stackArg, repeat: true }],
  options: {
    plan: { type: "boolean", description: "the plan (resources, protect, retainOnDelete, …) as JSON" },
    snapshot: { type: "boolean", description: "objects and plan as one JSON document, secrets as digests (for diff)" },
    outputs: { type: "boolean", description: "the stack outputs as JSON (the values pulumi up exports)" },
  },
  examples: ["npm run render -- dev > dev.yaml", "npm run render -- prod --plan", "npm run render -- prod --outputs"],
};

export const check: CommandSpec = {
  name: "check",
  summary: "check schema, references and platform rules of the stacks (or of YAML files)",
  description: `Renders all four stacks (references cross stacks) and checks schema, references and BC Gov
platform rules; findings are grouped by stack and severity, the summary comes last. With --files
the arguments are YAML files instead (one namespace per file, all files one installation).
Exits 1 when there is an error.`,
  args: [{ name: "stack", description: "only report these stacks (default: all)", optional: true, repeat: true, choices: STACKS }],
  options: {
    files: { type: "boolean", description: "the arguments are YAML files, not stacks" },
    openapi: {
      type: "string",
      value: "<openapi.json>",
      description: "also validate against this OpenAPI document (oc get --raw /openapi/v2)",
    },
    format: { type: "string", value: "<text|json|github>", description: "text, json, or github (workflow annotations)", default: "text" },
    json: { type: "boolean", description: "same as --format json" },
    verbose: { type: "boolean", short: "v", description: "list each object the schema check skipped" },
  },
  altUsage: ["npm run check -- --files <a.yaml> [<b.yaml>…] [--openapi <openapi.json>] [--format <text|json|github>]"],
  positionalsFree: (values) => values.files === true,
  examples: ["npm run check", "npm run check -- prod --format github", "npm run check -- --files tools.yaml dev.yaml"],
};

export const diff: CommandSpec = {
  name: "diff",
  summary: "Markdown report of what a change does to the stacks, against a git ref",
  description: `Renders the stacks (default: all four) at the base ref (with that ref's own code, in a temporary
git worktree, all in one child process) and in the working tree (in this process), and prints Markdown
per stack: a one-line summary, safety-relevant plan changes, objects added / removed / changed field by
field, and the changed part of the stack's graph. Secret values are compared by keyed digest and never
printed. Default base: merge-base of HEAD and origin/main.`,
  args: [{ name: "stack", description: "the stacks to compare (default: all four)", optional: true, repeat: true, choices: STACKS }],
  options: {
    base: { type: "string", value: "<git-ref>", description: "compare against this ref" },
    "exit-code": { type: "boolean", description: "exit 3 when any stack changed (0 when none)" },
    "out-dir": { type: "string", value: "<dir>", description: "also write each stack's report to <dir>/<stack>.md" },
  },
  examples: ["npm run diff -- dev", "npm run diff -- prod --base HEAD~1 --exit-code", "npm run diff -- --out-dir offline-diff"],
};

export const promote: CommandSpec = {
  name: "promote",
  summary: "record which commit an environment runs (Pulumi.tools.yaml)",
  description: `Sets hcap-infra:<env>Commit in Pulumi.tools.yaml to the commit's 7-character tag and prints the
pulumi commands that apply it. Needs no cluster and no Pulumi login. prod takes only the commit
test runs; --override "<reason>" (emergencies) promotes anyway and prints the reason for the record.`,
  args: [
    { name: "env", description: "the environment", choices: ENVIRONMENTS },
    { name: "commit-sha", description: "7 to 40 hex digits of the commit CI built" },
  ],
  options: {
    override: { type: "string", description: "prod only: promote a commit test does not run, for this reason" },
  },
  examples: ["npm run promote -- test 2a5b7fa"],
};

export const restorePlan: CommandSpec = {
  name: "restore-plan",
  summary: "print the ordered commands of a database restore for one environment",
  description: `Prints a numbered runbook (commands and a check per step) to restore an environment's database
from a backup, with the names taken from the stack's render.`,
  args: [
    { name: "env", description: "the environment", choices: ENVIRONMENTS },
    { name: "backup-file", description: "path of the backup in the backup volume (default: the latest)", optional: true },
  ],
  options: {},
  examples: [
    "npm run restore-plan -- prod",
    "npm run restore-plan -- test /backups/daily/2026-01-31/hcap-patroni-hcap_2026-01-31_02-00-00.sql.gz",
  ],
};

export const adoptCheck: CommandSpec = {
  name: "adopt-check",
  summary: "compare a namespace's live objects (oc get -o yaml) with the stack's render",
  description: `Reads what oc get … -o yaml returned from the stack's namespace and compares it with the render:
what the first pulumi up imports, creates or leaves alone, the fields it changes, and anything it
could only change by replacing the object. Exits 1 when anything would be replaced, refused or fail.`,
  args: [stackArg],
  options: { live: { type: "string", multiple: true, value: "<file.yaml>", description: "live objects (repeatable); required" } },
  examples: ["oc -n f047a2-dev get all,secret,configmap,pvc -o yaml > live.yaml", "npm run adopt-check -- dev --live live.yaml"],
};

export const bench: CommandSpec = {
  name: "bench",
  summary: "time offline renders and program start-up (shows progress and time left)",
  description: `Compares, A against B run alternately, the whole-process CPU of render, npm start and the
program load against the import floor (node loading the Pulumi SDK alone) and against a tsx load;
prints medians of pair ratios and peak memory. Progress and time left go to stderr.`,
  args: [],
  options: { runs: { type: "string", value: "<n>", description: "pairs per comparison, 1 to 50", default: "5" } },
  examples: ["npm run bench -- --runs 1"],
};

export const graph: CommandSpec = {
  name: "graph",
  summary: "print a stack's structure as a Mermaid diagram (or the README's system diagrams)",
  description: `Prints a Mermaid flowchart of one stack: its components, their Kubernetes objects and the
references between them (Service -> pods, Route -> Service, env -> Secret keys, trigger -> image
tag, CronJob -> volumes). With --system: the diagrams of the whole system that README.md shows
(four namespaces and the data flow, the five workflows and when each runs); --write puts them
into README.md.`,
  args: [{ ...stackArg, optional: true }],
  options: {
    system: { type: "boolean", description: "the whole-system diagrams instead of one stack" },
    write: { type: "boolean", description: "with --system: update the diagrams in README.md" },
  },
  examples: ["npm run graph -- dev", "npm run graph -- --system --write"],
};

export const maintenanceGate: CommandSpec = {
  name: "maintenance-gate",
  summary: "refuse a pipeline apply that would end an environment's restore maintenance",
  description: `Run by the pipelines before they apply or drift-check an environment. --live holds the output of
oc get configmaps -l hcap-infra/maintenance -o json in the environment's namespace (empty: none).
Exits 0 to go ahead, 4 when the environment is in restore maintenance and the config this run would
apply does not keep it; the message says why and how maintenance ends.`,
  args: [{ name: "env", description: "the environment", choices: ENVIRONMENTS }],
  options: { live: { type: "string", value: "<file.json>", description: "the live maintenance ConfigMaps; required" } },
  examples: ["oc get configmaps -l hcap-infra/maintenance -o json > live.json", "npm run maintenance-gate -- prod --live live.json"],
};

export const backupTags: CommandSpec = {
  name: "backup-tags",
  summary: "list the backup image tags the environment stacks run (for the deploy workflow)",
  description: `Prints, one per line, the backup image tags (hcap-backup:<release>) the environment stacks run.
The deploy workflow fails loudly when one of them was never built in tools.`,
  args: [],
  options: {},
  examples: ["npm run --silent backup-tags"],
};

export const help: CommandSpec = {
  name: "help",
  summary: "list every command with one line each",
  description: "Lists the commands. Each one explains itself with --help.",
  args: [],
  options: {},
  examples: ["npm run help", "npm run check -- --help"],
};

/** Every command, in the order `npm run help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  start,
  render,
  check,
  diff,
  graph,
  promote,
  restorePlan,
  adoptCheck,
  maintenanceGate,
  backupTags,
  bench,
  help,
];

/** `npm run help`: every command and its one line. */
export function commandIndex(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "commands (each explains itself with --help, e.g. npm run diff -- --help):",
    ...COMMANDS.map((c) => `  ${(c.name === "start" ? "npm start" : `npm run ${c.name}`).padEnd(width + 8)}  ${c.summary}`),
    "",
    "exit codes: 0 done, 1 problems found or failure, 2 usage or input error, 3 diff --exit-code: changes,",
    "4 maintenance-gate: in restore maintenance",
    "",
  ].join("\n");
}
