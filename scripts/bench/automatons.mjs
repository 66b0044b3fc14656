import { runIdleAutomaton } from "./automaton-idle.mjs";
import { runAutomatonLoad } from "./automaton-load.mjs";

/** Issue 10's automaton targets. */
export const AUTOMATON_TARGETS = Object.freeze({
  /** Interval automatons ticking at once, spread evenly over {@link agents} agents. */
  automatons: 1000,
  agents: 100,
  intervalSeconds: 1,
  /** How long they are left to tick after the last one is installed. */
  windowSeconds: 60,
  /** p99 over the window's ticks of `ts_ms` of `automaton_tick` − its `due_ms`. */
  latenessP99Ms: 100,
  /** The idle automaton: long enough between ticks for workerd to evict its object. */
  idleIntervalSeconds: 20,
  /** Its tick after waking still lands within this of its due time. */
  idleLatenessMs: 100,
});

/**
 * @typedef {object} AutomatonRun
 * @property {import("./automaton-idle.mjs").IdleAutomaton} idle
 * @property {import("./automaton-load.mjs").AutomatonLoad} load
 */

/**
 * The automaton figures of issue 10: first one idle automaton (evicted between ticks, woken
 * on time), on a quiet Worker; then many interval automatons at once (lateness, lost and
 * doubled ticks).
 *
 * @example
 * const run = await runAutomatons({ http, token, pid, persistDir, automatons: 1000,
 *   agents: 100, windowSeconds: 60, idleTicks: 2, log });
 * @param {{ http: import("./agent-api.mjs").Client, token: string, pid: number | undefined,
 *   persistDir: string, automatons: number, agents: number, windowSeconds: number,
 *   idleTicks: number, log: (line: string) => void }} options
 * @returns {Promise<AutomatonRun>}
 */
export async function runAutomatons(options) {
  const { log } = options;
  const t = AUTOMATON_TARGETS;
  log(
    `  idle: one automaton every ${t.idleIntervalSeconds} s, ${options.idleTicks} ticks, its object watched between them…`,
  );
  const idle = await runIdleAutomaton({
    ...options,
    intervalSeconds: t.idleIntervalSeconds,
    ticks: options.idleTicks,
  });
  log(
    `  load: ${options.automatons} automatons every ${t.intervalSeconds} s over ${options.agents} agents for ${options.windowSeconds} s…`,
  );
  const load = await runAutomatonLoad({
    ...options,
    intervalSeconds: t.intervalSeconds,
    boundMs: t.latenessP99Ms,
  });
  return { idle, load };
}

/**
 * @typedef {object} AutomatonChecks
 * @property {boolean} lateness The window's p99 within the bound.
 * @property {boolean} complete No tick lost or doubled (nor begun off its slot, nor left
 *   unfinished).
 * @property {boolean} idle Every idle tick after a whole period: object evicted before it,
 *   woken for it, on time.
 * @property {boolean} reduced Fewer automatons or a shorter window than the issue states.
 * @property {boolean} met
 */

/**
 * The targets against one run.
 *
 * @example
 * automatonChecks(run); // { lateness: true, complete: true, idle: true, reduced: false, met: true }
 * @param {AutomatonRun} run
 * @returns {AutomatonChecks}
 */
export function automatonChecks({ idle, load }) {
  const t = AUTOMATON_TARGETS;
  const lateness = load.lateness.p99Ms <= t.latenessP99Ms;
  const complete =
    load.lost === 0 && load.doubled === 0 && load.offSlot === 0 && load.unfinished === 0;
  const judged = idle.ticks.filter((k) => k.judged);
  const idleMet =
    judged.length > 0 &&
    judged.every(
      (k) => k.evictedAfterSeconds !== undefined && k.reopened && k.latenessMs <= t.idleLatenessMs,
    );
  const reduced = load.automatons < t.automatons || load.windowSeconds < t.windowSeconds;
  return { lateness, complete, idle: idleMet, reduced, met: lateness && complete && idleMet };
}
