import { automatonResults, formatAutomatons } from "./automaton-report.mjs";
import { automatonChecks, runAutomatons } from "./automatons.mjs";
import { runHeadScaling } from "./head-scaling.mjs";
import { formatIsolation, runIsolation } from "./isolation.mjs";
import { formatReport } from "./print.mjs";
import { headRatios, rateAgainstBare } from "./report.mjs";
import { buildResults } from "./results.mjs";
import { runStream } from "./stream.mjs";
import {
  admissionChecks,
  allMet,
  streamChecks,
  TARGETS,
  toolChecks,
  turnCheck,
  verifyCheck,
} from "./target-checks.mjs";
import { makeTargets } from "./targets.mjs";
import { runThroughput } from "./throughput.mjs";
import { runTools } from "./tools.mjs";
import { runVerifyRate } from "./verify-rate.mjs";

/** Longest wait for an agent to process what it admitted, and for seeding a record. */
export const DRAIN_TIMEOUT_MS = 120_000;
export const SEED_TIMEOUT_MS = 240_000;
/** Above this share of busy CPU before the start, the report warns that others compete. */
export const BUSY_WARNING = 0.15;

/**
 * @typedef {object} CoreRun
 * @property {import("./head-scaling.mjs").HeadScaling} head
 * @property {boolean} targetsMet
 * @property {(env: Record<string, unknown>, seconds: number) => { results: object, report: string }} finish
 *   The results (for bench/results.json) and the printed report.
 * @property {() => void} throwOnFailure Throws when the run itself failed (error answers,
 *   events some `/stream` client missed).
 */

/**
 * The figures before issue 13, in order: admission throughput against the bare insert,
 * head-read scaling, verify rate, tool calls, isolation, `/stream` sessions and automatons
 * (`--only core`; the terminal and console figures follow once results are written).
 *
 * @example
 * const core = await runCore(stack, options, { dir, track, log });
 * @param {import("./stack.mjs").BenchStack} stack
 * @param {import("./options.mjs").BenchOptions} options
 * @param {{ dir: string, track: (thing: { dispose?: () => Promise<void>, close?: () => void }) => void,
 *   log: (line: string) => void }} io
 * @returns {Promise<CoreRun>}
 */
export async function runCore(stack, options, { dir, track, log }) {
  const timing = {
    warmupMs: options.warmupMs,
    durationMs: options.durationMs,
    rounds: options.rounds,
    maxRequests: 1_000_000,
    drainTimeoutMs: DRAIN_TIMEOUT_MS,
  };
  log(
    `admission: ${timing.warmupMs} ms warm-up + ${timing.durationMs} ms in ${timing.rounds} rounds`,
  );
  const throughput = rateAgainstBare(
    await runThroughput({ ...stack, targets: makeTargets(stack.token), timing, log }),
  );

  log(`head read: seeding ${options.headEntries} and ${options.smallEntries} entries…`);
  const head = await runHeadScaling({
    client: stack.clients.product,
    pid: stack.pids.product,
    token: stack.token,
    large: options.headEntries,
    small: options.smallEntries,
    seedTimeoutMs: SEED_TIMEOUT_MS,
    warmupMs: Math.min(500, timing.warmupMs),
    durationMs: Math.min(2000, timing.durationMs),
    rounds: timing.rounds,
    log,
  });
  const ratios = headRatios(head);

  log(
    `verify rate: seeding ${options.verifyEntries} entries, verifying ${options.verifyRepetitions} times…`,
  );
  const verify = await runVerifyRate({
    client: stack.clients.product,
    pid: stack.pids.product,
    token: stack.token,
    entries: options.verifyEntries,
    repetitions: options.verifyRepetitions,
    seedTimeoutMs: SEED_TIMEOUT_MS,
    log,
  });
  log(
    `tools: starting the sandbox and the fixture Worker; ${options.toolsRequests} calls per operation and path…`,
  );
  const toolsTiming = { requests: options.toolsRequests, warmup: options.toolsWarmup };
  const tools = await runTools({ dir, track, ...toolsTiming, rounds: timing.rounds, log });
  log(
    `isolation: run_command through the Worker, bubblewrap vs unconfined; then 20 agents at once, with and without a hostile regex…`,
  );
  const isolation = await runIsolation({
    dir,
    track,
    requests: options.toolsRequests,
    rounds: timing.rounds,
    log,
  });
  log(
    `stream: ${TARGETS.streamFanOutClients} sessions for ${options.streamTurns} turns, then ${TARGETS.streamSessions} for ${options.streamSessionTurns} turns and one after ${options.streamIdleMs / 1000} s idle…`,
  );
  const stream = await runStream({
    origin: stack.workers.product.url,
    http: stack.clients.product,
    token: stack.token,
    pid: stack.pids.product,
    persistDir: stack.workers.product.persistDir,
    fanOutClients: TARGETS.streamFanOutClients,
    fanOutTurns: options.streamTurns,
    sessions: TARGETS.streamSessions,
    sessionTurns: options.streamSessionTurns,
    idleMs: options.streamIdleMs,
    deflate: options.streamDeflate,
    track,
    log,
  });
  log(
    `automatons: one idle automaton watched between its ticks, then ${options.automatons} ticking every second over ${options.automatonAgents} agents for ${options.automatonSeconds} s…`,
  );
  const automatons = await runAutomatons({
    http: stack.clients.product,
    token: stack.token,
    pid: stack.pids.product,
    persistDir: stack.workers.product.persistDir,
    automatons: options.automatons,
    agents: options.automatonAgents,
    windowSeconds: options.automatonSeconds,
    idleTicks: options.automatonIdleTicks,
    log,
  });
  const automatonCheck = automatonChecks(automatons);
  const checks = {
    admission: admissionChecks(throughput),
    turn: turnCheck(throughput),
    verify: verifyCheck(verify),
    head: ratios,
    tools: toolChecks(tools),
    stream: streamChecks(stream),
  };

  return {
    head,
    targetsMet: allMet(checks) && automatonCheck.met,
    finish(env, seconds) {
      const results = buildResults({
        environment: env,
        options: { ...options, only: [...options.only] },
        targets: TARGETS,
        throughput,
        checks,
        head,
        verify,
        tools,
        stream,
        seconds,
      });
      const automatonPart = automatonResults(automatons, automatonCheck);
      const report = formatReport({
        env,
        timing,
        busyWarning: BUSY_WARNING,
        throughput,
        head,
        ratios,
        verify,
        tools,
        toolsTiming,
        stream,
        checks,
        seconds,
      });
      return {
        results: { ...results, isolation, automatons: automatonPart },
        report: report + formatIsolation(isolation) + formatAutomatons(automatons, automatonCheck),
      };
    },
    throwOnFailure() {
      const isolationErrors = [
        isolation.isolated,
        isolation.unconfined,
        isolation.quiet,
        isolation.underRegex,
      ];
      const errors = [...throughput, ...head.rows, ...tools, ...isolationErrors].reduce(
        (n, r) => n + r.errors,
        0,
      );
      if (errors > 0) throw new Error(`${errors} requests failed; see the errors column`);
      const { fanOut, sessions, hibernation } = stream;
      const missing = fanOut.missing + sessions.missing + hibernation.missing;
      if (missing > 0 || [fanOut, sessions, hibernation].some((p) => p.timedOut))
        throw new Error(
          `stream: ${missing} events did not reach every client; see the missing column`,
        );
    },
  };
}
