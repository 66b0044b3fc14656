import { fixed } from "./table.mjs";
import { SHAPES } from "./throughput.mjs";

/** The targets. */
export const TARGETS = Object.freeze({
  /** Admission: `POST /tx` trigger (one entry, no turn) ≥ this × the bare insert. */
  admissionRatio: 0.8,
  admissionEndpoint: "tx_trigger",
  /** Shapes the admission target applies to: 50 in flight, 1 agent and 50 agents. */
  admissionShapes: ["c50-1", "c50-50"],
  /** Turn: `POST /tx` user_prompt (a whole mock turn, 3 entries) ≥ this × the bare insert. */
  turnRatio: 0.4,
  turnEndpoint: "tx_user_prompt",
  /** The one shape the turn target applies to: 50 in flight over 50 agents. */
  turnShape: "c50-50",
  /** `GET /agents/:id/verify` re-folds at least this many entries per second (p50). */
  verifyEntriesPerSecond: 50_000,
  /** Record length the verify target is stated for. */
  verifyEntries: 10_000,
  /** Head read on 100k entries within this × the head read on 100 entries. */
  headRatio: 1.5,
  /** Tool calls through the Worker's `SandboxClient` to the sandbox, p50 in ms, one at a time. */
  toolsP50Ms: { run_command: 15, read_file: 30 },
  /** `/stream` sessions on one agent whose `text_delta` receive times are compared. */
  streamFanOutClients: 100,
  /** p99 over every `text_delta` of (last client's receive time − first client's), in ms. */
  streamSpreadP99Ms: 50,
  /** `/stream` sessions on one agent for the delivery and hibernation targets. */
  streamSessions: 1000,
  /** p99 over every client and turn of `user_message` sent → its `user_prompt` record, in ms. */
  streamDeliveryP99Ms: 200,
});

/**
 * @typedef {object} RatioCheck One `POST /tx` row against the bare insert in its shape.
 * @property {string} shape
 * @property {string} endpoint
 * @property {number | undefined} ratio accepted/s, `POST /tx` / bare insert.
 * @property {number} target
 * @property {boolean} met
 */

/**
 * @param {import("./report.mjs").RatedRow[]} rows
 * @param {string} endpoint
 * @param {string[]} shapes
 * @param {number} target
 * @returns {RatioCheck[]}
 */
function ratioChecks(rows, endpoint, shapes, target) {
  return shapes.map((shape) => {
    const ratio = rows.find((r) => r.shape.id === shape && r.target.id === endpoint)?.ratio;
    return { shape, endpoint, ratio, target, met: ratio !== undefined && ratio >= target };
  });
}

/**
 * The admission targets: trigger rows only, since a trigger admits one entry and runs no
 * turn, so its ratio to the bare insert is the cost of admission itself.
 *
 * @example
 * admissionChecks(rows); // [{ shape: "c50-1", endpoint: "tx_trigger", ratio: 0.86, … }, …]
 * @param {import("./report.mjs").RatedRow[]} rows
 * @returns {RatioCheck[]}
 */
export function admissionChecks(rows) {
  const { admissionEndpoint, admissionShapes, admissionRatio } = TARGETS;
  return ratioChecks(rows, admissionEndpoint, admissionShapes, admissionRatio);
}

/**
 * The turn target, read from the user_prompt row at 50 in flight over 50 agents: each of
 * its requests is admitted and then runs a complete mock turn (user_prompt, reasoning,
 * agent_msg), all measured within the same rounds.
 *
 * @example
 * turnCheck(rows); // { shape: "c50-50", endpoint: "tx_user_prompt", ratio: 0.52, met: true, … }
 * @param {import("./report.mjs").RatedRow[]} rows
 * @returns {RatioCheck}
 */
export function turnCheck(rows) {
  const { turnEndpoint, turnShape, turnRatio } = TARGETS;
  return /** @type {RatioCheck} */ (ratioChecks(rows, turnEndpoint, [turnShape], turnRatio)[0]);
}

/**
 * @typedef {object} VerifyCheck
 * @property {number} entries Entries in the verified record.
 * @property {number} entriesPerSecond p50 over the repetitions.
 * @property {number} target
 * @property {boolean} met
 * @property {boolean} reduced The record is shorter than the target is stated for.
 */

/**
 * The verify-rate target against a run's p50.
 *
 * @example
 * verifyCheck(rate); // { entries: 10000, entriesPerSecond: 61234, target: 50000, met: true, … }
 * @param {import("./verify-rate.mjs").VerifyRate} rate
 * @returns {VerifyCheck}
 */
export function verifyCheck(rate) {
  const target = TARGETS.verifyEntriesPerSecond;
  return {
    entries: rate.seeded.entries,
    entriesPerSecond: rate.p50EntriesPerSecond,
    target,
    met: rate.p50EntriesPerSecond >= target,
    reduced: rate.seeded.entries < TARGETS.verifyEntries,
  };
}

/**
 * @typedef {object} ToolCheck
 * @property {"run_command" | "read_file"} operation
 * @property {string} label
 * @property {number} p50Ms through the Worker
 * @property {number} sandboxP50Ms straight to the sandbox, for comparison
 * @property {number} target
 * @property {boolean} met
 */

/**
 * The tool-call targets, read from the rows through the Worker.
 *
 * @example
 * toolChecks(rows); // [{ operation: "run_command", p50Ms: 6.1, target: 15, met: true, … }, …]
 * @param {import("./tools.mjs").ToolRow[]} rows
 * @returns {ToolCheck[]}
 */
export function toolChecks(rows) {
  return Object.entries(TARGETS.toolsP50Ms).map(([operation, target]) => {
    const at = (/** @type {string} */ path) =>
      rows.find((r) => r.operation.id === operation && r.path === path);
    const worker = at("worker");
    const p50Ms = worker?.p50Ms ?? Number.NaN;
    return {
      operation: /** @type {ToolCheck["operation"]} */ (operation),
      label: worker?.operation.label ?? operation,
      p50Ms,
      sandboxP50Ms: at("sandbox")?.p50Ms ?? Number.NaN,
      target,
      met: p50Ms <= target && worker?.errors === 0,
    };
  });
}

/**
 * @typedef {object} StreamCheck One `/stream` target: a p99 within its bound, and every
 *   event of every turn (warm-up included) at every client.
 * @property {number} clients
 * @property {number} turns
 * @property {number} p50Ms
 * @property {number} p99Ms
 * @property {number} target
 * @property {number} missing
 * @property {boolean} met
 */

/**
 * @typedef {object} HibernationCheck After the sockets were idle, one more turn reaches
 *   every session on its own socket.
 * @property {number} clients
 * @property {number} received Clients that got the turn's end.
 * @property {number} reconnections Sockets that closed: each would have had to reconnect.
 * @property {number} missing
 * @property {number} idleSeconds
 * @property {number | undefined} evictedAfterSeconds
 * @property {boolean} observable Whether the bench could see the eviction at all.
 * @property {boolean} met
 */

/**
 * The `/stream` targets: the spread of each delta across 100 watchers, commit → delivery
 * over 1,000 sessions, and the turn after they idled past the hibernation timeout.
 *
 * @example
 * streamChecks(stream); // { fanOut: { p99Ms: 6.9, target: 50, met: true, … }, … }
 * @param {import("./stream.mjs").StreamResults} stream
 * @returns {{ fanOut: StreamCheck, delivery: StreamCheck, hibernation: HibernationCheck }}
 */
export function streamChecks({ fanOut, sessions, hibernation }) {
  const complete = (/** @type {{ missing: number, timedOut: boolean }} */ p) =>
    p.missing === 0 && !p.timedOut;
  const spread = fanOut.spread;
  const delivery = sessions.latency;
  return {
    fanOut: {
      clients: fanOut.clients,
      turns: fanOut.turns,
      p50Ms: spread.p50Ms,
      p99Ms: spread.p99Ms,
      target: TARGETS.streamSpreadP99Ms,
      missing: fanOut.missing,
      met: spread.p99Ms <= TARGETS.streamSpreadP99Ms && complete(fanOut),
    },
    delivery: {
      clients: sessions.clients,
      turns: sessions.turns,
      p50Ms: delivery.p50Ms,
      p99Ms: delivery.p99Ms,
      target: TARGETS.streamDeliveryP99Ms,
      missing: sessions.missing,
      met: delivery.p99Ms <= TARGETS.streamDeliveryP99Ms && complete(sessions),
    },
    hibernation: {
      clients: hibernation.clients,
      received: hibernation.received,
      reconnections: hibernation.closed,
      missing: hibernation.missing,
      idleSeconds: hibernation.idleSeconds,
      evictedAfterSeconds: hibernation.evictedAfterSeconds,
      observable: hibernation.observable,
      met:
        hibernation.received === hibernation.clients &&
        hibernation.closed === 0 &&
        complete(hibernation),
    },
  };
}

/**
 * @typedef {object} TargetChecks
 * @property {RatioCheck[]} admission
 * @property {RatioCheck} turn
 * @property {VerifyCheck} verify
 * @property {import("./report.mjs").HeadRatios[]} head
 * @property {ToolCheck[]} tools
 * @property {ReturnType<typeof streamChecks>} stream
 */

/**
 * Whether every target was met.
 * @param {TargetChecks} checks
 * @returns {boolean}
 */
export function allMet(checks) {
  return (
    checks.admission.every((c) => c.met) &&
    checks.turn.met &&
    checks.verify.met &&
    checks.head.every((h) => h.met) &&
    checks.tools.every((t) => t.met) &&
    checks.stream.fanOut.met &&
    checks.stream.delivery.met &&
    checks.stream.hibernation.met
  );
}

const verdict = (/** @type {boolean} */ met) => (met ? "met" : "NOT MET");
const shapeLabel = (/** @type {string} */ id) => SHAPES.find((s) => s.id === id)?.label ?? id;

/**
 * The summary of targets, one group per kind of target, each line with its verdict. Ratios
 * to the bare insert carry three decimals, so a miss never prints as the target value.
 *
 * @example
 * process.stdout.write(targetSummary(checks));
 * @param {TargetChecks} checks
 * @returns {string}
 */
export function targetSummary(checks) {
  const { turn, verify } = checks;
  const ratioLine = (/** @type {RatioCheck} */ c) =>
    `  ${shapeLabel(c.shape).padEnd(26)} ${c.endpoint.padEnd(15)} ${fixed(c.ratio, 3)}x  ${verdict(c.met)}`;
  const rate = Math.round(verify.entriesPerSecond).toLocaleString("en-US");
  return [
    "Targets",
    `Admission: POST /tx trigger (1 entry, no turn) >= ${TARGETS.admissionRatio}x bare insert accepted/s, 50 in flight, 1 agent and 50 agents.`,
    ...checks.admission.map(ratioLine),
    `Turn: complete mock turn (3 entries) >= ${TARGETS.turnRatio}x bare insert, 50 agents in parallel.`,
    "  (A user_prompt row includes a whole turn, so it is not an admission-only measurement;",
    "  the other user_prompt rows are for reference and have no target.)",
    ratioLine(turn),
    `Verify: GET /agents/:id/verify >= ${TARGETS.verifyEntriesPerSecond.toLocaleString("en-US")} entries/s (p50) on ${TARGETS.verifyEntries.toLocaleString("en-US")} entries.`,
    `  ${verify.entries.toLocaleString("en-US")} entries${verify.reduced ? " (reduced record: --quick or --verify-entries)" : ""}: ${rate} entries/s  ${verdict(verify.met)}`,
    `Head read: long record within ${TARGETS.headRatio}x of short record, p50 and reads/s.`,
    ...checks.head.map(
      (h) =>
        `  ${h.concurrency} in flight: p50 ${fixed(h.p50, 2)}x, reads/s ${fixed(h.throughput, 2)}x  ${verdict(h.met)}`,
    ),
    "Tools: one call at a time through the Worker's SandboxClient to the sandbox, p50 (direct to the sandbox for comparison).",
    ...checks.tools.map(
      (t) =>
        `  ${t.label.padEnd(20)} p50 ${fixed(t.p50Ms, 2)} ms <= ${t.target} ms (direct ${fixed(t.sandboxP50Ms, 2)} ms)  ${verdict(t.met)}`,
    ),
    ...streamSummary(checks.stream),
  ].join("\n");
}

/**
 * The summary lines of the `/stream` targets.
 * @param {TargetChecks["stream"]} stream
 * @returns {string[]}
 */
function streamSummary({ fanOut, delivery, hibernation: h }) {
  const count = (/** @type {number} */ n) => n.toLocaleString("en-US");
  const whole = (/** @type {StreamCheck} */ c) =>
    c.missing === 0 ? "every event to every client" : `${c.missing} events missing`;
  const line = (/** @type {StreamCheck} */ c) =>
    `  ${count(c.clients)} clients, ${c.turns} turns: p50 ${fixed(c.p50Ms, 1)} ms, p99 ${fixed(c.p99Ms, 1)} ms <= ${c.target} ms, ${whole(c)}  ${verdict(c.met)}`;
  const eviction = !h.observable
    ? "eviction not observable here"
    : h.evictedAfterSeconds === undefined
      ? "no eviction seen: workerd still held the object's SQLite file"
      : `object evicted after ${fixed(h.evictedAfterSeconds, 1)} s: workerd closed its SQLite file`;
  return [
    `Stream fan-out: ${count(TARGETS.streamFanOutClients)} sessions on one agent, each text_delta's receive times (last client - first) p99 <= ${TARGETS.streamSpreadP99Ms} ms.`,
    line(fanOut),
    `Stream delivery: ${count(TARGETS.streamSessions)} sessions on one agent, user_message sent -> each client's record of that user_prompt, p99 <= ${TARGETS.streamDeliveryP99Ms} ms.`,
    line(delivery),
    `Stream hibernation: after the ${count(TARGETS.streamSessions)} sockets idle past workerd's hibernation timeout, one more turn reaches every one without reconnecting.`,
    `  after ${fixed(h.idleSeconds, 1)} s idle (${eviction}): ${count(h.received)}/${count(h.clients)} got the turn, ` +
      `${h.reconnections} reconnections, ${h.missing} events missing  ${verdict(h.met)}`,
  ];
}
