import { headSeq, waitForHeads } from "./agent-api.mjs";
import { runLoad } from "./load.mjs";
import { txBody } from "./targets.mjs";

/** Requests in flight while seeding. */
const SEED_CONCURRENCY = 50;

/**
 * @typedef {object} SeededAgent
 * @property {string} agentId
 * @property {number} entries Entries in its record.
 * @property {number} seconds Time to admit and process them.
 */

/**
 * Gives one agent a record of exactly `entries` entries through the real `POST /tx` path
 * (kind `trigger`: one entry each, 50 in flight) and waits until all are committed.
 * Throws on any error answer, on a short admission, or when `timeoutMs` passes first.
 *
 * @example
 * const agent = await seedAgent(client, token, agentIdFor("verify", 0), 10_000, 240_000);
 * // { agentId: "…", entries: 10000, seconds: 6.2 }
 * @param {import("./agent-api.mjs").Client} client
 * @param {string} token
 * @param {string} agentId
 * @param {number} entries
 * @param {number} timeoutMs
 * @returns {Promise<SeededAgent>}
 */
export async function seedAgent(client, token, agentId, entries, timeoutMs) {
  const body = txBody(agentId, "trigger");
  const headers = { authorization: `Bearer ${token}` };
  const started = performance.now();
  const run = await runLoad({
    client,
    concurrency: Math.min(SEED_CONCURRENCY, entries),
    durationMs: timeoutMs,
    maxRequests: entries,
    next: () => ({ method: "POST", path: "/tx", body, headers }),
    expectStatus: 202,
    // 50 in flight outrun the drain: past the inbox limit (AURA_INBOX_LIMIT) the agent answers
    // 429 and admits nothing, so the request is sent again once the queue has room.
    waitOut429: true,
  });
  if (run.errors > 0)
    throw new Error(`seeding ${agentId}: ${run.errors} errors: ${run.firstError}`);
  if (run.latencies.length < entries)
    throw new Error(
      `seeding ${agentId}: only ${run.latencies.length}/${entries} admitted in ${timeoutMs} ms`,
    );
  const left = Math.max(1000, timeoutMs - (performance.now() - started));
  await waitForHeads(client, token, new Map([[agentId, entries]]), left);
  const have = await headSeq(client, token, agentId);
  if (have !== entries)
    throw new Error(`seeding ${agentId}: head_seq ${have}, expected ${entries}`);
  return { agentId, entries, seconds: (performance.now() - started) / 1000 };
}
