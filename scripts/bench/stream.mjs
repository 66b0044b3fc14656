import { holdsOpen, objectFiles } from "../lib/open-files.mjs";
import { cpuMs } from "./proc-cpu.mjs";
import { closeAll, openSessions } from "./stream-client.mjs";
import { latencyOf, missingOf, spreadOf } from "./stream-measures.mjs";
import { runTurn } from "./stream-turn.mjs";

/** Sessions opened at once; each batch waits for the one before. */
const OPEN_BATCH = 50;
const OPEN_TIMEOUT_MS = 60_000;
const TURN_TIMEOUT_MS = 60_000;
/**
 * Unmeasured turns first (checked all the same): both processes' JIT warms up, and every
 * frame of the opening `session_start` commits, which each earlier session watches, is
 * delivered before the clock starts.
 */
const WARM_UP_TURNS = 1;
/** Past the idle time, how much longer the bench waits to see the object evicted. */
const EVICTION_GRACE_MS = 15_000;
const POLL_MS = 250;

/**
 * @typedef {object} Phase
 * @property {number} clients
 * @property {number} turns Measured turns (after {@link WARM_UP_TURNS}).
 * @property {number} setupSeconds Opening every session: init, ready, its `session_start`.
 * @property {number | undefined} cpuMsPerTurn workerd CPU time per measured turn.
 * @property {number} missing Events some client did not get, over all turns (see `missingOf`).
 * @property {boolean} timedOut Some turn did not reach every client in time.
 */

/**
 * @typedef {object} StreamResults
 * @property {boolean} deflate Whether the clients offered permessage-deflate.
 * @property {number} warmUpTurns Unmeasured turns before each phase's measured ones.
 * @property {Phase & { spread: import("./stream-measures.mjs").Spread }} fanOut
 * @property {Phase & { latency: import("./stream-measures.mjs").Latency }} sessions
 * @property {{ clients: number, latency: import("./stream-measures.mjs").Latency,
 *   missing: number, timedOut: boolean, idleSeconds: number,
 *   evictedAfterSeconds: number | undefined, observable: boolean, closed: number,
 *   received: number }} hibernation One more turn on the sessions' sockets after they were
 *   idle. `evictedAfterSeconds`: when workerd was first seen without the object's SQLite file
 *   open (undefined: not seen, or not `observable`); `closed`: sockets that closed, each of
 *   which a real client would have had to reopen; `received`: clients that got the turn's end.
 */

/**
 * WebSocket sessions of the product Worker (`GET /stream`), on two fresh agents: (1)
 * `fanOutClients` sessions watch `fanOutTurns` mock turns, and for every `text_delta` the
 * spread of its receive times across them is taken; (2) `sessions` sessions, opened in
 * batches, watch `sessionTurns` turns, and for each client and turn the time from the
 * `user_message` send to its `record` of that `user_prompt` is taken; (3) those sockets stay
 * idle for `idleMs` (longer while workerd still holds the object, up to a grace period),
 * then one more turn must reach every one of them with no socket closed. Each turn is sent
 * by one client and must reach every client whole.
 *
 * @example
 * const stream = await runStream({ origin, http, token, pid, persistDir, fanOutClients: 100,
 *   fanOutTurns: 30, sessions: 1000, sessionTurns: 5, idleMs: 12_000, track, log });
 * @param {{ origin: URL, http: import("./agent-api.mjs").Client, token: string,
 *   pid: number | undefined, persistDir: string, fanOutClients: number, fanOutTurns: number,
 *   sessions: number, sessionTurns: number, idleMs: number, deflate?: boolean,
 *   track: (thing: { close: () => void }) => void, log: (line: string) => void }} options
 * @returns {Promise<StreamResults>}
 */
export async function runStream(options) {
  const { pid, log } = options;
  /** @param {number} count */
  const open = async (count) => {
    const agentId = await createAgent(options.http, options.token);
    const started = performance.now();
    /** @type {import("./stream-client.mjs").StreamClient[]} */
    const all = [];
    options.track({ close: () => closeAll(all) });
    const clients = await openSessions({
      origin: options.origin,
      token: options.token,
      agentId,
      count,
      batch: OPEN_BATCH,
      timeoutMs: OPEN_TIMEOUT_MS,
      deflate: options.deflate ?? true,
      track: (c) => all.push(c),
    });
    const setupSeconds = (performance.now() - started) / 1000;
    log(`  ${count} sessions open in ${setupSeconds.toFixed(1)} s`);
    return { clients, setupSeconds };
  };
  /** @param {Awaited<ReturnType<typeof open>>} opened @param {number} count @param {string} label */
  const phase = async ({ clients, setupSeconds }, count, label) => {
    const warmUp = await turns(clients, WARM_UP_TURNS, `${label} warm-up`);
    const before = cpuMs(pid);
    const runs = await turns(clients, count, label);
    const after = cpuMs(pid);
    const cpuMsPerTurn =
      before === undefined || after === undefined ? undefined : (after - before) / count;
    const all = [...warmUp, ...runs];
    return {
      runs,
      clients: clients.length,
      turns: count,
      setupSeconds,
      cpuMsPerTurn,
      missing: missingOf(all),
      timedOut: all.some((r) => r.timedOut),
    };
  };

  const few = await open(options.fanOutClients);
  const { runs: fanRuns, ...fan } = await phase(few, options.fanOutTurns, "fan-out");
  closeAll(few.clients);
  const fanOut = { ...fan, spread: spreadOf(fanRuns) };
  log(
    `  spread p50 ${fanOut.spread.p50Ms.toFixed(1)} ms, p99 ${fanOut.spread.p99Ms.toFixed(1)} ms`,
  );

  const files = objectFiles(options.persistDir);
  const many = await open(options.sessions);
  const file = [...objectFiles(options.persistDir)].find((f) => !files.has(f));
  const { runs, ...session } = await phase(many, options.sessionTurns, "session");
  const sessions = { ...session, latency: latencyOf(runs) };
  const { p50Ms, p99Ms } = sessions.latency;
  log(`  user_prompt record p50 ${p50Ms.toFixed(1)} ms, p99 ${p99Ms.toFixed(1)} ms`);

  const idle = await idleUntilEvicted(pid, file, options.idleMs);
  const seen = idle.evictedAfterMs === undefined ? "no eviction seen" : "object evicted";
  log(`  idle ${(idle.idleMs / 1000).toFixed(1)} s (${seen}); one more turn…`);
  const closed = many.clients.filter((c) => c.closed).length;
  const woken = await turns(many.clients, 1, "after idle");
  closeAll(many.clients);
  const hibernation = {
    clients: many.clients.length,
    latency: latencyOf(woken),
    missing: missingOf(woken),
    timedOut: woken.some((r) => r.timedOut),
    idleSeconds: idle.idleMs / 1000,
    evictedAfterSeconds: idle.evictedAfterMs === undefined ? undefined : idle.evictedAfterMs / 1000,
    observable: file !== undefined && holdsOpen(pid, file) !== undefined,
    closed,
    received: woken[0]?.clients.filter((c) => c.endAt !== undefined).length ?? 0,
  };
  const deflate = options.deflate ?? true;
  return { deflate, warmUpTurns: WARM_UP_TURNS, fanOut, sessions, hibernation };
}

/** @param {import("./agent-api.mjs").Client} http @param {string} token */
async function createAgent(http, token) {
  const res = await http.request("POST", "/agents", "{}", { authorization: `Bearer ${token}` });
  if (res.status !== 201) throw new Error(`POST /agents: HTTP ${res.status} ${res.body}`);
  return /** @type {{ agent_id: string }} */ (JSON.parse(res.body)).agent_id;
}

/**
 * Runs `count` turns one after another, each sent by another client.
 * @param {import("./stream-client.mjs").StreamClient[]} clients
 * @param {number} count
 * @param {string} label
 */
async function turns(clients, count, label) {
  /** @type {import("./stream-turn.mjs").TurnRun[]} */
  const runs = [];
  for (let t = 0; t < count; t++) {
    // A prime stride spreads the senders over the clients.
    const sender = /** @type {import("./stream-client.mjs").StreamClient} */ (
      clients[(t * 37) % clients.length]
    );
    const content = `bench ${label} turn ${t + 1}`;
    runs.push(await runTurn({ clients, sender, content, timeoutMs: TURN_TIMEOUT_MS }));
  }
  return runs;
}

/**
 * Sends nothing for at least `idleMs`, watching whether workerd still holds the object's
 * SQLite file open; past `idleMs`, waits up to {@link EVICTION_GRACE_MS} more for the
 * eviction to be seen, when it can be seen at all.
 * @param {number | undefined} pid
 * @param {string | undefined} file
 * @param {number} idleMs
 * @returns {Promise<{ idleMs: number, evictedAfterMs: number | undefined }>}
 */
async function idleUntilEvicted(pid, file, idleMs) {
  const started = performance.now();
  /** @type {number | undefined} */
  let evictedAfterMs;
  for (;;) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    const elapsed = performance.now() - started;
    const open = file === undefined ? undefined : holdsOpen(pid, file);
    if (open === false) evictedAfterMs ??= elapsed;
    if (elapsed >= idleMs && (open !== true || elapsed >= idleMs + EVICTION_GRACE_MS)) {
      return { idleMs: elapsed, evictedAfterMs };
    }
  }
}
