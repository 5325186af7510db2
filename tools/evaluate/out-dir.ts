/**
 * Writes a complete set of rendered files into a folder so that a reader never sees an empty or
 * half-written file and a failed run never leaves a mix of old and new files: every file is written
 * in full to a temporary name in the same folder, then renamed over the old one (a rename within one
 * file system is atomic, and it replaces a symlink instead of writing through it). Nothing is
 * renamed until every file is written; Ctrl-C during the renames is held until they are done.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../cli/cli";

const HELD_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code} ${err.message.replace(/^[A-Z]+: /, "")}` : String(e);
}

/** Runs `fn` with SIGINT/SIGTERM/SIGHUP held; a held signal is re-raised afterwards. */
function withSignalsHeld(fn: () => void): void {
  const received: NodeJS.Signals[] = [];
  const hold = (signal: NodeJS.Signals): void => {
    received.push(signal);
  };
  for (const s of HELD_SIGNALS) process.on(s, hold);
  try {
    fn();
  } finally {
    for (const s of HELD_SIGNALS) process.off(s, hold);
    if (received.length > 0) process.kill(process.pid, received[0]);
  }
}

/**
 * Replaces the files of `dir` that `owned` matches with exactly `files` (name → content): new and
 * changed files are written, stale ones (a stack no longer rendered, temporaries of a crashed run)
 * removed. Throws a UsageError naming the folder if it cannot be written; then nothing changed.
 */
export function writeOutputs(dir: string, files: ReadonlyMap<string, string>, owned: RegExp): void {
  const shown = path.relative(process.cwd(), dir) || dir;
  const stat = fs.lstatSync(dir, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) throw new UsageError(`${shown} exists and is not a folder: move it away, then run again`);
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UsageError(`cannot create ${shown}: ${describe(e)}`);
  }

  const temporaries = new Map<string, string>();
  try {
    for (const [name, content] of files) {
      const tmp = path.join(dir, `.${name}.${process.pid}.tmp`);
      fs.writeFileSync(tmp, content, { flag: "wx" });
      temporaries.set(name, tmp);
    }
  } catch (e) {
    for (const tmp of temporaries.values()) fs.rmSync(tmp, { force: true });
    throw new UsageError(`cannot write into ${shown} (nothing was changed there): ${describe(e)}`);
  }

  withSignalsHeld(() => {
    for (const [name, tmp] of temporaries) fs.renameSync(tmp, path.join(dir, name));
    for (const entry of fs.readdirSync(dir)) {
      const stale = (owned.test(entry) && !files.has(entry)) || /^\..+\.\d+\.tmp$/.test(entry);
      if (stale && !temporaries.has(entry)) fs.rmSync(path.join(dir, entry), { force: true });
    }
  });
}
