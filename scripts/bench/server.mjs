import { dirname } from "node:path";
import { Miniflare } from "miniflare";
import { childPids } from "./proc-cpu.mjs";

/**
 * @typedef {object} RunningWorker
 * @property {string} name
 * @property {URL} url Loopback origin the Worker answers on.
 * @property {number | undefined} pid The workerd process serving it (Linux), for CPU time.
 * @property {string} persistDir Where its Durable Objects keep their SQLite files.
 * @property {() => Promise<void>} dispose Stops workerd.
 */

/**
 * Serves a bundled Worker with Miniflare's programmatic API on 127.0.0.1, on a free port,
 * with its Durable Objects persisted (SQLite files) under `persistDir`, as `wrangler dev`
 * does. Request logging stays off: it would cost workerd throughput. Start one at a time,
 * so the new workerd child can be told apart.
 *
 * @example
 * const worker = await serveWorker(bundle, { AURA_JWT_SECRET: secret }, "/tmp/bench/product");
 * // … load worker.url …
 * await worker.dispose();
 * @param {import("./build.mjs").WorkerBundle} bundle
 * @param {Record<string, string>} extraBindings Added to the wrangler config's vars.
 * @param {string} persistDir
 * @returns {Promise<RunningWorker>}
 */
export async function serveWorker(bundle, extraBindings, persistDir) {
  // The web console's static files (`[assets]`) are left out: deployed, Cloudflare answers
  // an asset path before the Worker runs and hands every other path straight to it, at no
  // CPU of the Worker's; under Miniflare the same routing is a router worker in the
  // measured workerd, each API request a hop through it (about 1 ms of CPU per request on
  // this machine, which the bare fixture has no reason to pay). The figures are the API's.
  const { assets: _assets, ...options } = /** @type {Record<string, unknown>} */ (
    bundle.workerOptions
  );
  const before = new Set(childPids("workerd"));
  const mf = new Miniflare({
    ...options,
    bindings: { .../** @type {object} */ (options.bindings), ...extraBindings },
    // The figures are the runtime's own: the per-org request limit (`ORG_RATE_LIMIT`, 2,000
    // requests per 10 s in wrangler.toml) would turn the floods into 429s. Its own test is
    // test/workers/limits/.
    ...(options.ratelimits === undefined
      ? {}
      : { ratelimits: { ORG_RATE_LIMIT: { simple: { limit: 1_000_000_000, period: 60 } } } }),
    modules: true,
    scriptPath: bundle.scriptPath,
    modulesRoot: dirname(bundle.scriptPath),
    host: "127.0.0.1",
    port: 0,
    durableObjectsPersist: persistDir,
  });
  try {
    const url = await mf.ready;
    const started = childPids("workerd").filter((pid) => !before.has(pid));
    const pid = started.length === 1 ? started[0] : undefined;
    return { name: bundle.name, url, pid, persistDir, dispose: () => mf.dispose() };
  } catch (err) {
    await mf.dispose().catch(() => {});
    throw err;
  }
}
