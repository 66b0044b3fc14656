import { seedAgent } from "./seed-agent.mjs";
import { summarise } from "./stats.mjs";
import { agentIdFor } from "./targets.mjs";

/**
 * @typedef {object} MetricsRoute
 * @property {string} agentId
 * @property {number} entries Entries in the agent's record.
 * @property {number | undefined} seedSeconds Time to seed it here (undefined: seeded by the
 *   head-read figures).
 * @property {number} requests
 * @property {number} p50Ms
 * @property {number} p99Ms
 * @property {number} errors
 */

/**
 * How long `GET /agents/:id/metrics` takes on a long record: `requests` requests one after
 * another on an agent whose record was built through `POST /tx` (so its metrics were kept
 * commit by commit, as in production). Uses the head-read figures' long agent when given;
 * otherwise seeds one of `entries` entries the same way.
 *
 * @example
 * const m = await runMetricsRoute({ client, token, agent: head.seeded[0], requests: 50, … });
 * @param {{ client: import("./agent-api.mjs").Client, token: string,
 *   agent?: import("./seed-agent.mjs").SeededAgent, entries: number, requests: number,
 *   seedTimeoutMs: number, log: (line: string) => void }} options
 * @returns {Promise<MetricsRoute>}
 */
export async function runMetricsRoute(options) {
  const { client, token, log } = options;
  let agent = options.agent;
  let seedSeconds;
  if (!agent) {
    agent = await seedAgent(
      client,
      token,
      agentIdFor("head", "large"),
      options.entries,
      options.seedTimeoutMs,
    );
    seedSeconds = agent.seconds;
    log(`  seeded ${agent.entries} entries through POST /tx in ${agent.seconds.toFixed(1)} s`);
  }
  const headers = { authorization: `Bearer ${token}` };
  const latencies = [];
  let errors = 0;
  const started = performance.now();
  for (let i = 0; i < options.requests; i++) {
    const res = await client.request("GET", `/agents/${agent.agentId}/metrics`, undefined, headers);
    if (res.status !== 200) errors++;
    else latencies.push(res.ms);
  }
  const s = summarise({ latencies, errors, elapsedMs: performance.now() - started });
  return {
    agentId: agent.agentId,
    entries: agent.entries,
    seedSeconds,
    requests: options.requests,
    p50Ms: s.p50Ms,
    p99Ms: s.p99Ms,
    errors,
  };
}
