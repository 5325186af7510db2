/**
 * Shell snippets run inside the backup container (bcgov/backup-container 2.13.0) by the verify
 * CronJob and printed by the restore plan. Pure strings, so the tests can run them with bash.
 *
 * Why they exist: each backup file is `pg_dump` of the database followed by
 * `pg_dumpall --roles-only` (docker/backup.postgres.plugin `onBackupDatabase`), whose `sed` deletes
 * only `CREATE ROLE postgres;` and the *quoted* `CREATE ROLE "<user>";` — pg_dumpall writes simple
 * names unquoted, so `CREATE ROLE hcap;` stays. The restore (`onRestoreDatabase`) runs psql with
 * `ON_ERROR_STOP=1`, so on a server where those roles exist (the live cluster, or the verification
 * server that creates DATABASE_USER) it stops at the first `CREATE ROLE` after the data is in and
 * reports failure. The role statements are only ever appended after pg_dump's own closing line, so
 * deleting them from there on leaves the data part, and ON_ERROR_STOP for it, intact.
 */

/** pg_dump's last line; everything after it in a backup file is the appended roles section. */
export const DUMP_END_MARKER = "-- PostgreSQL database dump complete";

/** GNU sed program: after the dump's end marker, delete `CREATE ROLE`/`ALTER ROLE` statements. */
export const ROLE_TAIL_FILTER = `/^${DUMP_END_MARKER}/,$ {/^\\(CREATE\\|ALTER\\) ROLE /d}`;

/**
 * Bash: `gunzip | sed | gzip` of `src` into `dest` without the role statements of the tail. The sed
 * program is double-quoted (its `$ ` and backslashes stay literal), so the line also works inside a
 * single-quoted `bash -c '…'`.
 */
export function roleFreeCopy(src: string, dest: string): string {
  return `gunzip -c ${src} | sed "${ROLE_TAIL_FILTER}" | gzip > ${dest}`;
}

/** `role-free-copy.sh <backup file> <copy>`, shipped in the backup ConfigMap for the restore. */
export const ROLE_FREE_COPY_SCRIPT = [
  "#!/bin/bash",
  "# Copy of a backup without the CREATE/ALTER ROLE statements appended after the dump (see hcap-infra",
  "# components/backup-scripts.ts): restorable under ON_ERROR_STOP where the roles exist.",
  "set -euo pipefail",
  roleFreeCopy('"$1"', '"$2"'),
  "",
].join("\n");

/**
 * `restore-check.sh <backup file> <host> <port> <database>`: the rows of every table in the backup
 * (its COPY blocks) against `count(*)` of every table in the database, as the application role
 * (DATABASE_USER/DATABASE_PASSWORD of the pod). Prints both; exits 1 on any difference.
 */
export const RESTORE_CHECK_SCRIPT = [
  "#!/bin/bash",
  "set -euo pipefail",
  "file=$1 host=$2 port=$3 db=$4",
  "# pg_dump writes each table's rows as `COPY <schema>.<table> (...) FROM stdin;` ... `\\.`",
  'expected=$(gunzip -c "$file" | awk \'/^COPY /{t=$2; n=0; next} t!="" && /^\\\\\\.$/{print t, n; t=""; next} t!=""{n++}\' | sort)',
  'actual=$(PGPASSWORD="$DATABASE_PASSWORD" psql -h "$host" -p "$port" -U "$DATABASE_USER" -d "$db" -X -At -F \' \' -v ON_ERROR_STOP=1 <<\'SQL\' | sort',
  "SELECT format('SELECT %L, count(*) FROM %I.%I', quote_ident(schemaname) || '.' || quote_ident(tablename), schemaname, tablename)",
  "  FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') \\gexec",
  "SQL",
  ")",
  'if [ "$expected" = "$actual" ]; then',
  '  echo "Restored data matches the backup: $(echo "$expected" | grep -c .) tables, $(echo "$expected" | awk \'{s+=$2} END {print s+0}\') rows."',
  "  exit 0",
  "fi",
  'echo "Restored data differs from the backup (< backup, > database):" >&2',
  'diff <(echo "$expected") <(echo "$actual") >&2 || true',
  "exit 1",
  "",
].join("\n");

/**
 * The verify CronJob's script: copy the newest backup under `backupsDir` (read-only) into
 * `verifyDir` without its role statements, then run the container's scheduled verification there
 * (BACKUP_DIR points at `verifyDir`, so `backup.sh` finds only that copy). A missing backup fails.
 */
export function verifyLatestScript(backupsDir: string, verifyDir: string): string {
  return [
    "set -euo pipefail",
    `src=$(find ${backupsDir} -type f -name '*.sql.gz' -printf '%T@ %p\\n' | sort -n | tail -n 1 | cut -d' ' -f2-)`,
    `if [ -z "$src" ]; then echo "Backup verification failed: no backup file under ${backupsDir}" >&2; exit 1; fi`,
    `echo "Verifying $src (role statements of the tail removed)"`,
    roleFreeCopy('"$src"', `"${verifyDir}/$(basename "$src")"`),
    "exec /bin/bash /backup.sh -s -v all",
  ].join("\n");
}
