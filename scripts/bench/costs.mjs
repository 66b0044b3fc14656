import { headSeq } from "./agent-api.mjs";
import { cpuMs } from "./proc-cpu.mjs";
import { openSession } from "./stream-client.mjs";
import { agentIdFor, txBody } from "./targets.mjs";

const SESSION_TIMEOUT_MS = 30_000;
const TURN_TIMEOUT_MS = 30_000;
/**
 * Unmeasured turns first. The rows are the measured turns' alone: the agent's meters (means
 * since it woke) are read before and after them, so the agent's creation and the watching
 * session's start, each written once, are not spread over the turns.
 */
const WARM_UP_TURNS = 3;

/**
 * @typedef {{ last: number, mean: number }} CostStat
 */

/**
 * @typedef {object} TurnCosts
 * @property {number} turns Measured turns.
 * @property {number} entriesPerTurn Entries each complete turn committed (head moved / turns).
 * @property {number} admissions `costs.admissions` of the agent's metrics.
 * @property {CostStat} rowsReadPerAdmission
 * @property {CostStat} rowsWrittenPerAdmission The admission's write, with the turn's inbound
 *   entry: the agent was idle, so each was committed as it was admitted.
 * @property {CostStat} rowsReadPerTurn
 * @property {CostStat} rowsWrittenPerTurn From the commit that opened the turn to its reply's.
 * @property {number} rowsWrittenPerCompleteTurn Per admission + per turn, over the measured
 *   turns.
 * @property {number} bytesPerEntry
 * @property {number | undefined} cpuMsPerTurn workerd CPU time per measured turn.
 * @property {number} turnP50Ms `POST /tx` sent → the reply's `record` frame, p50.
 */

/**
 * What a complete mock turn costs: on a fresh agent watched by one `/stream` session (which
 * tells when each turn's reply is committed, with no polling), `turns` `POST /tx`
 * user_prompt one after another, each sent once the last turn's reply is committed — so
 * every admission finds the agent idle and commits its inbound entry as it is admitted. The
 * rows come from the agent's own meter (`costs` of `GET /agents/:id/metrics`); the CPU time is
 * workerd's over the measured turns.
 *
 * @example
 * const c = await runCosts({ http, origin, token, pid, turns: 50 });
 * @param {{ http: import("./agent-api.mjs").Client, origin: URL, token: string,
 *   pid: number | undefined, turns: number }} options
 * @returns {Promise<TurnCosts>}
 */
export async function runCosts(options) {
  const { http, token, pid } = options;
  const agentId = agentIdFor("costs", options.turns);
  const headers = { authorization: `Bearer ${token}` };
  const created = await http.request("POST", "/tx", txBody(agentId, "trigger"), headers);
  if (created.status !== 202) throw new Error(`costs: HTTP ${created.status} ${created.body}`);
  const session = await openSession({
    origin: options.origin,
    token,
    agentId,
    index: 0,
    timeoutMs: SESSION_TIMEOUT_MS,
  });
  try {
    const turn = async () => {
      const done = new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("costs: turn timed out")), TURN_TIMEOUT_MS);
        session.handle = (frame, at) => {
          if (frame.type === "record" && frame.tx_type === "agent_msg") {
            clearTimeout(timer);
            resolve(at);
          }
        };
      });
      const sentAt = performance.now();
      const res = await http.request("POST", "/tx", txBody(agentId, "user_prompt"), headers);
      if (res.status !== 202) throw new Error(`costs: HTTP ${res.status} ${res.body}`);
      return /** @type {number} */ (await done) - sentAt;
    };
    for (let i = 0; i < WARM_UP_TURNS; i++) await turn();
    const costsOf = async () => {
      const res = await http.request("GET", `/agents/${agentId}/metrics`, undefined, headers);
      if (res.status !== 200) throw new Error(`costs: metrics HTTP ${res.status} ${res.body}`);
      return JSON.parse(res.body).costs;
    };
    const before = await costsOf();
    const headBefore = await headSeq(http, token, agentId);
    const cpuBefore = cpuMs(pid);
    const times = [];
    for (let i = 0; i < options.turns; i++) times.push(await turn());
    const cpuAfter = cpuMs(pid);
    const headAfter = await headSeq(http, token, agentId);
    const costs = await costsOf();
    /** The measured turns' mean of a meter, from its means and counts before and after. */
    const measured = (/** @type {string} */ key, /** @type {"admissions" | "turns"} */ count) => {
      const n = costs[count] - before[count];
      const sum = costs[key].mean * costs[count] - before[key].mean * before[count];
      return { last: costs[key].last, mean: n > 0 ? sum / n : Number.NaN };
    };
    const writtenPerAdmission = measured("rows_written_per_admission", "admissions");
    const writtenPerTurn = measured("rows_written_per_turn", "turns");
    times.sort((a, b) => a - b);
    return {
      turns: options.turns,
      entriesPerTurn: (headAfter - headBefore) / options.turns,
      admissions: costs.admissions - before.admissions,
      rowsReadPerAdmission: measured("rows_read_per_admission", "admissions"),
      rowsWrittenPerAdmission: writtenPerAdmission,
      rowsReadPerTurn: measured("rows_read_per_turn", "turns"),
      rowsWrittenPerTurn: writtenPerTurn,
      rowsWrittenPerCompleteTurn: writtenPerAdmission.mean + writtenPerTurn.mean,
      bytesPerEntry: costs.bytes_per_entry,
      cpuMsPerTurn:
        cpuBefore === undefined || cpuAfter === undefined
          ? undefined
          : (cpuAfter - cpuBefore) / options.turns,
      turnP50Ms: times[Math.floor(times.length / 2)] ?? Number.NaN,
    };
  } finally {
    session.handle = undefined;
    session.ws.terminate();
  }
}
