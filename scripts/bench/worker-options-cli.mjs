#!/usr/bin/env node
// Prints, as JSON on stdout, the Miniflare worker options wrangler derives from a wrangler
// config (vars, Durable Object bindings with `useSQLite`, compatibility settings).
// Usage: node scripts/bench/worker-options-cli.mjs <path/to/wrangler.toml>
// A separate process because importing wrangler installs a SIGINT handler that exits at
// once (with status 0), which would keep the bench from stopping its servers on Ctrl-C.
import { unstable_getMiniflareWorkerOptions } from "wrangler";

const [configPath] = process.argv.slice(2);
if (!configPath) {
  console.error("usage: worker-options-cli.mjs <wrangler config>");
  process.exit(2);
}
const { workerOptions } = unstable_getMiniflareWorkerOptions(configPath);
process.stdout.write(JSON.stringify(workerOptions));
