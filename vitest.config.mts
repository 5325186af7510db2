import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Two worker processes for two cores (vitest's default is cores - 1, i.e. one). Each worker
    // loads the Pulumi SDK and the program once and runs its files one after another: without
    // isolation the module cache, and with it test/harness.ts's render memo, is shared by those
    // files. That is safe here because the Pulumi runtime, global per process, is set up afresh
    // by every evaluation (lib/offline.ts) and evaluations never overlap within a worker.
    pool: "forks",
    maxWorkers: 2,
    isolate: false,
    // Each file evaluates whole stacks under Pulumi's mock runtime; that is CPU work, not I/O.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
