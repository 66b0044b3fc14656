import { cpuMs } from "./proc-cpu.mjs";
import { seedAgent } from "./seed-agent.mjs";
import { quantile } from "./stats.mjs";
import { agentIdFor } from "./targets.mjs";

/**
 * @typedef {object} VerifyRun
 * @property {number} ms Wall time of the `GET /agents/:id/verify` request.
 * @property {number} checked Entries the report says it verified.
 * @property {number} entriesPerSecond `checked / (ms / 1000)`.
 * @property {number | undefined} cpuMs workerd CPU time (user+sys) during the request.
 */

/**
 * @typedef {object} VerifyRate
 * @property {import("./seed-agent.mjs").SeededAgent} seeded
 * @property {VerifyRun[]} runs In the order they ran.
 * @property {number} p50EntriesPerSecond
 * @property {number} p50Ms
 * @property {number | undefined} p50CpuMs undefined when workerd's CPU time is unreadable.
 */

/**
 * How fast does `GET /agents/:id/verify` re-fold a record? Seeds one agent through
 * `POST /tx` (trigger, 50 in flight), then verifies its whole record `repetitions` times,
 * one request at a time. Every report must say `ok` with `checked` equal to the seeded
 * entries, or this throws: a fast verify that skips entries measures nothing.
 *
 * @example
 * const rate = await runVerifyRate({ client, pid, token, entries: 10_000, repetitions: 5, … });
 * rate.p50EntriesPerSecond; // 61234
 * @param {{
 *   client: import("./agent-api.mjs").Client,
 *   pid: number | undefined,
 *   token: string,
 *   entries: number,
 *   repetitions: number,
 *   seedTimeoutMs: number,
 *   log: (line: string) => void,
 * }} options
 * @returns {Promise<VerifyRate>}
 */
export async function runVerifyRate(options) {
  const { client, pid, token, entries, log } = options;
  const agentId = agentIdFor("verify", entries);
  const seeded = await seedAgent(client, token, agentId, entries, options.seedTimeoutMs);
  log(`  seeded ${entries} entries in ${seeded.seconds.toFixed(1)} s`);
  const runs = [];
  for (let i = 0; i < options.repetitions; i++) {
    const cpuBefore = cpuMs(pid);
    const res = await client.request("GET", `/agents/${agentId}/verify`, undefined, {
      authorization: `Bearer ${token}`,
    });
    const cpuAfter = cpuMs(pid);
    if (res.status !== 200) throw new Error(`verify ${agentId}: HTTP ${res.status} ${res.body}`);
    const report = /** @type {{ ok: boolean, checked: number, reason?: string }} */ (
      JSON.parse(res.body)
    );
    if (!report.ok || report.checked !== entries)
      throw new Error(`verify ${agentId}: expected ok with ${entries} checked, got ${res.body}`);
    const run = {
      ms: res.ms,
      checked: report.checked,
      entriesPerSecond: report.checked / (res.ms / 1000),
      cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
    };
    log(`  verify ${i + 1}: ${run.ms.toFixed(0)} ms, ${run.entriesPerSecond.toFixed(0)} entries/s`);
    runs.push(run);
  }
  const p50 = (/** @type {number[]} */ xs) =>
    quantile(
      [...xs].sort((a, b) => a - b),
      0.5,
    );
  const cpu = runs.map((r) => r.cpuMs);
  return {
    seeded,
    runs,
    p50EntriesPerSecond: p50(runs.map((r) => r.entriesPerSecond)),
    p50Ms: p50(runs.map((r) => r.ms)),
    p50CpuMs: cpu.every((c) => c !== undefined) ? p50(/** @type {number[]} */ (cpu)) : undefined,
  };
}
