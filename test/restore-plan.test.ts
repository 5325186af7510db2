import { describe, expect, it } from "vitest";
import { stackNames } from "../components/names";
import { UsageError } from "../tools/cli/cli";
import * as specs from "../tools/cli/commands/specs";
import { runInProcess } from "./cli-harness";
import { BACKUP_FILE_PLACEHOLDER, formatRestorePlan, restorePlan, type RestorePlanInput } from "../tools/ops/restore-plan";

const input: RestorePlanInput = {
  stack: "prod",
  namespace: "f047a2-prod",
  project: "hcap-infra",
  names: stackNames("hcap"),
  databaseSpec: "postgres=hcap-patroni:5432/hcap",
  backupFile: "/backups/daily/2026-01-31/hcap-patroni-hcap_2026-01-31_02-00-00.sql.gz",
  timestamp: "202601311200",
};
const COPY = "/tmp/restore/hcap-patroni-hcap_2026-01-31_02-00-00.sql.gz";
const commands = (i: RestorePlanInput) => restorePlan(i).flatMap((s) => s.commands);

describe("restore plan", () => {
  it("is the ordered sequence: leader to member 0, maintenance on, checks, leader, fresh backup, restore, maintenance off, backup", () => {
    const c = commands(input);
    const order = [
      "oc -n f047a2-prod rsh hcap-patroni-0 patronictl -c patroni.yml switchover --candidate hcap-patroni-0 --force",
      "pulumi config set hcap-infra:maintenance restore -s prod",
      "pulumi up -s prod",
      "oc -n f047a2-prod rsh hcap-patroni-0 patronictl -c patroni.yml list",
      "oc -n f047a2-prod exec deployment/hcap-backup-restore -- /bin/bash /backup.sh -1",
      // A copy without the roles appended after the dump (they exist: ON_ERROR_STOP would fail the restore).
      "oc -n f047a2-prod exec deployment/hcap-backup-restore -- /bin/bash -c 'mkdir -p /tmp/restore && /bin/bash /etc/backup-container/role-free-copy.sh " +
        `"$(find /backups -type f -name "hcap-patroni-hcap_2026-01-31_02-00-00.sql.gz" | head -n 1)" ${COPY} && ls -l ${COPY}'`,
      `oc -n f047a2-prod exec -it deployment/hcap-backup-restore -- /bin/bash -c 'BACKUP_DIR=/tmp/restore/ ./backup.sh -r postgres=hcap-patroni:5432/hcap -f ${COPY} -a "$SUPERUSER_PASSWORD"'`,
      `oc -n f047a2-prod exec deployment/hcap-backup-restore -- /bin/bash /etc/backup-container/restore-check.sh ${COPY} hcap-patroni 5432 hcap`,
      "pulumi config rm hcap-infra:maintenance -s prod",
      "oc -n f047a2-prod create job --from=cronjob/hcap-backup hcap-backup-manual-202601311200",
    ];
    // Each command found after the one before it.
    let from = 0;
    for (const s of order) {
      const i = c.indexOf(s, from);
      expect(i, s).toBeGreaterThanOrEqual(0);
      from = i + 1;
    }
    expect(c.filter((s) => s === "pulumi up -s prod")).toHaveLength(2);
  });

  it("never prints the password: the pod's shell expands it from the Secret-backed env var", () => {
    const restore = commands(input).find((s) => s.includes("backup.sh -r"));
    expect(restore).toContain(`-a "$SUPERUSER_PASSWORD"'`);
    expect(commands(input).join("\n")).not.toMatch(/oc (get secret|extract)|base64/);
  });

  it("without a file, asks the operator to choose one from the list", () => {
    const text = formatRestorePlan(input, restorePlan({ ...input, backupFile: undefined }));
    expect(text).toContain(`-name "${BACKUP_FILE_PLACEHOLDER}"`);
    expect(text).toContain(`-f /tmp/restore/${BACKUP_FILE_PLACEHOLDER}`);
    expect(text).toContain("/backup.sh -l");
  });

  it.each(["x; rm -rf /", "$(id)", "../etc/passwd", "-r"])("refuses %j as a backup file", (file) => {
    expect(() => restorePlan({ ...input, backupFile: file })).toThrow(UsageError);
  });
});

describe("npm run restore-plan", () => {
  // In process, through the same runCommand as scripts/restore-plan.ts.
  const run = async (...args: string[]) => {
    const r = await runInProcess(specs.restorePlan, () => import("../tools/cli/commands/restore-plan"), args);
    return { status: r.code, stdout: r.stdout, stderr: r.stderr };
  };

  it("prints the plan with the stack's real names", async () => {
    const { status, stdout } = await run("test", "hcap-patroni-hcap_2026-01-31_02-00-00.sql.gz");
    expect(status).toBe(0);
    expect(stdout).toContain("pulumi config set hcap-infra:maintenance restore -s test");
    expect(stdout).toContain("oc -n f047a2-test rsh hcap-patroni-0 patronictl -c patroni.yml list");
    expect(stdout).toContain("./backup.sh -r postgres=hcap-patroni:5432/hcap -f /tmp/restore/hcap-patroni-hcap_2026-01-31_02-00-00.sql.gz");
  });

  it("refuses a stack that is not an environment, on stderr, exit 2", async () => {
    const { status, stdout, stderr } = await run("tools");
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain('restore-plan: unknown env "tools": one of dev, test, prod');
  });
});
