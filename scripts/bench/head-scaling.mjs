import { runLoad } from "./load.mjs";
import { cpuMs } from "./proc-cpu.mjs";
import { seedAgent } from "./seed-agent.mjs";
import { summarise } from "./stats.mjs";
import { agentIdFor } from "./targets.mjs";

/** In-flight requests while reading concurrently. */
const READ_CONCURRENCY = [1, 10];

/** @typedef {import("./seed-agent.mjs").SeededAgent} SeededAgent */

/**
 * @typedef {import("./stats.mjs").Summary & { agent: SeededAgent, concurrency: number,
 *   cpuMsPerRequest: number | undefined, firstError: string | undefined }} HeadRow
 */

/**
 * @typedef {object} HeadScaling
 * @property {SeededAgent[]} seeded The large agent, then the small one.
 * @property {HeadRow[]} rows
 */

/**
 * Does reading an agent's head cost the same with a long record as with a short one?
 * Seeds two agents through the real `POST /tx` path (kind `trigger`: one entry each, 50 in
 * flight) and waits until every entry is committed, then measures `GET /agents/:id/head`
 * on both, sequentially and with a few requests in flight, the two agents taking turns.
 *
 * @example
 * const result = await runHeadScaling({ client, token, large: 100_000, small: 100, … });
 * @param {{
 *   client: import("./agent-api.mjs").Client,
 *   pid: number | undefined,
 *   token: string,
 *   large: number,
 *   small: number,
 *   seedTimeoutMs: number,
 *   warmupMs: number,
 *   durationMs: number,
 *   rounds: number,
 *   log: (line: string) => void,
 * }} options
 * @returns {Promise<HeadScaling>}
 */
export async function runHeadScaling(options) {
  const { client, token, log } = options;
  const seeded = [];
  /** @type {Array<[string, number]>} */
  const records = [
    ["large", options.large],
    ["small", options.small],
  ];
  for (const [name, entries] of records) {
    const agentId = agentIdFor("head", name);
    const agent = await seedAgent(client, token, agentId, entries, options.seedTimeoutMs);
    log(
      `  seeded ${agent.entries} entries in ${agent.seconds.toFixed(1)} s (${(agent.entries / agent.seconds).toFixed(0)} entries/s)`,
    );
    seeded.push(agent);
  }
  const rows = [];
  for (const concurrency of READ_CONCURRENCY) {
    for (const row of await measureHeads(client, token, seeded, concurrency, options)) {
      log(
        `  head of ${row.agent.entries} entries, ${concurrency} in flight: ${row.perSecond.toFixed(0)}/s`,
      );
      rows.push(row);
    }
  }
  return { seeded, rows };
}

/**
 * Reads the heads of all agents at one in-flight level: a warm-up each, then rounds in
 * which the agents take turns, so load from elsewhere on the machine hits them alike.
 * @param {import("./agent-api.mjs").Client} client
 * @param {string} token
 * @param {SeededAgent[]} agents
 * @param {number} concurrency
 * @param {{ warmupMs: number, durationMs: number, rounds: number, pid: number | undefined }} timing
 * @returns {Promise<HeadRow[]>}
 */
async function measureHeads(client, token, agents, concurrency, timing) {
  const loads = agents.map((agent) => ({
    client,
    concurrency,
    maxRequests: Number.POSITIVE_INFINITY,
    next: () => ({
      method: "GET",
      path: `/agents/${agent.agentId}/head`,
      headers: { authorization: `Bearer ${token}` },
    }),
    expectStatus: 200,
  }));
  for (const load of loads) await runLoad({ ...load, durationMs: timing.warmupMs });
  const runs = agents.map(() => ({
    latencies: /** @type {number[]} */ ([]),
    errors: 0,
    elapsedMs: 0,
    cpuMs: /** @type {number | undefined} */ (0),
    firstError: "",
  }));
  for (let round = 0; round < timing.rounds; round++) {
    for (const [i, load] of loads.entries()) {
      const cpuBefore = cpuMs(timing.pid);
      const run = await runLoad({ ...load, durationMs: timing.durationMs / timing.rounds });
      const cpuAfter = cpuMs(timing.pid);
      const sum = runs[i];
      sum.latencies.push(...run.latencies);
      sum.errors += run.errors;
      sum.elapsedMs += run.elapsedMs;
      sum.cpuMs =
        sum.cpuMs === undefined || cpuBefore === undefined || cpuAfter === undefined
          ? undefined
          : sum.cpuMs + cpuAfter - cpuBefore;
      sum.firstError ||= run.firstError ?? "";
    }
  }
  return agents.map((agent, i) => ({
    agent,
    concurrency,
    ...summarise(runs[i]),
    cpuMsPerRequest:
      runs[i].cpuMs === undefined ? undefined : runs[i].cpuMs / runs[i].latencies.length,
    firstError: runs[i].firstError || undefined,
  }));
}
