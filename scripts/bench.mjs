#!/usr/bin/env node
// `npm run bench`: admission throughput of `POST /tx` through the real Worker against a
// bare one-INSERT Durable Object endpoint (trigger: admission alone; user_prompt: a whole
// mock turn), head-read latency on a long record against a short one, the rate at which
// `GET /agents/:id/verify` re-folds a record, the latency of tool calls from a Worker to
// a real sandbox process (run_command, read_file of 1 MiB) against the sandbox alone, and
// WebSocket sessions (`GET /stream`): how far apart 100 watchers get each delta, commit →
// delivery over 1,000 sessions, and a turn reaching them after the object hibernated; and
// automatons: one evicted between its ticks and woken on time, then 1,000 ticking every
// second over 100 agents for 60 s (lateness, lost and doubled ticks). The Workers are
// bundled by wrangler and served by Miniflare on 127.0.0.1. Prints tables and a summary of
// targets, and writes bench/results.json. Exits 1 when the run itself fails (an
// error answer, a backlog that never drains, a timeout, an event some `/stream` client
// missed); with --check-targets, also when a target is missed.
//
// Usage: node scripts/bench.mjs [--quick] [--warmup-ms N] [--duration-ms N] [--rounds N]
//                               [--head-entries N] [--small-entries N] [--verify-entries N]
//                               [--verify-repetitions N] [--tools-requests N]
//                               [--stream-turns N] [--stream-session-turns N]
//                               [--stream-idle-ms N] [--stream-no-deflate] [--automatons N]
//                               [--automaton-agents N] [--automaton-seconds N]
//                               [--automaton-idle-ticks N] [--check-targets]
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { automatonResults, formatAutomatons } from "./bench/automaton-report.mjs";
import { automatonChecks, runAutomatons } from "./bench/automatons.mjs";
import { runConsoleBench } from "./bench/console.mjs";
import { runHeadScaling } from "./bench/head-scaling.mjs";
import { formatIsolation, runIsolation } from "./bench/isolation.mjs";
import { readOptions } from "./bench/options.mjs";
import { formatReport } from "./bench/print.mjs";
import { headRatios, rateAgainstBare } from "./bench/report.mjs";
import { buildResults, busyShare, environment, loadAverage } from "./bench/results.mjs";
import { startStack } from "./bench/stack.mjs";
import { runStream } from "./bench/stream.mjs";
import {
  admissionChecks,
  allMet,
  streamChecks,
  TARGETS,
  toolChecks,
  turnCheck,
  verifyCheck,
} from "./bench/target-checks.mjs";
import { makeTargets } from "./bench/targets.mjs";
import { runThroughput } from "./bench/throughput.mjs";
import { runTools } from "./bench/tools.mjs";
import { runTuiBench } from "./bench/tui.mjs";
import { runVerifyRate } from "./bench/verify-rate.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS = join(ROOT, "bench/results.json");
/** The whole run is abandoned (and fails) past this. */
const HARD_LIMIT_MS = 15 * 60_000;
/** Above this share of busy CPU before the start, the report warns that others compete. */
const BUSY_WARNING = 0.15;
/** Longest wait for an agent to process what it admitted, and for seeding a record. */
const DRAIN_TIMEOUT_MS = 120_000;
const SEED_TIMEOUT_MS = 240_000;

/** Everything the run started, so every exit path stops it. */
const started = {
  /** @type {Array<{ dispose?: () => Promise<void>, close?: () => void }>} */ things: [],
  /** @type {string | undefined} */ tempDir: undefined,
};

/** Closes the clients, disposes Miniflare (stopping workerd) and removes the temp dir. */
async function cleanup() {
  const things = started.things.splice(0).reverse();
  for (const thing of things) thing.close?.();
  await Promise.allSettled(things.map((thing) => thing.dispose?.()));
  if (started.tempDir) rmSync(started.tempDir, { recursive: true, force: true });
  started.tempDir = undefined;
}

/** @param {string} line */
const log = (line) => process.stderr.write(`${line}\n`);

async function main() {
  const t0 = performance.now();
  const options = readOptions(process.argv.slice(2));
  const timing = {
    warmupMs: options.warmupMs,
    durationMs: options.durationMs,
    rounds: options.rounds,
    maxRequests: 1_000_000,
    drainTimeoutMs: DRAIN_TIMEOUT_MS,
  };
  const busyBefore = await busyShare(1000);
  if (busyBefore > BUSY_WARNING)
    log(`warning: the CPUs were ${(busyBefore * 100).toFixed(0)}% busy before the bench started`);

  started.tempDir = mkdtempSync(join(tmpdir(), "aura-bench-"));
  log("bundling the Worker and the bare fixture (wrangler deploy --dry-run), starting Miniflare…");
  const stack = await startStack(started.tempDir, (thing) => started.things.push(thing));
  log(
    `serving: product ${stack.workers.product.url.origin}, bare ${stack.workers.bare.url.origin}`,
  );

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
  const tools = await runTools({
    dir: started.tempDir,
    track: (thing) => started.things.push(thing),
    ...toolsTiming,
    rounds: timing.rounds,
    log,
  });
  log(
    `isolation: run_command through the Worker, bubblewrap vs unconfined; then 20 agents at once, with and without a hostile regex…`,
  );
  const isolation = await runIsolation({
    dir: started.tempDir,
    track: (thing) => started.things.push(thing),
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
    track: (thing) => started.things.push(thing),
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

  const seconds = (performance.now() - t0) / 1000;
  const env = {
    ...environment(ROOT),
    cpu_busy_before_start: Number(busyBefore.toFixed(2)),
    load_average_at_end: loadAverage(),
  };
  const results = buildResults({
    environment: env,
    options,
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
  writeFileSync(
    RESULTS,
    `${JSON.stringify({ ...results, isolation, automatons: automatonPart }, null, 2)}\n`,
  );
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
  process.stdout.write(report);
  process.stdout.write(formatIsolation(isolation));
  process.stdout.write(formatAutomatons(automatons, automatonCheck));
  await runTuiBench({
    origin: stack.workers.product.url,
    token: stack.token,
    resultsFile: RESULTS,
    log,
  });
  await runConsoleBench({ resultsFile: RESULTS, log });

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
    throw new Error(`stream: ${missing} events did not reach every client; see the missing column`);
  if (options.checkTargets && !(allMet(checks) && automatonCheck.met))
    throw new Error("a target was missed (--check-targets)");
}

const hardLimit = setTimeout(() => {
  log(`bench: exceeded ${HARD_LIMIT_MS / 1000} s; stopping`);
  cleanup().finally(() => process.exit(1));
}, HARD_LIMIT_MS);
hardLimit.unref();

// Miniflare's own exit hook kills workerd and exits at once on SIGINT/SIGTERM, before an
// asynchronous cleanup could finish; the temp dir goes synchronously on any exit.
process.on("exit", () => {
  if (started.tempDir) rmSync(started.tempDir, { recursive: true, force: true });
});
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
  process.once(signal, () => {
    log(`bench: ${signal}; stopping`);
    cleanup().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  });
}

try {
  await main();
} catch (err) {
  log(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
