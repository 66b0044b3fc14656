import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { LIMITS } from "./limits/limits.js";
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
// The fake Anthropic server's port is fixed here too: its `/__tool/*` routes are installed-tool
// endpoints on loopback, which the Worker calls only for origins on its allowlist.
process.env.AURA_TEST_FAKE_ANTHROPIC_PORT ??= String(await freePort());
const fakeAnthropicOrigin = `http://127.0.0.1:${process.env.AURA_TEST_FAKE_ANTHROPIC_PORT}`;

/** Bindings every Workers-tier project runs with. */
const bindings = {
  AURA_JWT_SECRET: TEST_JWT_SECRET,
  AURA_LLM_ROUTING: "mock",
  SANDBOX_URL: sandboxUrl,
  SANDBOX_TOKEN_SECRET: TEST_SANDBOX_SECRET,
  AURA_TOOL_ENDPOINT_ALLOWLIST: fakeAnthropicOrigin,
};

/**
 * The per-org request limit (`ORG_RATE_LIMIT`) a project runs with. The Worker's own tests share
 * orgs across files that run at once, so they get one no test reaches; `workers-limits` gets a
 * small one to test.
 */
const UNREACHED_ORG_RATE_LIMIT = 1_000_000;

/**
 * One Workers-tier project: tests run inside workerd next to the Worker and its Durable
 * Objects, configured from the real `wrangler.toml` plus `extra` bindings and its per-org
 * request limit per 60 s. Storage is isolated per test file.
 */
function workersProject(
  name: string,
  include: string[],
  exclude: string[],
  extra: Record<string, string>,
  orgRateLimit = UNREACHED_ORG_RATE_LIMIT,
) {
  return {
    root,
    plugins: [
      cloudflareTest({
        wrangler: { configPath: fileURLToPath(new URL("../../wrangler.toml", import.meta.url)) },
        remoteBindings: false,
        miniflare: {
          bindings: { ...bindings, ...extra },
          ratelimits: { ORG_RATE_LIMIT: { simple: { limit: orgRateLimit, period: 60 } } },
        },
      }),
    ],
    test: {
      name,
      include,
      exclude,
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
              // CommonJS (it requires luxon): pre-bundled, or workerd's module runner sees no exports.
              "cron-parser",
            ],
          },
        },
      },
    },
  };
}

/**
 * The Workers tier: the default project; `workers-strict` (`test/workers/strict/`), the
 * same Worker deployed with `AURA_POLICY=strict`, for what only the operator's floor changes;
 * and `workers-limits` (`test/workers/limits/`), with small backpressure limits ({@link LIMITS}).
 */
export default defineConfig({
  root,
  test: {
    // The fake Anthropic API and router, on the port bound above; tests `inject` their URLs.
    // And the real Node sandbox, on the port bound above. Run once for both projects.
    globalSetup: [
      fileURLToPath(new URL("./fake-anthropic.setup.ts", import.meta.url)),
      fileURLToPath(new URL("./sandbox.setup.ts", import.meta.url)),
    ],
    projects: [
      workersProject(
        "workers",
        ["test/workers/**/*.test.ts"],
        ["test/workers/strict/**", "test/workers/limits/**"],
        {},
      ),
      workersProject("workers-strict", ["test/workers/strict/**/*.test.ts"], [], {
        AURA_POLICY: "strict",
      }),
      workersProject(
        "workers-limits",
        ["test/workers/limits/**/*.test.ts"],
        [],
        {
          AURA_INBOX_LIMIT: String(LIMITS.inbox),
          AURA_MAX_SESSIONS_PER_AGENT: String(LIMITS.sessions),
        },
        LIMITS.orgRequests,
      ),
    ],
  },
});
