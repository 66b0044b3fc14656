import { AUTOMATON_TARGETS } from "./automatons.mjs";
import { fixed } from "./table.mjs";

const count = (/** @type {number} */ n) => n.toLocaleString("en-US");
const met = (/** @type {boolean} */ ok) => (ok ? "met" : "MISSED");

/**
 * The automaton section of the report: the load run (lateness, lost and doubled ticks, what
 * workerd spent) and the idle automaton's ticks, each line with its target and verdict.
 *
 * @example
 * process.stdout.write(formatAutomatons(run, automatonChecks(run)));
 * @param {import("./automatons.mjs").AutomatonRun} run
 * @param {import("./automatons.mjs").AutomatonChecks} checks
 * @returns {string}
 */
export function formatAutomatons({ idle, load }, checks) {
  const t = AUTOMATON_TARGETS;
  const l = load.lateness;
  const outcomes = Object.entries(load.outcomes)
    .map(([outcome, n]) => `${outcome} ${count(n)}`)
    .join(", ");
  const others =
    load.othersCpuShare === undefined || load.kernelCpuShare === undefined
      ? ""
      : `; kernel threads (disk writes) ${fixed(load.kernelCpuShare * 100, 0)}%, other processes ${fixed(load.othersCpuShare * 100, 0)}%`;
  const cpu =
    load.workerdCpuShare === undefined
      ? "workerd CPU not readable here"
      : `workerd ${fixed(load.workerdCpuShare * 100, 0)}% of a core in the window, ${fixed(load.workerdCpuMsPerTick, 2)} ms CPU per tick${others}`;
  const reduced = checks.reduced ? " (reduced run: --quick or --automaton* options)" : "";
  return [
    "",
    "automatons (chat automatons on interval schedules, read back from their agents' records;",
    "lateness = ts_ms of a tick's automaton_tick entry - its due_ms)",
    `  ${count(load.automatons)} every ${load.intervalSeconds} s over ${count(load.agents)} agents (installed round-robin in ${fixed(load.installSeconds, 1)} s), ${load.windowSeconds} s from the last install${reduced}`,
    `    lateness of the ${count(l.ticks)} ticks due in the window: p50 ${fixed(l.p50Ms, 0)} ms, p99 ${fixed(l.p99Ms, 0)} ms, max ${fixed(l.maxMs, 0)} ms, ${count(l.overMs)} over ${t.latenessP99Ms} ms  (target p99 ≤ ${t.latenessP99Ms} ms: ${met(checks.lateness)})`,
    `    slots due in the window: ${count(load.expected)}, ticks for them: ${count(load.recorded)}; ${count(load.lost)} lost, ${count(load.doubled)} doubled (install to stop), ${count(load.offSlot)} off their slot, ${count(load.unfinished)} unfinished  (target none lost or doubled: ${met(checks.complete)})`,
    `    ${fixed(load.dueTimes / load.agents / load.windowSeconds, 1)} distinct due times per object and second (each an alarm and a storage commit, unless ticks run late enough to share one); outcomes: ${outcomes}`,
    `    ${cpu}`,
    `  idle: one automaton every ${idle.intervalSeconds} s on its own agent, workerd's open files (/proc/<workerd>/fd) watched between its ticks`,
    ...idle.ticks.map((k) => `    ${idleLine(k, idle.intervalSeconds, idle.observable)}`),
    `    (target: object evicted before each tick a period after the last, woken for it, lateness ≤ ${t.idleLatenessMs} ms: ${met(checks.idle)})`,
    "",
  ].join("\n");
}

/**
 * @param {import("./automaton-idle.mjs").IdleTick} k
 * @param {number} interval
 * @param {boolean} observable
 */
function idleLine(k, interval, observable) {
  const since = k.tick === 1 ? "the install" : `tick ${k.tick - 1}`;
  if (!k.judged) {
    return `tick ${k.tick}: due ${fixed(k.gapSeconds, 1)} s after ${since}, less than a period: not judged, lateness ${fixed(k.latenessMs, 0)} ms`;
  }
  const evicted = !observable
    ? "eviction not observable here"
    : k.evictedAfterSeconds === undefined
      ? `no eviction seen in the ${interval} s after ${since}`
      : `evicted ${fixed(k.evictedAfterSeconds, 1)} s after ${since} (closed ${fixed(k.closedSeconds, 1)} s before the tick, workerd CPU ${fixed(k.workerdCpuMs, 0)} ms meanwhile)`;
  const woke = k.reopened ? "woke for it" : "not seen awake after it";
  return `tick ${k.tick}: ${evicted}, ${woke}, lateness ${fixed(k.latenessMs, 0)} ms, ${k.outcome ?? "not done"}`;
}

/** @param {number | undefined} n @param {number} digits */
function round(n, digits) {
  return n === undefined || !Number.isFinite(n) ? null : Number(n.toFixed(digits));
}

/**
 * The automaton part of `bench/results.json`.
 *
 * @example
 * const results = { ...others, automatons: automatonResults(run, checks) };
 * @param {import("./automatons.mjs").AutomatonRun} run
 * @param {import("./automatons.mjs").AutomatonChecks} checks
 */
export function automatonResults({ idle, load }, checks) {
  const l = load.lateness;
  return {
    targets: AUTOMATON_TARGETS,
    load: {
      automatons: load.automatons,
      agents: load.agents,
      interval_seconds: load.intervalSeconds,
      window_seconds: load.windowSeconds,
      install_seconds: round(load.installSeconds, 2),
      window_ticks: l.ticks,
      lateness_p50_ms: l.p50Ms,
      lateness_p99_ms: l.p99Ms,
      lateness_max_ms: l.maxMs,
      ticks_over_bound: l.overMs,
      slots_expected: load.expected,
      ticks_recorded: load.recorded,
      lost: load.lost,
      doubled: load.doubled,
      off_slot: load.offSlot,
      unfinished: load.unfinished,
      outcomes: load.outcomes,
      distinct_due_times: load.dueTimes,
      workerd_cpu_share: round(load.workerdCpuShare, 3),
      kernel_threads_cpu_share: round(load.kernelCpuShare, 3),
      other_processes_cpu_share: round(load.othersCpuShare, 3),
      workerd_cpu_ms_per_tick: round(load.workerdCpuMsPerTick, 3),
    },
    idle: {
      interval_seconds: idle.intervalSeconds,
      eviction_observable: idle.observable,
      ticks: idle.ticks.map((k) => ({
        tick: k.tick,
        gap_seconds: round(k.gapSeconds, 2),
        judged: k.judged,
        lateness_ms: round(k.latenessMs, 0),
        outcome: k.outcome ?? null,
        evicted_after_seconds: round(k.evictedAfterSeconds, 2),
        closed_seconds_before_due: round(k.closedSeconds, 2),
        woke: k.reopened,
        workerd_cpu_ms_while_evicted: round(k.workerdCpuMs, 0),
      })),
    },
    checks,
  };
}
