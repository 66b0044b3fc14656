import { cpus } from "node:os";
import { automatonApi, inParallel } from "./automaton-api.mjs";
import { completenessOf, dueTimesOf, latenessOf, timelinesOf } from "./automaton-ticks.mjs";
import { cpuMs, kernelThreadsCpuMs } from "./proc-cpu.mjs";

/** Requests in flight while creating, installing, stopping and reading. */
const CONCURRENCY = 16;
/** Seconds between the progress lines of the measured window. */
const PROGRESS_SECONDS = 10;
/**
 * How long after the window the automatons keep running before they are stopped, so every
 * slot due in the window has had its tick — or been passed over by a tick more than a period
 * late, which records the latest slot only — before the stop could cut it off.
 */
const SETTLE_PERIODS = 2;

/**
 * @typedef {object} AutomatonLoad
 * @property {number} automatons
 * @property {number} agents
 * @property {number} intervalSeconds
 * @property {number} windowSeconds The measured window: from the last install on.
 * @property {number} installSeconds Creating the agents and installing every automaton.
 * @property {import("./automaton-ticks.mjs").Lateness} lateness Ticks due in the window.
 * @property {number} expected Slots due in the window, over every automaton.
 * @property {number} recorded Ticks due in the window.
 * @property {number} lost Slots due in the window without a tick (see `completenessOf`).
 * @property {number} doubled Tick numbers or due times recorded twice, install to stop.
 * @property {number} offSlot
 * @property {number} unfinished
 * @property {Record<string, number>} outcomes Ticks of the window by the outcome of their
 *   `automaton_tick_done`.
 * @property {number} dueTimes Distinct due times of the window's ticks, summed over the
 *   agents: the wake-ups (alarm and commit) the schedules ask of the objects (`dueTimesOf`).
 * @property {number | undefined} workerdCpuShare workerd CPU time / wall time in the window
 *   (1 = one core busy throughout).
 * @property {number | undefined} kernelCpuShare CPU time of the kernel's threads / wall time
 *   in the window (mostly the block-I/O work of workerd's writes).
 * @property {number | undefined} othersCpuShare CPU time of every other process of the
 *   machine (not workerd, the kernel's threads or the bench) / wall time: others competing.
 * @property {number | undefined} workerdCpuMsPerTick workerd CPU time per tick in the window.
 */

/**
 * `automatons` `chat` automatons, each ticking every `intervalSeconds`, spread evenly over
 * `agents` new agents (installed with `agent_id`); left alone for `windowSeconds` after the
 * last install, then stopped and read back from the agents' records. Lateness, lost and
 * doubled ticks are taken over the slots due in the window (doubled ones over each
 * automaton's whole life).
 *
 * @example
 * const load = await runAutomatonLoad({ http, token, pid, automatons: 1000, agents: 100,
 *   intervalSeconds: 1, windowSeconds: 60, boundMs: 100, log });
 * @param {{ http: import("./agent-api.mjs").Client, token: string, pid: number | undefined,
 *   automatons: number, agents: number, intervalSeconds: number, windowSeconds: number,
 *   boundMs: number, log: (line: string) => void }} options Ticks later than `boundMs` are
 *   counted (`lateness.overMs`).
 * @returns {Promise<AutomatonLoad>}
 */
export async function runAutomatonLoad(options) {
  const { pid, log, intervalSeconds, windowSeconds } = options;
  const api = automatonApi(options.http, options.token);
  const started = performance.now();
  const agentIds = await inParallel(Array.from({ length: options.agents }), CONCURRENCY, () =>
    api.createAgent(),
  );
  const slots = Array.from({ length: options.automatons }, (_, i) => agentIds[i % agentIds.length]);
  const installed = await inParallel(slots, CONCURRENCY, (agentId) =>
    api.installChat(/** @type {string} */ (agentId), intervalSeconds),
  );
  const installSeconds = (performance.now() - started) / 1000;
  log(
    `  ${installed.length} automatons on ${agentIds.length} agents in ${installSeconds.toFixed(1)} s`,
  );

  const windowStart = Date.now();
  const cores = await watch(windowSeconds, pid, log);
  const windowEnd = windowStart + windowSeconds * 1000;
  await new Promise((r) => setTimeout(r, SETTLE_PERIODS * intervalSeconds * 1000));

  log(`  stopping ${installed.length} automatons and reading ${agentIds.length} records…`);
  await inParallel(installed, CONCURRENCY, (a) => api.stop(a.automaton_id));
  const records = await inParallel(agentIds, CONCURRENCY / 2, (id) => api.record(id));
  const perAgent = records.map((rows) => [...timelinesOf(rows).values()]);
  const lines = perAgent.flat();
  const dueTimes = perAgent.reduce((n, l) => n + dueTimesOf(l, windowStart, windowEnd), 0);
  if (lines.length !== installed.length)
    throw new Error(`${installed.length} automatons installed, ${lines.length} in the records`);

  const lateness = latenessOf(lines, windowStart, windowEnd, options.boundMs);
  const totals = { expected: 0, recorded: 0, lost: 0, doubled: 0, offSlot: 0, unfinished: 0 };
  /** @type {Record<string, number>} */
  const outcomes = {};
  for (const line of lines) {
    const c = completenessOf(line, windowStart, windowEnd);
    for (const key of /** @type {Array<keyof typeof totals>} */ (Object.keys(totals)))
      totals[key] += c[key];
    for (const t of line.ticks.filter((x) => x.dueMs >= windowStart && x.dueMs < windowEnd)) {
      const outcome = t.outcome ?? "not done";
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
  }
  const cpu = cores === undefined ? undefined : cores.workerd * windowSeconds * 1000;
  return {
    automatons: installed.length,
    agents: agentIds.length,
    intervalSeconds,
    windowSeconds,
    installSeconds,
    lateness,
    ...totals,
    outcomes,
    dueTimes,
    workerdCpuShare: cores?.workerd,
    kernelCpuShare: cores?.kernel,
    othersCpuShare: cores?.others,
    workerdCpuMsPerTick: cpu === undefined ? undefined : cpu / Math.max(1, lateness.ticks),
  };
}

/**
 * @typedef {{ at: number, workerd: number | undefined, kernel: number | undefined,
 *   busy: number, bench: number }} CpuSnapshot Wall time, then CPU time (ms) of workerd, of
 *   the kernel's threads, of every CPU of the machine, and of this process.
 */

/** @param {number | undefined} pid @returns {CpuSnapshot} */
function snapshot(pid) {
  const busy = cpus().reduce((ms, c) => ms + c.times.user + c.times.nice + c.times.sys, 0);
  const { user, system } = process.cpuUsage();
  const bench = (user + system) / 1000;
  return { at: performance.now(), workerd: cpuMs(pid), kernel: kernelThreadsCpuMs(), busy, bench };
}

/**
 * CPU used between two snapshots, in cores (1 = one core busy throughout): by workerd, by
 * the kernel's threads (mostly writing workerd's files), and by every other process.
 * @param {CpuSnapshot} a
 * @param {CpuSnapshot} b
 */
function coresBetween(a, b) {
  const wall = b.at - a.at;
  if (a.workerd === undefined || b.workerd === undefined) return undefined;
  if (a.kernel === undefined || b.kernel === undefined) return undefined;
  const workerd = b.workerd - a.workerd;
  // Kernel workers that exited meanwhile take their time with them: never below zero.
  const kernel = Math.max(0, b.kernel - a.kernel);
  const others = b.busy - a.busy - workerd - kernel - (b.bench - a.bench);
  return { workerd: workerd / wall, kernel: kernel / wall, others: Math.max(0, others) / wall };
}

/**
 * Waits `seconds`, logging every {@link PROGRESS_SECONDS} what workerd and the other
 * processes of the machine used of its CPUs; returns that over the whole wait.
 * @param {number} seconds
 * @param {number | undefined} pid
 * @param {(line: string) => void} log
 */
async function watch(seconds, pid, log) {
  const first = snapshot(pid);
  let last = first;
  while (last.at - first.at < seconds * 1000 - 1) {
    const step = Math.min(PROGRESS_SECONDS * 1000, first.at + seconds * 1000 - last.at);
    await new Promise((r) => setTimeout(r, step));
    const now = snapshot(pid);
    const used = coresBetween(last, now);
    const share =
      used === undefined
        ? ""
        : `, workerd ${percent(used.workerd)} of a core, kernel threads ${percent(used.kernel)}, other processes ${percent(used.others)}`;
    log(`  ${((now.at - first.at) / 1000).toFixed(0)}/${seconds} s${share}`);
    last = now;
  }
  return coresBetween(first, last);
}

const percent = (/** @type {number} */ cores) => `${(cores * 100).toFixed(0)}%`;
