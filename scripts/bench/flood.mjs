import { headSeq } from "./agent-api.mjs";
import { createClient } from "./http-client.mjs";
import { agentIdFor, txBody } from "./targets.mjs";

/** Entries one mock turn commits (user_prompt, reasoning, agent_msg). */
const ENTRIES_PER_TURN = 3;
/** Status reads in flight while checking every accepted transaction. */
const STATUS_CONCURRENCY = 20;

/**
 * @typedef {object} Flood
 * @property {number} requests
 * @property {number} concurrency
 * @property {number} accepted 202 answers.
 * @property {number} refused 429 answers (the agent's inbox was full).
 * @property {number} serverErrors 5xx answers.
 * @property {number} other Any other status, or a failed request.
 * @property {string | undefined} firstOther What the first of those looked like.
 * @property {number} sendSeconds From the first request to the last answer.
 * @property {number | undefined} drainSeconds From the last answer to every accepted turn
 *   committed (undefined: not within the timeout).
 * @property {number} processed Accepted transactions whose status is `processed` at the end.
 * @property {number} entries The agent's head at the end.
 */

/**
 * A flood on one agent: `requests` `POST /tx` user_prompt (each a whole mock turn) kept
 * `concurrency` in flight on a fresh agent, no request sent again. Counts the answers by
 * status, waits until the agent has committed every accepted turn (3 entries each), then
 * reads every accepted transaction's status.
 *
 * @example
 * const f = await runFlood({ origin, token, requests: 5000, concurrency: 200, drainTimeoutMs: 120_000, log });
 * @param {{ origin: URL, token: string, requests: number, concurrency: number,
 *   drainTimeoutMs: number, track: (thing: { close: () => void }) => void,
 *   log: (line: string) => void }} options
 * @returns {Promise<Flood>}
 */
export async function runFlood(options) {
  const { token, requests, concurrency } = options;
  const client = createClient(options.origin, concurrency);
  options.track(client);
  const agentId = agentIdFor("flood", `${requests}-${concurrency}`);
  const body = txBody(agentId, "user_prompt");
  const headers = { authorization: `Bearer ${token}` };
  /** @type {string[]} */
  const txIds = [];
  const counts = { refused: 0, serverErrors: 0, other: 0 };
  /** @type {string | undefined} */
  let firstOther;
  let sent = 0;
  const started = performance.now();
  const worker = async () => {
    while (sent < requests) {
      sent++;
      try {
        const res = await client.request("POST", "/tx", body, headers);
        if (res.status === 202) txIds.push(JSON.parse(res.body).tx_id);
        else if (res.status === 429) counts.refused++;
        else {
          if (res.status >= 500) counts.serverErrors++;
          else counts.other++;
          firstOther ??= `HTTP ${res.status} ${res.body.slice(0, 200)}`;
        }
      } catch (err) {
        counts.other++;
        firstOther ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, requests) }, worker));
  const answered = performance.now();
  const sendSeconds = (answered - started) / 1000;
  options.log(
    `  ${txIds.length} accepted, ${counts.refused} refused (429), ${counts.serverErrors} 5xx, ${counts.other} other in ${sendSeconds.toFixed(1)} s; draining…`,
  );
  const want = txIds.length * ENTRIES_PER_TURN;
  let entries = 0;
  /** @type {number | undefined} */
  let drainSeconds;
  for (;;) {
    entries = await headSeq(client, token, agentId);
    if (entries >= want) {
      drainSeconds = (performance.now() - answered) / 1000;
      break;
    }
    if (performance.now() - answered > options.drainTimeoutMs) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  let processed = 0;
  let next = 0;
  const check = async () => {
    while (next < txIds.length) {
      const txId = txIds[next++];
      const res = await client.request("GET", `/tx/status/${agentId}/${txId}`, undefined, headers);
      if (res.status === 200 && JSON.parse(res.body).status === "processed") processed++;
    }
  };
  await Promise.all(Array.from({ length: STATUS_CONCURRENCY }, check));
  return {
    requests,
    concurrency,
    accepted: txIds.length,
    ...counts,
    firstOther,
    sendSeconds,
    drainSeconds,
    processed,
    entries,
  };
}
