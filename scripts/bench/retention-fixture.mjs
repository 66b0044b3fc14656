import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { mintToken } from "../lib/mint-token.mjs";
import { holdsOpen, objectFiles } from "../lib/open-files.mjs";
import { bundleWorker } from "./build.mjs";
import { createClient } from "./http-client.mjs";
import { rssMiB } from "./proc-cpu.mjs";
import { serveWorker } from "./server.mjs";

/** Entries appended per `POST /bench/seed` (one storage transaction each). */
const SEED_CHUNK = 20_000;
const POLL_MS = 250;

/**
 * @typedef {object} RetentionFixture
 * @property {import("./server.mjs").RunningWorker} worker
 * @property {import("./agent-api.mjs").Client} client
 * @property {string} token A bearer token of org `bench`.
 */

/**
 * Bundles and serves the retention fixture (`bench/retention-wrangler.toml`: the product
 * Worker whose agents can also be seeded straight into storage), state under `dir`.
 *
 * @example
 * const fixture = await startRetentionFixture(tempDir, (thing) => started.push(thing));
 * @param {string} dir
 * @param {(thing: { dispose?: () => Promise<void>, close?: () => void }) => void} track
 * @returns {Promise<RetentionFixture>}
 */
export async function startRetentionFixture(dir, track) {
  const bundle = await bundleWorker(
    "retention",
    "bench/retention-wrangler.toml",
    join(dir, "bundle-retention"),
  );
  const secret = randomBytes(32).toString("hex");
  const worker = await serveWorker(
    bundle,
    { AURA_JWT_SECRET: secret, AURA_LOG_LEVEL: "warn" },
    join(dir, "state-retention"),
  );
  track(worker);
  const client = createClient(worker.url, 16);
  track(client);
  const token = await mintToken({ secret, org: "bench", sub: "bench", ttlSeconds: 3600 });
  return { worker, client, token };
}

/**
 * @typedef {object} SeededRecord
 * @property {string} agentId
 * @property {number} entries
 * @property {number} seconds
 * @property {string | undefined} file The agent's SQLite file, to watch for its eviction.
 * @property {number | undefined} peakRssMiB workerd's largest resident memory seen while seeding.
 */

/**
 * Appends `entries` entries to a new agent straight into its storage, `SEED_CHUNK` per
 * request (every `promptEvery`-th a `user_prompt`), and finds the agent's SQLite file.
 *
 * @example
 * const agent = await seedRecord(fixture, agentId, 1_000_000, 10, log);
 * @param {RetentionFixture} fixture
 * @param {string} agentId
 * @param {number} entries
 * @param {number} promptEvery
 * @param {(line: string) => void} log
 * @returns {Promise<SeededRecord>}
 */
export async function seedRecord(fixture, agentId, entries, promptEvery, log) {
  const { worker, client } = fixture;
  const before = objectFiles(worker.persistDir);
  const started = performance.now();
  let peakRssMiB = rssMiB(worker.pid);
  let lastLog = started;
  for (let done = 0; done < entries; ) {
    const count = Math.min(SEED_CHUNK, entries - done);
    const body = JSON.stringify({
      org: "bench",
      agent_id: agentId,
      count,
      prompt_every: promptEvery,
    });
    const res = await client.request("POST", "/bench/seed", body);
    if (res.status !== 200) throw new Error(`seeding ${agentId}: HTTP ${res.status} ${res.body}`);
    done += count;
    const head = /** @type {{ head_seq: number }} */ (JSON.parse(res.body)).head_seq;
    if (head !== done) throw new Error(`seeding ${agentId}: head_seq ${head}, expected ${done}`);
    const rss = rssMiB(worker.pid);
    if (rss !== undefined) peakRssMiB = Math.max(peakRssMiB ?? 0, rss);
    if (performance.now() - lastLog > 10_000) {
      lastLog = performance.now();
      log(`  … ${done} entries, workerd ${rss?.toFixed(0) ?? "?"} MiB`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const created = [...objectFiles(worker.persistDir)].filter((f) => !before.has(f));
  const file = created.find((f) => f.includes("AgentDO")) ?? created[0];
  return { agentId, entries, seconds, file, peakRssMiB };
}

/**
 * Waits until workerd holds none of `files` open (every object evicted), polling
 * `/proc/<pid>/fd`; false when it cannot be seen (not Linux, a file unknown) or `timeoutMs`
 * passes first.
 *
 * @example
 * await untilEvicted(pid, [fileA, fileB], 40_000); // true ~10 s after their last request
 * @param {number | undefined} pid
 * @param {Array<string | undefined>} files
 * @param {number} timeoutMs
 * @returns {Promise<boolean>}
 */
export async function untilEvicted(pid, files, timeoutMs) {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    const open = files.map((f) => (f === undefined ? undefined : holdsOpen(pid, f)));
    if (open.some((o) => o === undefined)) return false;
    if (open.every((o) => o === false)) return true;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return false;
}
