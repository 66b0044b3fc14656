import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { mintToken } from "../lib/mint-token.mjs";
import { bundleWorker } from "./build.mjs";
import { createClient } from "./http-client.mjs";
import { serveWorker } from "./server.mjs";

/**
 * @typedef {object} BenchStack
 * @property {Record<"product" | "bare", import("./server.mjs").RunningWorker>} workers
 * @property {Record<"product" | "bare", import("./agent-api.mjs").Client>} clients
 * @property {Record<"product" | "bare", number | undefined>} pids
 * @property {string} token A bearer token of org `bench` for the product Worker.
 */

/**
 * Bundles and serves the product Worker (`wrangler.toml`, with a random `AURA_JWT_SECRET`)
 * and the bare fixture (`bench/wrangler.toml`), one workerd each, all state under `dir`.
 * Everything started is handed to `track` as soon as it runs, so a failure half-way still
 * stops it.
 *
 * @example
 * const stack = await startStack(tempDir, (thing) => started.push(thing));
 * @param {string} dir
 * @param {(thing: { dispose?: () => Promise<void>, close?: () => void }) => void} track
 * @returns {Promise<BenchStack>}
 */
export async function startStack(dir, track) {
  const [product, bare] = await Promise.all([
    bundleWorker("product", "wrangler.toml", join(dir, "bundle-product")),
    bundleWorker("bare", "bench/wrangler.toml", join(dir, "bundle-bare")),
  ]);
  const secret = randomBytes(32).toString("hex");
  // One at a time: each server finds its workerd as the one new child process.
  const productWorker = await serveWorker(
    product,
    // The stream figures open 1,000 sessions on one agent: allowed here past the default cap
    // of AURA_MAX_SESSIONS_PER_AGENT (64), which test/workers/limits/ tests. Warnings and
    // errors are logged, not a line per request: those lines would measure workerd's stdout
    // piped through this process, not the runtime.
    { AURA_JWT_SECRET: secret, AURA_MAX_SESSIONS_PER_AGENT: "2000", AURA_LOG_LEVEL: "warn" },
    join(dir, "state-product"),
  );
  track(productWorker);
  const bareWorker = await serveWorker(bare, {}, join(dir, "state-bare"));
  track(bareWorker);
  const clients = {
    product: createClient(productWorker.url, 64),
    bare: createClient(bareWorker.url, 64),
  };
  track(clients.product);
  track(clients.bare);
  return {
    workers: { product: productWorker, bare: bareWorker },
    clients,
    pids: { product: productWorker.pid, bare: bareWorker.pid },
    token: await mintToken({ secret, org: "bench", sub: "bench", ttlSeconds: 3600 }),
  };
}
