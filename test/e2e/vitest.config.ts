import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * The end-to-end tier: the real local stack (`npm start`: wrangler dev on workerd) driven
 * over HTTP from plain Node. Files run one at a time; each start takes a few seconds.
 */
export default defineConfig({
  root,
  test: {
    include: ["test/e2e/**/*.test.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
