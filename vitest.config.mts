import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each file evaluates whole stacks under Pulumi's mock runtime; that is CPU work, not I/O.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
