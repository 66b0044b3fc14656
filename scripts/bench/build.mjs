import { execFile } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const WRANGLER = join(ROOT, "node_modules/.bin/wrangler");
const OPTIONS_CLI = join(ROOT, "scripts/bench/worker-options-cli.mjs");

/**
 * @typedef {object} WorkerBundle
 * @property {string} name Short name used in logs.
 * @property {string} scriptPath The bundled ES module, as wrangler would upload it.
 * @property {Record<string, unknown>} workerOptions Miniflare options derived from the
 *   wrangler config (compatibility date, vars, Durable Object bindings with `useSQLite`).
 */

/**
 * Bundles a Worker exactly as `wrangler deploy` would (`--dry-run`, no login, no network)
 * and derives its Miniflare options from the same wrangler config, so the benchmark serves
 * what would be deployed.
 *
 * @example
 * const bundle = await bundleWorker("product", "wrangler.toml", "/tmp/aura-bench/product");
 * @param {string} name
 * @param {string} configPath Relative to the repository root.
 * @param {string} outDir Absolute, or relative to the repository root; emptied first.
 * @returns {Promise<WorkerBundle>}
 */
export async function bundleWorker(name, configPath, outDir) {
  const config = join(ROOT, configPath);
  const out = resolve(ROOT, outDir);
  rmSync(out, { recursive: true, force: true });
  await run(WRANGLER, ["deploy", "--dry-run", "--config", config, "--outdir", out], {
    cwd: ROOT,
    env: {
      ...process.env,
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      WRANGLER_SEND_METRICS: "false",
      NO_COLOR: "1",
    },
    maxBuffer: 16 * 1024 * 1024,
  });
  const scripts = readdirSync(out).filter((f) => f.endsWith(".js"));
  if (scripts.length !== 1)
    throw new Error(`${name}: expected one bundled .js in ${out}, found ${scripts.length}`);
  const { stdout } = await run(process.execPath, [OPTIONS_CLI, config], {
    cwd: ROOT,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    maxBuffer: 16 * 1024 * 1024,
  });
  const workerOptions = /** @type {Record<string, unknown>} */ (JSON.parse(stdout));
  return { name, scriptPath: join(out, scripts[0]), workerOptions };
}
