import { defineConfig } from "vitest/config";

/**
 * The unit tier: pure code tested in plain Node, beside the code it tests. The Workers tier
 * (`test/workers/`) and the end-to-end tier (`test/e2e/`) have their own configs.
 */
export default defineConfig({
  test: {
    name: "unit",
    environment: "node",
    include: [
      "src/**/*.test.ts",
      "durable-objects/**/*.test.ts",
      "cli/**/*.test.{ts,tsx}",
      "scripts/**/*.test.{ts,mjs}",
    ],
    exclude: ["**/node_modules/**", "test/workers/**", "test/e2e/**"],
    // No module state of the code under test leaks between tests, so files may share a worker's
    // module cache; this roughly halves the tier's CPU time (zod, jose and BLAKE3 load once).
    isolate: false,
    testTimeout: 10_000,
  },
});
