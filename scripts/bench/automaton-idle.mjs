import { holdsOpen, objectFiles } from "../lib/open-files.mjs";
import { automatonApi } from "./automaton-api.mjs";
import { timelinesOf } from "./automaton-ticks.mjs";
import { cpuMs } from "./proc-cpu.mjs";

const POLL_MS = 250;
/** After a tick's due time, how long the bench waits for it to be recorded. */
const TICK_GRACE_MS = 3000;
/**
 * A tick is judged when the object was left alone for its whole period before it, give or
 * take this: the first tick may come sooner when the runtime puts slots on a phase of its own.
 */
const WHOLE_PERIOD_SLACK_MS = 1000;

/**
 * @typedef {object} IdleTick One tick of the idle automaton and the gap before it.
 * @property {number} tick
 * @property {number} gapSeconds From the previous tick (or the install) to its due time.
 * @property {boolean} judged The gap was a whole period: long enough to expect an eviction.
 * @property {number} latenessMs `ts_ms` of its `automaton_tick` − its `due_ms`.
 * @property {string | undefined} outcome
 * @property {number | undefined} evictedAfterSeconds From the previous tick (or the
 *   install) to the first poll that saw workerd without the object's SQLite file open;
 *   undefined when no poll before the due time saw it closed.
 * @property {number} closedSeconds How long, before the due time, the file was seen closed.
 * @property {boolean} reopened The file was open again after the tick: the object woke.
 * @property {number | undefined} workerdCpuMs workerd CPU time while the file was closed.
 */

/**
 * @typedef {object} IdleAutomaton
 * @property {number} intervalSeconds
 * @property {boolean} observable Whether the object's SQLite file could be watched at all.
 * @property {IdleTick[]} ticks
 */

/**
 * One `chat` automaton with a long interval on a new agent, nothing else sent to it: the
 * bench watches `/proc/<workerd>/fd` for the agent's SQLite file (as the `/stream`
 * hibernation figure does) between ticks, until `ticks` ticks had a whole period before them;
 * for each tick it reports whether the object was evicted before it was due, whether it woke
 * for it, and how late the tick was.
 *
 * @example
 * const idle = await runIdleAutomaton({ http, token, pid, persistDir, intervalSeconds: 20,
 *   ticks: 2, log });
 * @param {{ http: import("./agent-api.mjs").Client, token: string, pid: number | undefined,
 *   persistDir: string, intervalSeconds: number, ticks: number,
 *   log: (line: string) => void }} options
 * @returns {Promise<IdleAutomaton>}
 */
export async function runIdleAutomaton(options) {
  const { pid, intervalSeconds, log } = options;
  const api = automatonApi(options.http, options.token);
  const before = objectFiles(options.persistDir);
  const agentId = await api.createAgent();
  const created = [...objectFiles(options.persistDir)].filter((f) => !before.has(f));
  const file = created.find((f) => f.includes("AgentDO")) ?? created[0];
  const installed = await api.installChat(agentId, intervalSeconds);
  const firstDue = installed.next_due_ms ?? Date.now() + intervalSeconds * 1000;
  const observable = file !== undefined && holdsOpen(pid, file) !== undefined;

  const periodMs = intervalSeconds * 1000;
  /** @type {Array<Omit<IdleTick, "latenessMs" | "outcome">>} */
  const gaps = [];
  let from = Date.now();
  for (let due = firstDue; gaps.filter((g) => g.judged).length < options.ticks; due += periodMs) {
    const gap = await watchGap(pid, file, from, due);
    const judged = due - from >= periodMs - WHOLE_PERIOD_SLACK_MS;
    gaps.push({ tick: gaps.length + 1, gapSeconds: (due - from) / 1000, judged, ...gap });
    const seen = gap.evictedAfterSeconds === undefined ? "no eviction seen" : "evicted";
    const note = judged ? "" : " (less than a period after the install: not judged)";
    log(`  tick ${gaps.length} due; ${seen} before it, woke: ${gap.reopened}${note}`);
    from = due;
  }
  await api.stop(installed.automaton_id);
  const line = timelinesOf(await api.record(agentId)).get(installed.automaton_id);
  const ticks = gaps.map((gap) => {
    const t = line?.ticks.find((x) => x.tick === gap.tick);
    const latenessMs = t === undefined ? Number.NaN : t.atMs - t.dueMs;
    return { ...gap, latenessMs, outcome: t?.outcome };
  });
  return { intervalSeconds, observable, ticks };
}

/**
 * Polls whether workerd holds `file` open from `fromMs` until `dueMs` — the object counts as
 * evicted at the due time when the last polls before it saw the file closed — then until
 * the tick is past ({@link TICK_GRACE_MS}), to see the object open it again.
 * @param {number | undefined} pid
 * @param {string | undefined} file
 * @param {number} fromMs
 * @param {number} dueMs
 */
async function watchGap(pid, file, fromMs, dueMs) {
  /** Since when (and at what workerd CPU time) the file has been seen closed. */
  /** @type {{ at: number, cpu: number | undefined } | undefined} */
  let closed;
  let cpuAtDue = cpuMs(pid);
  let reopened = false;
  for (let now = Date.now(); now < dueMs + TICK_GRACE_MS; now = Date.now()) {
    const wait = now < dueMs ? Math.min(POLL_MS, dueMs - now) : POLL_MS;
    await new Promise((r) => setTimeout(r, Math.max(1, wait)));
    const at = Date.now();
    const open = file === undefined ? undefined : holdsOpen(pid, file);
    if (at < dueMs) {
      if (open === false) closed ??= { at, cpu: cpuMs(pid) };
      else closed = undefined;
      cpuAtDue = cpuMs(pid);
    } else if (open === true) reopened = true;
  }
  const cpu = closed?.cpu;
  return {
    evictedAfterSeconds: closed === undefined ? undefined : (closed.at - fromMs) / 1000,
    closedSeconds: closed === undefined ? 0 : (dueMs - closed.at) / 1000,
    reopened,
    workerdCpuMs: cpu === undefined || cpuAtDue === undefined ? undefined : cpuAtDue - cpu,
  };
}
