import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * The browser tier: the web console in Debian's Chromium (driven by playwright-core) against
 * the real local stack (`npm start`) with the fake Anthropic API. Files run one at a time;
 * each starts its own stack and browser. Screenshots go to test/browser/artifacts/. With it,
 * the console's own component tests (the `.test.tsx` files under console/src), which need no browser.
 */
export default defineConfig({
  root,
  test: {
    teardownTimeout: 30_000,
    projects: [
      {
        root,
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          environment: "node",
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The console's pure modules and components (rendered to HTML), in plain Node.
        root,
        test: {
          name: "console",
          include: ["console/src/**/*.test.{ts,tsx}"],
          environment: "node",
        },
      },
    ],
  },
});
