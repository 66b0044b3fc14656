import { waitForHeads } from "./agent-api.mjs";
import { runLoad } from "./load.mjs";
import { cpuMs } from "./proc-cpu.mjs";
import { summarise } from "./stats.mjs";

/**
 * @typedef {object} Shape
 * @property {string} id
 * @property {string} label
 * @property {number} concurrency Requests in flight.
 * @property {number} objects Objects (agents) the requests are spread over, round-robin.
 */

/** The four load shapes every target runs. */
export const SHAPES = /** @type {Shape[]} */ ([
  { id: "seq-1", label: "sequential, 1 object", concurrency: 1, objects: 1 },
  { id: "seq-50", label: "sequential, 50 objects", concurrency: 1, objects: 50 },
  { id: "c50-1", label: "50 in flight, 1 object", concurrency: 50, objects: 1 },
  { id: "c50-50", label: "50 in flight, 50 objects", concurrency: 50, objects: 50 },
]);

/**
 * @typedef {object} Timing
 * @property {number} warmupMs Load before measuring (creates and warms the objects).
 * @property {number} durationMs Measured load per target and shape, split into rounds.
 * @property {number} rounds Rounds the measured time is split into; the targets take turns.
 * @property {number} maxRequests Cap on requests per round.
 * @property {number} drainTimeoutMs How long a backlog may take to be processed.
 */

/**
 * @typedef {import("./stats.mjs").Summary & {
 *   shape: Shape, target: import("./targets.mjs").Target,
 *   drainMs: number | undefined, cpuMsPerRequest: number | undefined,
 *   firstError: string | undefined }} ThroughputRow
 */

/**
 * @typedef {object} Subject One target under one shape, with what its runs have added up.
 * @property {import("./targets.mjs").Target} target
 * @property {import("./targets.mjs").ObjectSet} objects
 * @property {number[]} admitted 202 answers per object, warm-up included.
 * @property {number[]} latencies
 * @property {number} errors
 * @property {string | undefined} firstError
 * @property {number} elapsedMs
 * @property {number} drainMs
 * @property {number | undefined} cpuMs workerd CPU time of the rounds and their drains.
 */

/**
 * Runs every target under every shape. Within a shape the targets take turns, round after
 * round, so a burst of load from elsewhere on the machine hits all of them alike and their
 * ratio stays meaningful. Each target gets fresh objects and a warm-up; after the warm-up
 * and after every round the bench waits until the agents have processed everything they
 * admitted (`drainMs` sums the waits after rounds), so no run inherits another's backlog.
 * The CPU time workerd spends on a round and its drain, per accepted request, is the cost
 * of the request including the processing it causes.
 *
 * @example
 * const rows = await runThroughput({ clients, token, targets, timing, log: console.error });
 * @param {{
 *   clients: Record<"bare" | "product", import("./agent-api.mjs").Client>,
 *   pids: Record<"bare" | "product", number | undefined>,
 *   token: string,
 *   targets: import("./targets.mjs").Target[],
 *   timing: Timing,
 *   log: (line: string) => void,
 * }} options
 * @returns {Promise<ThroughputRow[]>}
 */
export async function runThroughput({ clients, pids, token, targets, timing, log }) {
  const rows = [];
  for (const shape of SHAPES) {
    const subjects = targets.map((target) => ({
      target,
      objects: target.objectsFor(`${target.id}/${shape.id}`, shape.objects),
      admitted: new Array(shape.objects).fill(0),
      latencies: [],
      errors: 0,
      firstError: undefined,
      elapsedMs: 0,
      drainMs: 0,
      cpuMs: 0,
    }));
    const ctx = { clients, pids, token, shape, timing };
    for (const subject of subjects) await warmUp(ctx, subject);
    for (let round = 0; round < timing.rounds; round++) {
      for (const subject of subjects) await measureRound(ctx, subject);
    }
    for (const s of subjects) {
      const row = {
        shape,
        target: s.target,
        ...summarise({ latencies: s.latencies, errors: s.errors, elapsedMs: s.elapsedMs }),
        drainMs: s.target.entriesPerTx === 0 ? undefined : s.drainMs,
        cpuMsPerRequest: s.cpuMs === undefined ? undefined : s.cpuMs / s.latencies.length,
        firstError: s.firstError,
      };
      log(
        `  ${shape.label.padEnd(26)} ${s.target.label.padEnd(26)} ${row.perSecond.toFixed(0).padStart(6)}/s` +
          (row.errors > 0 ? `  ${row.errors} errors: ${row.firstError}` : ""),
      );
      rows.push(row);
    }
  }
  return rows;
}

/**
 * @typedef {object} RunContext
 * @property {Record<"bare" | "product", import("./agent-api.mjs").Client>} clients
 * @property {Record<"bare" | "product", number | undefined>} pids workerd of each server.
 * @property {string} token
 * @property {Shape} shape
 * @property {Timing} timing
 */

/**
 * The load options of one subject: its objects, counting every 202 per object.
 * @param {RunContext} ctx
 * @param {Subject} subject
 */
function loadOf(ctx, subject) {
  return {
    client: ctx.clients[subject.target.server],
    concurrency: ctx.shape.concurrency,
    next: subject.objects.next,
    expectStatus: 202,
    onOk: (/** @type {number} */ n) => {
      subject.admitted[n % ctx.shape.objects]++;
    },
  };
}

/**
 * Creates and warms the subject's objects (every one gets at least one request), then
 * waits for the agents to go idle.
 * @param {RunContext} ctx
 * @param {Subject} subject
 */
async function warmUp(ctx, subject) {
  const warm = await runLoad({
    ...loadOf(ctx, subject),
    durationMs: ctx.timing.warmupMs,
    maxRequests: Number.POSITIVE_INFINITY,
    minRequests: ctx.shape.objects,
  });
  if (warm.errors > 0) {
    throw new Error(
      `${subject.target.label}, ${ctx.shape.label}: warm-up failed: ${warm.firstError}`,
    );
  }
  await drain(ctx, subject);
}

/**
 * One measured round, then the wait for its backlog.
 * @param {RunContext} ctx
 * @param {Subject} subject
 */
async function measureRound(ctx, subject) {
  const pid = ctx.pids[subject.target.server];
  const cpuBefore = cpuMs(pid);
  const run = await runLoad({
    ...loadOf(ctx, subject),
    durationMs: ctx.timing.durationMs / ctx.timing.rounds,
    maxRequests: ctx.timing.maxRequests,
  });
  subject.latencies.push(...run.latencies);
  subject.errors += run.errors;
  subject.firstError ??= run.firstError;
  subject.elapsedMs += run.elapsedMs;
  subject.drainMs += await drain(ctx, subject);
  const cpuAfter = cpuMs(pid);
  subject.cpuMs =
    subject.cpuMs === undefined || cpuBefore === undefined || cpuAfter === undefined
      ? undefined
      : subject.cpuMs + cpuAfter - cpuBefore;
}

/**
 * Waits until the subject's agents have committed the entries of everything admitted so
 * far; 0 for the bare fixture, which has nothing to process.
 * @param {RunContext} ctx
 * @param {Subject} subject
 * @returns {Promise<number>}
 */
async function drain(ctx, subject) {
  const perTx = subject.target.entriesPerTx;
  if (perTx === 0) return 0;
  const expected = new Map(
    subject.objects.agentIds.map((id, i) => [id, (subject.admitted[i] ?? 0) * perTx]),
  );
  return waitForHeads(ctx.clients.product, ctx.token, expected, ctx.timing.drainTimeoutMs);
}
