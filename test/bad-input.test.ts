/**
 * Bad stack-file values, one row per case, across every class config validation refuses: each is
 * rejected with the stack file, the key and the reason, before a single resource is declared, and a
 * credential in the input never appears in the message. A sample runs through `npm run render` for
 * the exit code and the empty stdout.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../config";
import { projectWithStacks, registeredCount, render } from "./harness";
import * as specs from "../tools/cli/commands/specs";
import { launchArgs, runInProcess, scriptEnv } from "./cli-harness";

interface Row {
  readonly name: string;
  readonly stack: string;
  /** Keys set (or, undefined, deleted) in the stack file. */
  readonly edit?: Record<string, unknown>;
  /** Raw text of files (relative to the project), replacing them. */
  readonly files?: Record<string, string>;
  /** Other stack files edited in the same project. */
  readonly others?: Record<string, Record<string, unknown>>;
  /** `<file>: <key>: <start of the reason>` expected in the message. */
  readonly expected: string;
  /** Text that must not appear anywhere in the message (a credential). */
  readonly secret?: string;
}

const K = (key: string): string => `hcap-infra:${key}`;
const APP_36 = "a".repeat(36);
const TOKEN = "ghp_" + "Zx9".repeat(12);
const KUBECONFIG = `apiVersion: v1\nkind: Config\nusers:\n- name: me\n  user:\n    token: sha256~${"q".repeat(40)}\n`;
const dev = (rest: string): string => `config:\n${rest}`;

const ROWS: readonly Row[] = [
  // Names derived from appName
  {
    name: "appName one character too long for the restore plan's Job",
    stack: "dev",
    edit: { [K("appName")]: `${APP_36}b` },
    expected: `Pulumi.dev.yaml: ${K("appName")}: is 37 characters, more than 36: the names derived from it would exceed Kubernetes limits (e.g. the restore plan's Job ${APP_36}b-backup-manual-<YYYYMMDDHHmm> would be 64 characters`,
  },
  {
    name: "appName of 60 characters",
    stack: "prod",
    edit: { [K("appName")]: "x".repeat(60) },
    expected: `Pulumi.prod.yaml: ${K("appName")}: is 60 characters, more than 36`,
  },
  {
    name: "appName starting with a digit (Service names are DNS-1035)",
    stack: "test",
    edit: { [K("appName")]: "1hcap" },
    expected: `Pulumi.test.yaml: ${K("appName")}: must start with a letter and be lower-case letters, digits and '-' (DNS-1035 label)`,
  },
  {
    name: "appName with an underscore",
    stack: "tools",
    edit: { [K("appName")]: "hcap_app" },
    expected: `Pulumi.tools.yaml: ${K("appName")}: must start with a letter`,
  },
  {
    name: "appName in upper case",
    stack: "dev",
    edit: { [K("appName")]: "Hcap" },
    expected: `Pulumi.dev.yaml: ${K("appName")}: must start with a letter`,
  },

  // Quantities without units or absurd sizes
  {
    name: "memory without a unit (512 bytes)",
    stack: "dev",
    edit: { [K("serverMemoryLimit")]: "512" },
    expected: `Pulumi.dev.yaml: ${K("serverMemoryLimit")}: must have a unit such as Mi or Gi (512 without one means 512 bytes)`,
  },
  {
    name: "500 cores",
    stack: "prod",
    edit: { [K("patroniCpuLimit")]: "500" },
    expected: `Pulumi.prod.yaml: ${K("patroniCpuLimit")}: 500 cores is more CPU than any BC Gov namespace can hold (limits at most 64 cores)`,
  },
  {
    name: "99999999Ti of backup volume",
    stack: "prod",
    edit: { [K("backupVolumeSize")]: "99999999Ti" },
    expected: `Pulumi.prod.yaml: ${K("backupVolumeSize")}: 99999999Ti is more storage than any BC Gov namespace can hold (at most 512Gi)`,
  },
  {
    name: "a volume smaller than NetApp's smallest",
    stack: "prod",
    edit: { [K("backupVerificationVolumeSize")]: "10Mi" },
    expected: `Pulumi.prod.yaml: ${K("backupVerificationVolumeSize")}: 10Mi is less than the smallest volume (20Mi)`,
  },
  {
    name: "memory request below 1Mi",
    stack: "test",
    edit: { [K("serverMemoryRequest")]: "512Ki" },
    expected: `Pulumi.test.yaml: ${K("serverMemoryRequest")}: 512Ki is less than 1Mi of memory`,
  },
  {
    name: "300Gi of memory for one container",
    stack: "dev",
    edit: { [K("clientMemoryLimit")]: "300Gi" },
    expected: `Pulumi.dev.yaml: ${K("clientMemoryLimit")}: 300Gi is more memory than any BC Gov namespace can hold (limits at most 256Gi)`,
  },
  {
    name: "a Keycloak realm of 300 characters (it lands in a Secret)",
    stack: "dev",
    edit: { [K("keycloakRealm")]: "r".repeat(300) },
    expected: `Pulumi.dev.yaml: ${K("keycloakRealm")}: must be a Keycloak realm name of at most 255 characters`,
  },

  // Counts outside int32 and sensible bounds
  {
    name: "3,000,000,000 server replicas (beyond int32)",
    stack: "prod",
    edit: { [K("serverReplicas")]: 3_000_000_000 },
    expected: `Pulumi.prod.yaml: ${K("serverReplicas")}: must be at most 2147483647, the largest 32-bit integer, the width of Kubernetes counts (got 3000000000)`,
  },
  {
    name: "1,000,000 Patroni replicas (more than any namespace holds)",
    stack: "prod",
    edit: { [K("patroniReplicas")]: 1_000_000 },
    expected: `Pulumi.prod.yaml: ${K("patroniReplicas")}: 1000000 replicas request 250000 cores in total, more than any BC Gov namespace can hold (32)`,
  },
  {
    name: "100 server replicas of 500m each",
    stack: "prod",
    edit: { [K("serverReplicas")]: 100 },
    expected: `Pulumi.prod.yaml: ${K("serverReplicas")}: 100 replicas request 50 cores in total`,
  },
  {
    name: "a retention count beyond any sensible retention",
    stack: "test",
    edit: { [K("backupDailyCount")]: "99999999999" },
    expected: `Pulumi.test.yaml: ${K("backupDailyCount")}: must be at most 366, a year of daily backups (got 99999999999)`,
  },
  {
    name: "client replicas one beyond int32",
    stack: "dev",
    edit: { [K("clientReplicas")]: 2_147_483_648 },
    expected: `Pulumi.dev.yaml: ${K("clientReplicas")}: must be at most 2147483647`,
  },

  // Route hosts
  {
    name: "a host with an underscore",
    stack: "dev",
    edit: { [K("serverHost")]: "hcap_server.apps.gold.devops.gov.bc.ca" },
    expected: `Pulumi.dev.yaml: ${K("serverHost")}: must be a lower-case DNS name of at most 253 characters`,
  },
  {
    name: "a host without a domain",
    stack: "test",
    edit: { [K("clientHost")]: "localhost" },
    expected: `Pulumi.test.yaml: ${K("clientHost")}: must be a fully qualified host name (it has no domain)`,
  },
  {
    name: "a host segment of 64 characters",
    stack: "prod",
    edit: { [K("clientHost")]: `${"h".repeat(64)}.apps.gold.devops.gov.bc.ca` },
    expected: `Pulumi.prod.yaml: ${K("clientHost")}: has a segment of 64 characters`,
  },
  {
    name: "a host in upper case",
    stack: "dev",
    edit: { [K("clientHost")]: "HCAP.apps.gold.devops.gov.bc.ca" },
    expected: `Pulumi.dev.yaml: ${K("clientHost")}: must be a lower-case DNS name`,
  },
  {
    name: "a host another stack's Route already claims",
    stack: "dev",
    edit: { [K("serverHost")]: "hcap-server-f047a2-test.apps.gold.devops.gov.bc.ca" },
    expected: `Pulumi.dev.yaml: ${K("serverHost")}: hcap-server-f047a2-test.apps.gold.devops.gov.bc.ca is also ${K("serverHost")} in Pulumi.test.yaml: the router admits a host for one Route only`,
  },
  {
    name: "the client host of one stack as the server host of another",
    stack: "prod",
    edit: { [K("clientHost")]: "hcap-f047a2-dev.apps.gold.devops.gov.bc.ca" },
    expected: `Pulumi.prod.yaml: ${K("clientHost")}: hcap-f047a2-dev.apps.gold.devops.gov.bc.ca is also ${K("clientHost")} in Pulumi.dev.yaml`,
  },

  // Images and tags
  {
    name: "an image tag with a space",
    stack: "prod",
    edit: { [K("patroniImageTag")]: "12.4 latest" },
    expected: `Pulumi.prod.yaml: ${K("patroniImageTag")}: is not a valid image tag`,
  },
  {
    name: "an image tag starting with a dot",
    stack: "tools",
    edit: { [K("patroniImageTag")]: ".12" },
    expected: `Pulumi.tools.yaml: ${K("patroniImageTag")}: is not a valid image tag`,
  },
  {
    name: "an image repository in upper case",
    stack: "tools",
    edit: { [K("patroniSourceImage")]: "artifacts.developer.gov.bc.ca/Patroni:12" },
    expected: `Pulumi.tools.yaml: ${K("patroniSourceImage")}: is not a valid image reference`,
  },
  {
    name: "an image reference with two colons",
    stack: "tools",
    edit: { [K("patroniSourceImage")]: "artifacts.developer.gov.bc.ca/x/patroni::12" },
    expected: `Pulumi.tools.yaml: ${K("patroniSourceImage")}: is not a valid image reference`,
  },
  {
    name: "a base image with a malformed digest",
    stack: "tools",
    edit: { [K("backupBaseImage")]: "registry.access.redhat.com/rhel8/postgresql-12@sha256:xyz" },
    expected: `Pulumi.tools.yaml: ${K("backupBaseImage")}: is not a valid image reference`,
  },
  {
    name: "a git ref git refuses",
    stack: "tools",
    edit: { [K("gitRef")]: "main..dev" },
    expected: `Pulumi.tools.yaml: ${K("gitRef")}: must be a git branch, tag or commit`,
  },

  // Time zones
  {
    name: "a time zone in lower case (Go's lookup is case-sensitive)",
    stack: "prod",
    edit: { [K("backupTimeZone")]: "america/vancouver" },
    expected: `Pulumi.prod.yaml: ${K("backupTimeZone")}: is not spelled as in the IANA database: America/Vancouver`,
  },
  {
    name: "the Local time zone",
    stack: "dev",
    edit: { [K("backupTimeZone")]: "Local" },
    expected: `Pulumi.dev.yaml: ${K("backupTimeZone")}: must be an explicit IANA time zone (Local is refused by the API server)`,
  },
  {
    name: "a time zone that does not exist",
    stack: "test",
    edit: { [K("backupTimeZone")]: "Mars/Olympus_Mons" },
    expected: `Pulumi.test.yaml: ${K("backupTimeZone")}: must be an IANA time zone name such as America/Vancouver`,
  },
  {
    name: "a time zone written as words",
    stack: "dev",
    edit: { [K("backupTimeZone")]: "Pacific Time" },
    expected: `Pulumi.dev.yaml: ${K("backupTimeZone")}: must be an IANA time zone name`,
  },

  // Schedules on the same volume
  {
    name: "verification at the same time as the backup",
    stack: "prod",
    edit: { [K("backupVerifySchedule")]: "0 2 * * *" },
    expected: `Pulumi.prod.yaml: ${K("backupVerifySchedule")}: starts within 60 minutes of ${K("backupSchedule")}`,
  },
  {
    name: "verification half an hour after the backup",
    stack: "prod",
    edit: { [K("backupVerifySchedule")]: "30 2 * * *" },
    expected: `Pulumi.prod.yaml: ${K("backupVerifySchedule")}: starts within 60 minutes of ${K("backupSchedule")}`,
  },

  // Prefixes
  {
    name: "a clear-text secret under another prefix",
    stack: "dev",
    edit: { "hcap:keycloakApiSecret": "hunter2-s3cret" },
    expected:
      "Pulumi.dev.yaml: hcap:keycloakApiSecret: has the prefix hcap:, which this program never reads (its keys are hcap-infra:<key>, e.g. hcap-infra:keycloakApiSecret)",
    secret: "hunter2-s3cret",
  },
  {
    name: "a misspelt project prefix",
    stack: "test",
    edit: { "hcap-infa:serverReplicas": 2 },
    expected: "Pulumi.test.yaml: hcap-infa:serverReplicas: has the prefix hcap-infa:",
  },
  {
    name: "a provider key the program never reads",
    stack: "prod",
    edit: { "kubernetes:context": "other" },
    expected: "Pulumi.prod.yaml: kubernetes:context: has the prefix kubernetes:",
  },
  {
    name: "the same key with and without the prefix",
    stack: "dev",
    edit: { serverReplicas: 2 },
    expected: `Pulumi.dev.yaml: serverReplicas: is also written as ${K("serverReplicas")}; keep one`,
  },

  // Null and empty values
  {
    name: "a key with no value (YAML null) is not replaced by the default",
    stack: "dev",
    files: { "Pulumi.dev.yaml": dev("  hcap-infra:patroniReplicas:\n") },
    expected: `Pulumi.dev.yaml: ${K("patroniReplicas")}: has no value (YAML null or blank); give a value, or delete the line to use the default from Pulumi.yaml`,
  },
  {
    name: "a blank value",
    stack: "test",
    edit: { [K("serverHost")]: "   " },
    expected: `Pulumi.test.yaml: ${K("serverHost")}: has no value`,
  },
  {
    name: "an empty realm",
    stack: "prod",
    edit: { [K("keycloakRealm")]: "" },
    expected: `Pulumi.prod.yaml: ${K("keycloakRealm")}: must not be empty`,
  },
  {
    name: "an empty replica count",
    stack: "dev",
    edit: { [K("serverReplicas")]: "" },
    expected: `Pulumi.dev.yaml: ${K("serverReplicas")}: must be a whole number`,
  },

  // YAML errors and non-mapping config blocks
  {
    name: "a key written twice",
    stack: "dev",
    files: { "Pulumi.dev.yaml": dev("  hcap-infra:serverReplicas: 1\n  hcap-infra:serverReplicas: 2\n") },
    expected: `Pulumi.dev.yaml: ${K("serverReplicas")}: is written twice (line 3); YAML keys must be unique`,
  },
  {
    name: "a YAML syntax error",
    stack: "test",
    files: { "Pulumi.test.yaml": dev('  hcap-infra:serverHost: "unclosed\n') },
    expected: 'Pulumi.test.yaml: line 3, column 1: is not valid YAML: Missing closing "quote',
  },
  {
    name: "a list as the config block",
    stack: "prod",
    files: { "Pulumi.prod.yaml": "config:\n  - hcap-infra:serverReplicas: 2\n" },
    expected: "Pulumi.prod.yaml: config: must be a mapping of hcap-infra:<key>: <value> (it is a list)",
  },
  {
    name: "a scalar as the config block",
    stack: "dev",
    files: { "Pulumi.dev.yaml": "config: serverReplicas=2\n" },
    expected: "Pulumi.dev.yaml: config: must be a mapping of hcap-infra:<key>: <value> (it is a string)",
  },
  {
    name: "a stack file that is a list",
    stack: "tools",
    files: { "Pulumi.tools.yaml": "- config\n" },
    expected: "Pulumi.tools.yaml: (document): must be a YAML mapping",
  },
  {
    name: "a YAML error in Pulumi.yaml",
    stack: "dev",
    files: { "Pulumi.yaml": "name: hcap-infra\nconfig:\n  appName: [\n" },
    expected: "Pulumi.yaml: line",
  },

  // Credentials in plain keys
  {
    name: "a token in gitRepository",
    stack: "tools",
    edit: { [K("gitRepository")]: `https://x-access-token:${TOKEN}@github.com/bcgov/hcap.git` },
    expected: `Pulumi.tools.yaml: ${K("gitRepository")}: is a URL with a user name or password in it: a plain setting is printed by render, diff and CI logs, so it is refused (value not shown)`,
    secret: TOKEN,
  },
  {
    name: "kubeconfig contents in a plain key",
    stack: "prod",
    edit: { [K("kubeconfig")]: KUBECONFIG },
    expected: `Pulumi.prod.yaml: ${K("kubeconfig")}: holds kubeconfig contents (with credentials), not a path`,
    secret: "q".repeat(40),
  },
  {
    name: "a token pasted into the realm",
    stack: "dev",
    edit: { [K("keycloakRealm")]: TOKEN },
    expected: `Pulumi.dev.yaml: ${K("keycloakRealm")}: holds an access token`,
    secret: TOKEN,
  },
  {
    name: "a password pasted into a CPU key is not repeated",
    stack: "dev",
    edit: { [K("serverCpuLimit")]: "Zq9xL2m#Pw8Rt" },
    expected: `Pulumi.dev.yaml: ${K("serverCpuLimit")}: must be a CPU quantity such as 250m or 1 (got <value not shown>)`,
    secret: "Zq9xL2m#Pw8Rt",
  },
  {
    name: "a password pasted into the volume lock is not repeated",
    stack: "prod",
    edit: { [K("patroniVolumeLock")]: "Zq9xL2m#Pw8Rt" },
    expected: `Pulumi.prod.yaml: ${K("patroniVolumeLock")}: must be none or <size>/<storage class>`,
    secret: "Zq9xL2m#Pw8Rt",
  },
  {
    name: "a password in the Keycloak URL",
    stack: "test",
    edit: { [K("keycloakAuthUrl")]: "https://admin:pa55word-x@test.loginproxy.gov.bc.ca/auth" },
    expected: `Pulumi.test.yaml: ${K("keycloakAuthUrl")}: is a URL with a user name or password in it`,
    secret: "pa55word-x",
  },

  // One licence plate across stacks
  {
    name: "a licence plate that differs from the other stacks'",
    stack: "dev",
    edit: { [K("licencePlate")]: "abc123" },
    expected: `Pulumi.dev.yaml: ${K("licencePlate")}: is abc123 here but f047a2 in Pulumi.test.yaml, f047a2 in Pulumi.prod.yaml, f047a2 in Pulumi.tools.yaml`,
  },
  {
    name: "another stack's plate differs from this one",
    stack: "prod",
    others: { test: { [K("licencePlate")]: "abc123" } },
    expected: `Pulumi.yaml: ${K("licencePlate")}: is f047a2 here but abc123 in Pulumi.test.yaml`,
  },
];

function projectFor(row: Row): string {
  const dir = projectWithStacks({ ...row.others, [row.stack]: row.edit ?? {} });
  for (const [file, text] of Object.entries(row.files ?? {})) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

describe("bad input is rejected before anything is declared, naming the file, the key and the reason", () => {
  it("the table covers at least 40 cases", () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(40);
  });

  for (const row of ROWS) {
    it(`${row.stack}: ${row.name}`, async () => {
      let error: unknown;
      try {
        await render(row.stack, { projectDir: projectFor(row) });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect(message).toContain(row.expected);
      expect(message).not.toMatch(/\n\s+at /);
      if (row.secret) expect(message).not.toContain(row.secret);
      expect(registeredCount()).toBe(0);
    });
  }
});

describe("npm run render on bad input: exit 2, the reason on stderr, nothing on stdout", () => {
  const sample = ROWS.filter((r) =>
    [
      "a token in gitRepository",
      "a key written twice",
      "a clear-text secret under another prefix",
      "500 cores",
      "a time zone in lower case (Go's lookup is case-sensitive)",
    ].includes(r.name),
  );

  it(`${sample.length} cases from different classes`, async () => {
    expect(sample).toHaveLength(5);
    // Rows whose secret must stay out of everything the process prints run as real processes (the
    // Pulumi runtime could print to stderr past the command's Io); the others through the same
    // runCommand in process.
    const spawned = (row: Row) =>
      new Promise<{ row: Row; status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, launchArgs("render", [row.stack]), {
          env: scriptEnv({ projectDir: projectFor(row) }),
          stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("close", (status) => resolve({ row, status, stdout, stderr }));
      });
    const inProcess = async (row: Row) => {
      const r = await runInProcess(specs.render, () => import("../tools/cli/commands/render"), [row.stack], projectFor(row));
      return { row, status: r.code, stdout: r.stdout, stderr: r.stderr };
    };
    const children = sample.filter((r) => r.secret).map(spawned);
    // One evaluation at a time in this process: the Pulumi runtime is global to it.
    const local = [];
    for (const row of sample.filter((r) => !r.secret)) local.push(await inProcess(row));
    const runs = [...(await Promise.all(children)), ...local];
    expect(runs.length).toBe(5);
    for (const r of runs) {
      expect({ name: r.row.name, status: r.status, stdout: r.stdout }).toEqual({ name: r.row.name, status: 2, stdout: "" });
      expect(r.stderr).toContain(r.row.expected);
      if (r.row.secret) expect(r.stderr).not.toContain(r.row.secret);
    }
  }, 120_000);
});
