import { quantile } from "./stats.mjs";

/**
 * @typedef {object} RecordedTick One `automaton_tick` entry, with its `automaton_tick_done`.
 * @property {number} tick
 * @property {number} dueMs The slot it was begun for (`due_ms`).
 * @property {number} atMs When the object recorded that it began (`ts_ms`).
 * @property {string | undefined} outcome Of its `automaton_tick_done`; undefined: not done.
 */

/**
 * @typedef {object} Timeline What the record says about one automaton.
 * @property {string} automatonId
 * @property {number | undefined} periodMs Its interval (undefined for other schedules).
 * @property {number | undefined} runningAtMs When it became `running` (the schedule's anchor).
 * @property {number | undefined} stoppedAtMs When it became `stopped`, if it did.
 * @property {RecordedTick[]} ticks In record order.
 */

/**
 * The automatons of one agent, from its record page rows (`GET /agents/:id/record`): every
 * `system` entry whose payload is an `automaton_*` event, folded per automaton. The bench
 * reads payloads as the runtime wrote them; it does not re-check their transaction ids.
 *
 * @example
 * const timelines = timelinesOf(rows); // Map<automaton_id, Timeline>
 * @param {Array<{ tx: { tx_type: string, payload: string, ts_ms: number } }>} rows
 * @returns {Map<string, Timeline>}
 */
export function timelinesOf(rows) {
  /** @type {Map<string, Timeline>} */
  const all = new Map();
  /** @type {Map<string, Map<number, RecordedTick>>} */
  const open = new Map();
  for (const { tx } of rows) {
    const event = automatonEvent(tx);
    if (!event) continue;
    const id = String(event.automaton_id);
    let line = all.get(id);
    if (!line) {
      line = {
        automatonId: id,
        periodMs: undefined,
        runningAtMs: undefined,
        stoppedAtMs: undefined,
        ticks: [],
      };
      all.set(id, line);
      open.set(id, new Map());
    }
    if (event.type === "automaton_lifecycle") {
      const schedule = /** @type {{ type?: string, seconds?: number } | undefined} */ (
        event.schedule
      );
      if (schedule?.type === "interval") line.periodMs = Number(schedule.seconds) * 1000;
      if (event.to === "running") line.runningAtMs = tx.ts_ms;
      if (event.to === "stopped") line.stoppedAtMs = tx.ts_ms;
    } else if (event.type === "automaton_tick") {
      const tick = { tick: Number(event.tick), dueMs: Number(event.due_ms), atMs: tx.ts_ms };
      const recorded = { ...tick, outcome: undefined };
      line.ticks.push(recorded);
      open.get(id)?.set(recorded.tick, recorded);
    } else if (event.type === "automaton_tick_done") {
      const begun = open.get(id)?.get(Number(event.tick));
      if (begun) begun.outcome = String(event.outcome);
    }
  }
  return all;
}

/** @param {{ tx_type: string, payload: string }} tx */
function automatonEvent(tx) {
  if (tx.tx_type !== "system") return undefined;
  try {
    const event = JSON.parse(Buffer.from(tx.payload, "base64").toString("utf8"));
    const ok = typeof event?.type === "string" && event.type.startsWith("automaton_");
    return ok ? /** @type {Record<string, unknown>} */ (event) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * @typedef {object} Completeness Whether an interval automaton ticked once per slot.
 * @property {number} expected Slots of its schedule due in the window.
 * @property {number} recorded Its ticks due in the window.
 * @property {number} lost Slots due in the window with no tick, plus tick numbers skipped.
 * @property {number} doubled Tick numbers or `due_ms` recorded twice (over its whole life).
 * @property {number} offSlot Ticks whose `due_ms` is not a slot of its schedule.
 * @property {number} unfinished Ticks due in the window never recorded done.
 */

/**
 * Checks one interval automaton's ticks against its schedule: its slots are one period apart,
 * the first within two periods after it became `running` (a period after it, or later on the
 * per-agent phase the runtime puts intervals on; the first recorded tick's `due_ms` says
 * which), and every slot due
 * in `[fromMs, toMs)` must have exactly one tick. A tick more than a period late is recorded
 * for the latest slot it reaches, so the slots it passed show up here as lost.
 *
 * @example
 * completenessOf(line, windowStart, windowEnd); // { expected: 60, recorded: 60, lost: 0, … }
 * @param {Timeline} line
 * @param {number} fromMs
 * @param {number} toMs
 * @returns {Completeness}
 */
export function completenessOf(line, fromMs, toMs) {
  const { periodMs, runningAtMs, ticks } = line;
  const counts = { expected: 0, recorded: 0, lost: 0, doubled: 0, offSlot: 0, unfinished: 0 };
  if (periodMs === undefined || runningAtMs === undefined) return { ...counts, lost: Number.NaN };
  const firstDue = ticks[0]?.dueMs;
  const onTime =
    firstDue !== undefined && firstDue > runningAtMs && firstDue < runningAtMs + 2 * periodMs;
  /** The slot before the first: slots are `origin + k` periods, `k` ≥ 1. */
  const origin = onTime ? firstDue - periodMs : runningAtMs;
  const numbers = new Set();
  const dues = new Set();
  for (const t of ticks) {
    if (numbers.has(t.tick) || dues.has(t.dueMs)) counts.doubled++;
    numbers.add(t.tick);
    dues.add(t.dueMs);
    if ((t.dueMs - origin) % periodMs !== 0 || t.dueMs <= origin) counts.offSlot++;
    if (t.dueMs < fromMs || t.dueMs >= toMs) continue;
    counts.recorded++;
    if (t.outcome === undefined) counts.unfinished++;
  }
  const first = origin + Math.max(1, Math.ceil((fromMs - origin) / periodMs)) * periodMs;
  for (let due = first; due < toMs; due += periodMs) {
    counts.expected++;
    if (!dues.has(due)) counts.lost++;
  }
  const skipped = Math.max(0, ...numbers) - numbers.size;
  return { ...counts, lost: Math.max(counts.lost, skipped) };
}

/**
 * @typedef {object} Lateness Over ticks: `ts_ms` of `automaton_tick` − its `due_ms`.
 * @property {number} ticks
 * @property {number} p50Ms
 * @property {number} p99Ms
 * @property {number} maxMs
 * @property {number} overMs Ticks later than `boundMs`.
 */

/**
 * The lateness of the ticks whose slot is due within `[fromMs, toMs)`.
 *
 * @example
 * latenessOf(lines, windowStart, windowEnd, 100); // { ticks: 60000, p50Ms: 2, p99Ms: 41, … }
 * @param {Iterable<Timeline>} lines
 * @param {number} fromMs
 * @param {number} toMs
 * @param {number} boundMs
 * @returns {Lateness}
 */
export function latenessOf(lines, fromMs, toMs, boundMs) {
  /** @type {number[]} */
  const late = [];
  for (const line of lines) {
    for (const t of line.ticks)
      if (t.dueMs >= fromMs && t.dueMs < toMs) late.push(t.atMs - t.dueMs);
  }
  late.sort((a, b) => a - b);
  return {
    ticks: late.length,
    p50Ms: quantile(late, 0.5),
    p99Ms: quantile(late, 0.99),
    maxMs: late.at(-1) ?? Number.NaN,
    overMs: late.filter((ms) => ms > boundMs).length,
  };
}

/**
 * The distinct due times of one agent's ticks due in `[fromMs, toMs)`. The object keeps one
 * alarm, so each is a wake-up of its own — an alarm and a storage commit — unless ticks run
 * late enough to share one: automatons of one agent on one phase share them.
 *
 * @example
 * dueTimesOf(timelinesOf(rows).values(), windowStart, windowStart + 60_000); // 60 on one phase
 * @param {Iterable<Timeline>} agentLines The automatons of one agent.
 * @param {number} fromMs
 * @param {number} toMs
 * @returns {number}
 */
export function dueTimesOf(agentLines, fromMs, toMs) {
  const times = new Set();
  for (const line of agentLines) {
    for (const t of line.ticks) if (t.dueMs >= fromMs && t.dueMs < toMs) times.add(t.dueMs);
  }
  return times.size;
}
