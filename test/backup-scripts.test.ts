/**
 * The shell the verify CronJob and the restore plan run, executed here with bash, gzip and GNU sed
 * over a backup file shaped like bcgov/backup-container 2.13.0 writes it (pg_dump, then the appended
 * `pg_dumpall --roles-only`, whose sed keeps the unquoted `CREATE ROLE hcap;`).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { RESTORE_CHECK_SCRIPT, ROLE_FREE_COPY_SCRIPT, roleFreeCopy, verifyLatestScript } from "../components/backup-scripts";

const DUMP = [
  "--",
  "-- PostgreSQL database dump",
  "--",
  "SET statement_timeout = 0;",
  "CREATE TABLE public.participant (id integer NOT NULL, note text);",
  "ALTER TABLE public.participant OWNER TO hcap;",
  "COPY public.participant (id, note) FROM stdin;",
  "1\tCREATE ROLE is only text in a row",
  "2\tplain",
  "\\.",
  "ALTER DEFAULT PRIVILEGES FOR ROLE hcap IN SCHEMA public GRANT ALL ON TABLES TO hcap;",
  "--",
  "-- PostgreSQL database dump complete",
  "--",
  "",
].join("\n");
const ROLES = [
  "SET default_transaction_read_only = off;",
  "--",
  "-- Roles",
  "--",
  "CREATE ROLE hcap;",
  "ALTER ROLE hcap WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN NOREPLICATION NOBYPASSRLS;",
  "CREATE ROLE replication;",
  "ALTER ROLE replication WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN REPLICATION NOBYPASSRLS;",
  "",
].join("\n");

function workdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "hcap-backup-"));
}

/** A backup file as the plug-in writes it: two gzip members, the dump then the roles. */
function writeBackup(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.concat([gzipSync(DUMP), gzipSync(ROLES)]));
}

describe("role-free copy of a backup", () => {
  it("drops exactly the appended CREATE/ALTER ROLE statements and keeps every line of the dump", () => {
    const dir = workdir();
    writeBackup(path.join(dir, "in.sql.gz"));
    execFileSync("bash", ["-c", roleFreeCopy(path.join(dir, "in.sql.gz"), path.join(dir, "out.sql.gz"))]);
    const out = gunzipSync(fs.readFileSync(path.join(dir, "out.sql.gz"))).toString();
    expect(out.startsWith(DUMP)).toBe(true);
    expect(out).not.toMatch(/^(CREATE|ALTER) ROLE /m);
    expect(out).toContain("SET default_transaction_read_only = off;");
  });
});

describe("verify script", () => {
  it("copies the newest backup, role-free, into the verify folder, then hands over to backup.sh", () => {
    const dir = workdir();
    const backups = path.join(dir, "backups");
    const verify = path.join(dir, "verify");
    fs.mkdirSync(verify);
    writeBackup(path.join(backups, "daily", "2026-01-30", "hcap-patroni-hcap_2026-01-30_02-00-00.sql.gz"));
    const newest = path.join(backups, "daily", "2026-01-31", "hcap-patroni-hcap_2026-01-31_02-00-00.sql.gz");
    writeBackup(newest);
    fs.utimesSync(path.join(backups, "daily", "2026-01-30", "hcap-patroni-hcap_2026-01-30_02-00-00.sql.gz"), 1_700_000_000, 1_700_000_000);
    // Stop before backup.sh, which is not here: replace the final exec.
    const script = verifyLatestScript(backups, verify).replace("exec /bin/bash /backup.sh -s -v all", "echo handed-over");
    const stdout = execFileSync("bash", ["-c", script], { encoding: "utf8" });
    expect(stdout).toContain(`Verifying ${newest}`);
    expect(stdout.trim().endsWith("handed-over")).toBe(true);
    expect(fs.readdirSync(verify)).toEqual(["hcap-patroni-hcap_2026-01-31_02-00-00.sql.gz"]);
    expect(gunzipSync(fs.readFileSync(path.join(verify, fs.readdirSync(verify)[0]))).toString()).not.toMatch(/^CREATE ROLE /m);
  });

  it("fails, saying so, when there is no backup at all", () => {
    const dir = workdir();
    fs.mkdirSync(path.join(dir, "backups"));
    let status = 0;
    let stderr = "";
    try {
      execFileSync("bash", ["-c", verifyLatestScript(path.join(dir, "backups"), dir)], { stdio: "pipe" });
    } catch (e) {
      status = (e as { status: number }).status;
      stderr = String((e as { stderr: Buffer }).stderr);
    }
    expect(status).toBe(1);
    expect(stderr).toContain("Backup verification failed: no backup file");
  });
});

describe("restore check", () => {
  /** Runs restore-check.sh with a stand-in `psql` on PATH that prints `rows` (what \gexec would). */
  function check(rows: string): { status: number; stdout: string; stderr: string } {
    const dir = workdir();
    writeBackup(path.join(dir, "copy.sql.gz"));
    fs.writeFileSync(path.join(dir, "restore-check.sh"), RESTORE_CHECK_SCRIPT);
    fs.writeFileSync(path.join(dir, "psql"), `#!/bin/bash\ncat >/dev/null\nprintf '%s' '${rows}'\n`, { mode: 0o755 });
    try {
      const stdout = execFileSync(
        "bash",
        [path.join(dir, "restore-check.sh"), path.join(dir, "copy.sql.gz"), "hcap-patroni", "5432", "hcap"],
        {
          encoding: "utf8",
          stdio: "pipe",
          env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, DATABASE_USER: "hcap", DATABASE_PASSWORD: "x" },
        },
      );
      return { status: 0, stdout, stderr: "" };
    } catch (e) {
      const err = e as { status: number; stdout: string; stderr: string };
      return { status: err.status, stdout: err.stdout, stderr: err.stderr };
    }
  }

  it("passes when every table of the backup has its rows in the database", () => {
    const r = check("public.participant 2\n");
    expect(r.stdout).toContain("Restored data matches the backup: 1 tables, 2 rows.");
    expect(r.status).toBe(0);
  });

  it.each([
    ["a row missing", "public.participant 1\n"],
    ["an empty database", ""],
  ])("fails with the difference on %s", (_, rows) => {
    const r = check(rows);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("< public.participant 2");
  });

  it("the role-free-copy.sh shipped to the restore tool makes the same copy", () => {
    const dir = workdir();
    writeBackup(path.join(dir, "in.sql.gz"));
    fs.writeFileSync(path.join(dir, "role-free-copy.sh"), ROLE_FREE_COPY_SCRIPT);
    execFileSync("bash", [path.join(dir, "role-free-copy.sh"), path.join(dir, "in.sql.gz"), path.join(dir, "out.sql.gz")]);
    expect(gunzipSync(fs.readFileSync(path.join(dir, "out.sql.gz"))).toString()).not.toMatch(/^(CREATE|ALTER) ROLE /m);
  });
});
