import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { TEST_JWT_SECRET, TEST_SANDBOX_SECRET } from "./test-secret.js";

// Miniflare would otherwise fetch request.cf data from workers.cloudflare.com: no test
// in this tier may reach the internet.
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** A TCP port free on 127.0.0.1 right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

// The Worker's SANDBOX_URL is a binding, fixed before the run; the sandbox setup listens there.
process.env.AURA_TEST_SANDBOX_PORT ??= String(await freePort());
const sandboxUrl = `http://127.0.0.1:${process.env.AURA_TEST_SANDBOX_PORT}`;

/**
 * The Workers tier: tests run inside workerd next to the Worker and its Durable Objects,
 * configured from the real `wrangler.toml`. Storage is isolated per test file.
 */
export default defineConfig({
  root,
  plugins: [
    cloudflareTest({
      wrangler: { configPath: fileURLToPath(new URL("../../wrangler.toml", import.meta.url)) },
      remoteBindings: false,
      miniflare: {
        bindings: {
          AURA_JWT_SECRET: TEST_JWT_SECRET,
          AURA_LLM_ROUTING: "mock",
          SANDBOX_URL: sandboxUrl,
          SANDBOX_TOKEN_SECRET: TEST_SANDBOX_SECRET,
        },
      },
    }),
  ],
  test: {
    include: ["test/workers/**/*.test.ts"],
    // The fake Anthropic API and router, on a free local port; tests `inject` their URLs.
    // And the real Node sandbox, on the port bound above.
    globalSetup: [
      fileURLToPath(new URL("./fake-anthropic.setup.ts", import.meta.url)),
      fileURLToPath(new URL("./sandbox.setup.ts", import.meta.url)),
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Pre-bundled once and cached: without it every test file re-transforms these packages
    // (the Anthropic SDK alone costs seconds per file).
    deps: {
      optimizer: {
        ssr: {
          enabled: true,
          include: [
            "hono",
            "hono/factory",
            "hono/http-exception",
            "jose",
            "zod",
            "@noble/hashes/utils.js",
            "@anthropic-ai/sdk",
          ],
        },
      },
    },
  },
});
