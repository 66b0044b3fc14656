import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * The sandbox tier: the Node sandbox server over real HTTP and WebSocket, with real files and
 * processes in temporary directories. Each test file starts its own server on a free port.
 */
export default defineConfig({
  root,
  test: {
    name: "sandbox",
    include: ["test/sandbox/**/*.test.ts"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
