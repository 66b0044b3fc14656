import { quantile } from "./stats.mjs";

/**
 * What a turn should have brought each client and did not: the `record` of its
 * `user_prompt`, `assistant_message_end`, the `record` of its `agent_msg`, and every
 * `text_delta` the most complete client got (same text, same order; at least one, since the
 * mock always answers with text); plus every `error` frame.
 *
 * @example
 * missingOf(runs); // 0 when every client got every event of every turn
 * @param {import("./stream-turn.mjs").TurnRun[]} runs
 * @returns {number}
 */
export function missingOf(runs) {
  let missing = 0;
  for (const run of runs) {
    const want = expectedDeltas(run);
    for (const c of run.clients) {
      missing += [c.promptAt, c.endAt, c.doneAt].filter((at) => at === undefined).length;
      missing += want.length - c.deltaTexts.filter((text, i) => text === want[i]).length;
      missing += c.errors.length;
    }
  }
  return missing;
}

/** The deltas of the client that got the most; one empty text when none got any. */
function expectedDeltas(/** @type {import("./stream-turn.mjs").TurnRun} */ run) {
  const most = run.clients.reduce(
    (best, c) => (c.deltaTexts.length > best.length ? c.deltaTexts : best),
    /** @type {string[]} */ ([]),
  );
  return most.length > 0 ? most : [""];
}

/**
 * @typedef {object} Spread
 * @property {number} deltas `text_delta` frames measured (per client).
 * @property {number} p50Ms Spread of one delta's receive times: last client − first client.
 * @property {number} p99Ms
 * @property {number} maxMs
 */

/**
 * For every `text_delta` of every turn, how far apart the clients received it.
 *
 * @example
 * spreadOf(runs); // { deltas: 30, p50Ms: 3.1, p99Ms: 7.4, maxMs: 7.4 }
 * @param {import("./stream-turn.mjs").TurnRun[]} runs
 * @returns {Spread}
 */
export function spreadOf(runs) {
  /** @type {number[]} */
  const spreads = [];
  for (const run of runs) {
    const count = Math.max(0, ...run.clients.map((c) => c.deltaAts.length));
    for (let j = 0; j < count; j++) {
      const ats = run.clients.flatMap((c) => (c.deltaAts[j] === undefined ? [] : [c.deltaAts[j]]));
      spreads.push(Math.max(...ats) - Math.min(...ats));
    }
  }
  spreads.sort((a, b) => a - b);
  return {
    deltas: spreads.length,
    p50Ms: quantile(spreads, 0.5),
    p99Ms: quantile(spreads, 0.99),
    maxMs: spreads.at(-1) ?? Number.NaN,
  };
}

/**
 * @typedef {object} Latency
 * @property {number} samples Client-turns measured.
 * @property {number} p50Ms `user_message` sent → a client's `record` of that `user_prompt`.
 * @property {number} p99Ms
 * @property {number} doneP50Ms Sent → a client's `record` of the closing `agent_msg`.
 * @property {number} doneP99Ms
 */

/**
 * Over every client and turn, the time from the sender's `user_message` to the client's
 * `record` of the entry it committed (an upper bound of commit → delivery), and to the
 * turn's last frame.
 *
 * @example
 * latencyOf(runs); // { samples: 5000, p50Ms: 29.6, p99Ms: 69.5, … }
 * @param {import("./stream-turn.mjs").TurnRun[]} runs
 * @returns {Latency}
 */
export function latencyOf(runs) {
  /** @type {number[]} */
  const prompt = [];
  /** @type {number[]} */
  const done = [];
  for (const run of runs) {
    for (const c of run.clients) {
      if (c.promptAt !== undefined) prompt.push(c.promptAt - run.sentAt);
      if (c.doneAt !== undefined) done.push(c.doneAt - run.sentAt);
    }
  }
  prompt.sort((a, b) => a - b);
  done.sort((a, b) => a - b);
  return {
    samples: prompt.length,
    p50Ms: quantile(prompt, 0.5),
    p99Ms: quantile(prompt, 0.99),
    doneP50Ms: quantile(done, 0.5),
    doneP99Ms: quantile(done, 0.99),
  };
}
