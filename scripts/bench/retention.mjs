import { headSeq } from "./agent-api.mjs";
import { seedRecord, startRetentionFixture, untilEvicted } from "./retention-fixture.mjs";
import { quantile } from "./stats.mjs";
import { openSession } from "./stream-client.mjs";
import { agentIdFor, txBody } from "./targets.mjs";

/** Longest wait for both objects to be evicted before a wake is measured. */
const EVICTION_TIMEOUT_MS = 45_000;
const SESSION_TIMEOUT_MS = 30_000;
const TURN_TIMEOUT_MS = 240_000;
/** Entries a measured `resume` replays: it asks for those after `head - RESUME_BACK`. */
const RESUME_BACK = 10;

/**
 * @typedef {object} RetentionRow One record size.
 * @property {string} agentId
 * @property {number} entries Entries seeded.
 * @property {number} seedSeconds
 * @property {number | undefined} peakRssMiB workerd's resident memory, largest seen seeding.
 * @property {number[]} wakeMs First `GET /agents/:id/head` after each eviction.
 * @property {number[]} headMs Later head reads (object in memory).
 * @property {number[]} resumeMs `resume {after_seq: head-10}` → the last replayed `record` frame.
 * @property {number} resumeFramesShort Replays that brought fewer `record` frames than asked.
 * @property {number | undefined} turnMs One mock turn after the rounds: `POST /tx` → processed.
 * @property {number | undefined} turnInputTokens What that turn's model call was sent (the
 *   mock counts 4 characters a token): the size of the conversation.
 */

/**
 * @typedef {object} Retention
 * @property {number} promptEvery Every this many seeded entries is a `user_prompt`.
 * @property {number} rounds
 * @property {boolean} evictionSeen Every round saw both objects evicted before the wake.
 * @property {RetentionRow[]} rows The large record, then the small one.
 * @property {{ entries: number, turnMs: number, turnInputTokens: number }} pastWindow One
 *   mock turn on a third record, {@link PAST_WINDOW_ENTRIES} long: past the conversation's
 *   window, as the large one is, so a conversation bounded whatever the record's length
 *   sends as much on the large record as on this one.
 */

/**
 * Entries of the record the large one's conversation is compared with: ten times the
 * conversation window of `durable-objects/agent/conversation.ts` (1,000 entries).
 */
export const PAST_WINDOW_ENTRIES = 10_000;

/**
 * Does an agent with a long record wake, resume and answer a head read as fast as one with a
 * short record? Serves the retention fixture (the product plus a seeding route), seeds two
 * agents straight into storage (and a third, the pilot), then, for each of `rounds` rounds:
 * waits until workerd has evicted the three objects (closed their SQLite files), reads the
 * pilot's head (which starts the isolate again), times the first head read of each (the
 * wake; which agent goes first alternates), then `headReads` head reads and `resumes`
 * `/stream` resumes of each, alternating. Last, one mock turn on each: its time and the input
 * tokens its model call was sent (the conversation a turn sends, which compaction is meant to
 * bound).
 *
 * @example
 * const r = await runRetention({ dir, track, large: 1_000_000, small: 100, promptEvery: 10,
 *   rounds: 3, headReads: 200, resumes: 5, log });
 * @param {{ dir: string, track: (thing: { dispose?: () => Promise<void>, close?: () => void }) => void,
 *   large: number, small: number, promptEvery: number, rounds: number, headReads: number,
 *   resumes: number, log: (line: string) => void }} options
 * @returns {Promise<Retention>}
 */
export async function runRetention(options) {
  const { log } = options;
  const fixture = await startRetentionFixture(options.dir, options.track);
  const { client, token, worker } = fixture;
  /** @type {RetentionRow[]} */
  const rows = [];
  /** @type {Array<string | undefined>} */
  const files = [];
  for (const [name, entries] of /** @type {const} */ ([
    ["large", options.large],
    ["small", options.small],
  ])) {
    const agentId = agentIdFor("retention", name);
    const seeded = await seedRecord(fixture, agentId, entries, options.promptEvery, log);
    log(
      `  seeded ${entries} entries in ${seeded.seconds.toFixed(1)} s (${(entries / seeded.seconds).toFixed(0)}/s), workerd peak ${seeded.peakRssMiB?.toFixed(0) ?? "?"} MiB`,
    );
    files.push(seeded.file);
    rows.push({
      agentId,
      entries,
      seedSeconds: seeded.seconds,
      peakRssMiB: seeded.peakRssMiB,
      wakeMs: [],
      headMs: [],
      resumeMs: [],
      resumeFramesShort: 0,
      turnMs: undefined,
      turnInputTokens: undefined,
    });
  }
  // The seeded entries are the kernel's own: the short record re-folds through the product's
  // verify route (the long one is built by the same code, one chunk after another).
  const small = /** @type {RetentionRow} */ (rows[1]);
  const verified = await client.request("GET", `/agents/${small.agentId}/verify`, undefined, {
    authorization: `Bearer ${token}`,
  });
  const report = verified.status === 200 ? JSON.parse(verified.body) : undefined;
  if (!report?.ok || report.checked !== small.entries)
    throw new Error(`retention: the seeded record does not verify: ${verified.body}`);
  const pilotId = agentIdFor("retention", "pilot");
  const pilotSeed = await seedRecord(fixture, pilotId, 1, options.promptEvery, log);
  files.push(pilotSeed.file);
  const pilot = { agentId: pilotId };
  const pastWindowId = agentIdFor("retention", "past-window");
  const pastWindowSeed = await seedRecord(
    fixture,
    pastWindowId,
    PAST_WINDOW_ENTRIES,
    options.promptEvery,
    log,
  );
  files.push(pastWindowSeed.file);
  const auth = { authorization: `Bearer ${token}` };
  const read = async (/** @type {{ agentId: string }} */ row) => {
    const res = await client.request("GET", `/agents/${row.agentId}/head`, undefined, auth);
    if (res.status !== 200) throw new Error(`head of ${row.agentId}: HTTP ${res.status}`);
    return res.ms;
  };
  let evictionSeen = true;
  for (let round = 0; round < options.rounds; round++) {
    const evicted = await untilEvicted(worker.pid, files, EVICTION_TIMEOUT_MS);
    evictionSeen &&= evicted;
    const order = round % 2 === 0 ? rows : [...rows].reverse();
    // The first request after every object was evicted also starts the Worker's isolate
    // again: a third agent takes that, so each wake measured is one object's alone.
    await read(pilot);
    for (const row of order) row.wakeMs.push(await read(row));
    for (let i = 0; i < options.headReads; i++)
      for (const row of order) row.headMs.push(await read(row));
    for (let i = 0; i < options.resumes; i++) {
      for (const row of order) {
        const { ms, short } = await timeResume(fixture, row.agentId);
        row.resumeMs.push(ms);
        if (short) row.resumeFramesShort++;
      }
    }
    const wakes = order.map((r) => `${r.entries}: ${r.wakeMs.at(-1)?.toFixed(1)} ms`).join(", ");
    log(`  round ${round + 1}: ${evicted ? "evicted" : "NOT seen evicted"}; wake ${wakes}`);
  }
  for (const row of rows) {
    const turn = await timeTurn(fixture, row.agentId);
    row.turnMs = turn.ms;
    row.turnInputTokens = turn.inputTokens;
    log(
      `  a turn on ${row.entries} entries: ${turn.ms.toFixed(0)} ms, ${turn.inputTokens} input tokens`,
    );
  }
  const pastTurn = await timeTurn(fixture, pastWindowId);
  log(
    `  a turn on ${PAST_WINDOW_ENTRIES} entries: ${pastTurn.ms.toFixed(0)} ms, ${pastTurn.inputTokens} input tokens`,
  );
  const pastWindow = {
    entries: PAST_WINDOW_ENTRIES,
    turnMs: pastTurn.ms,
    turnInputTokens: pastTurn.inputTokens,
  };
  return {
    promptEvery: options.promptEvery,
    rounds: options.rounds,
    evictionSeen,
    rows,
    pastWindow,
  };
}

/**
 * Opens a `/stream` session (which records its `session_start`), then times a `resume` that
 * asks for the entries after `head - RESUME_BACK`: from sending it to the `record` frame of the
 * entry before the session's start, the last one it replays.
 * @param {import("./retention-fixture.mjs").RetentionFixture} fixture
 * @param {string} agentId
 * @returns {Promise<{ ms: number, short: boolean }>}
 */
async function timeResume(fixture, agentId) {
  const { worker, token, client } = fixture;
  const session = await openSession({
    origin: worker.url,
    token,
    agentId,
    index: 0,
    timeoutMs: SESSION_TIMEOUT_MS,
  });
  try {
    const start = await headSeq(client, token, agentId);
    const last = start - 1;
    const afterSeq = start - 1 - RESUME_BACK;
    let frames = 0;
    const done = new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`resume on ${agentId}: timed out`)),
        SESSION_TIMEOUT_MS,
      );
      session.handle = (frame, at) => {
        if (frame.type !== "record") return;
        const seq = Number(frame.seq);
        if (seq > afterSeq && seq <= last) frames++;
        if (seq >= last) {
          clearTimeout(timer);
          resolve(at);
        }
      };
    });
    const sentAt = performance.now();
    session.send({ type: "resume", after_seq: afterSeq });
    const endAt = /** @type {number} */ (await done);
    return { ms: endAt - sentAt, short: frames < RESUME_BACK };
  } finally {
    session.handle = undefined;
    session.ws.terminate();
  }
}

/**
 * One mock turn through `POST /tx`, polled to `processed`; the input tokens its model call
 * was sent are read from the agent's metrics (`tokens_in` before and after).
 * @param {import("./retention-fixture.mjs").RetentionFixture} fixture
 * @param {string} agentId
 * @returns {Promise<{ ms: number, inputTokens: number }>}
 */
async function timeTurn(fixture, agentId) {
  const { client, token } = fixture;
  const auth = { authorization: `Bearer ${token}` };
  const tokensIn = async () => {
    const res = await client.request("GET", `/agents/${agentId}/metrics`, undefined, auth);
    if (res.status !== 200)
      throw new Error(`metrics of ${agentId}: HTTP ${res.status} ${res.body}`);
    return /** @type {{ tokens_in: number }} */ (JSON.parse(res.body)).tokens_in;
  };
  const before = await tokensIn();
  const started = performance.now();
  const res = await client.request("POST", "/tx", txBody(agentId, "user_prompt"), auth);
  if (res.status !== 202) throw new Error(`turn on ${agentId}: HTTP ${res.status} ${res.body}`);
  const txId = /** @type {{ tx_id: string }} */ (JSON.parse(res.body)).tx_id;
  for (;;) {
    const status = await client.request("GET", `/tx/status/${agentId}/${txId}`, undefined, auth);
    const state = /** @type {{ status: string }} */ (JSON.parse(status.body)).status;
    if (state === "processed") break;
    if (state === "failed") throw new Error(`turn on ${agentId} failed: ${status.body}`);
    if (performance.now() - started > TURN_TIMEOUT_MS)
      throw new Error(`turn on ${agentId}: not processed after ${TURN_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const ms = performance.now() - started;
  return { ms, inputTokens: (await tokensIn()) - before };
}

/**
 * The p50 of each figure and its ratio, large over small.
 *
 * @example
 * retentionRatios(r); // [{ figure: "wake", largeMs: 4.1, smallMs: 3.9, ratio: 1.05 }, …]
 * @param {Retention} r
 * @returns {Array<{ figure: "wake" | "head" | "resume", largeMs: number, smallMs: number, ratio: number }>}
 */
export function retentionRatios(r) {
  const [large, small] = r.rows;
  if (!large || !small) return [];
  const p50 = (/** @type {number[]} */ xs) =>
    quantile(
      [...xs].sort((a, b) => a - b),
      0.5,
    );
  return /** @type {const} */ ([
    ["wake", "wakeMs"],
    ["head", "headMs"],
    ["resume", "resumeMs"],
  ]).map(([figure, key]) => {
    const largeMs = p50(large[key]);
    const smallMs = p50(small[key]);
    return { figure, largeMs, smallMs, ratio: largeMs / smallMs };
  });
}
