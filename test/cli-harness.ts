/** Runs a command in process, as its script would, and captures what it prints and its exit code. */
import { makeStyle, runCommand, type CommandMain, type CommandSpec, type Io } from "../lib/cli";

export interface Captured {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function captureIo(): { io: Io; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    progress: (t) => void err.push(`${t}\n`),
    style: makeStyle(false),
    errIsTTY: false,
  };
  return { io, out, err };
}

export async function runInProcess(spec: CommandSpec, load: () => Promise<{ main: CommandMain }>, argv: readonly string[]): Promise<Captured> {
  const { io, out, err } = captureIo();
  const code = await runCommand(spec, load, argv, io);
  return { code, stdout: out.join(""), stderr: err.join("") };
}
