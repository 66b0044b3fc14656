import { headTable, streamTable, throughputTable, toolsTable, verifyTable } from "./report.mjs";
import { TARGETS, targetSummary } from "./target-checks.mjs";

/**
 * @typedef {object} Measurements
 * @property {Record<string, unknown>} env
 * @property {{ warmupMs: number, durationMs: number, rounds: number }} timing
 * @property {number} busyWarning Share of busy CPU above which the report warns.
 * @property {import("./report.mjs").RatedRow[]} throughput
 * @property {import("./head-scaling.mjs").HeadScaling} head
 * @property {import("./report.mjs").HeadRatios[]} ratios
 * @property {import("./verify-rate.mjs").VerifyRate} verify
 * @property {import("./tools.mjs").ToolRow[]} tools
 * @property {{ requests: number, warmup: number }} toolsTiming
 * @property {import("./stream.mjs").StreamResults} stream
 * @property {import("./target-checks.mjs").TargetChecks} checks
 * @property {number} seconds
 */

/**
 * The human-readable report: what was measured and how, the admission table, the head-read
 * table with its ratios, the verify-rate table, the tool-call table, the `/stream` table, and
 * the summary of targets.
 *
 * @example
 * process.stdout.write(formatReport(measurements));
 * @param {Measurements} m
 * @returns {string}
 */
export function formatReport(m) {
  const { env, timing, head, verify } = m;
  const busy = Number(env.cpu_busy_before_start);
  const seeded = head.seeded
    .map((a) => `${a.entries.toLocaleString("en-US")} entries in ${a.seconds.toFixed(1)} s`)
    .join(", ");
  const lines = [
    "",
    `Aura Swarm bench — ${env.cpus} x ${env.cpu_model}, Node ${env.node}, ` +
      `wrangler ${env.wrangler}, miniflare ${env.miniflare} (workerd ${env.workerd})`,
    "Both Workers bundled by `wrangler deploy --dry-run`, served by Miniflare (one workerd",
    "each) on 127.0.0.1, Durable Objects on SQLite in a temp dir. Closed-loop load over",
    `keep-alive HTTP/1.1. Per scenario and endpoint: fresh objects, ${timing.warmupMs} ms warm-up,`,
    `${timing.durationMs} ms measured in ${timing.rounds} rounds that alternate between the endpoints.`,
    "(a) bare insert: Worker -> DO RPC -> one SQLite INSERT -> 202 (bench/bare-worker.ts).",
    "(b) POST /tx: JWT auth, zod validation, admission into the AgentDO -> 202; the agent",
    "    then processes it in the same DO: trigger = 1 entry (admission only), user_prompt =",
    "    admission plus a whole turn with the mock reasoner (user_prompt, reasoning, agent_msg:",
    "    3 entries). drain s = wait after the rounds until all was committed.",
    "CPU ms/req = workerd CPU time (user+sys) over the rounds and their drains / accepted:",
    "what a request costs including the processing it causes; steadier than req/s when",
    "other processes share the CPUs.",
    ...(busy > m.busyWarning
      ? [
          `WARNING: the CPUs were ${(busy * 100).toFixed(0)}% busy before the start ` +
            "(other processes): numbers are low and noisy.",
        ]
      : []),
    "",
    throughputTable(m.throughput),
    "",
    `Head read: GET /agents/:id/head. Records seeded through POST /tx (trigger, 50 in flight): ${seeded}.`,
    "",
    headTable(head, m.ratios),
    "",
    `Verify rate: GET /agents/:id/verify, one request at a time, on a record of ${verify.seeded.entries.toLocaleString("en-US")} entries` +
      (verify.seeded.entries < TARGETS.verifyEntries
        ? ` (reduced from ${TARGETS.verifyEntries.toLocaleString("en-US")}).`
        : "."),
    `Seeded through POST /tx (trigger, 50 in flight) in ${verify.seeded.seconds.toFixed(1)} s. entries/s = checked / request`,
    "seconds; CPU ms = workerd CPU time during the request (user+sys of all its threads, V8's",
    "background GC and compiler included, so it can exceed the wall time; 10 ms ticks).",
    "",
    verifyTable(verify),
    "",
    "Tools: a real sandbox process (sandbox/dist/server.mjs) and a fixture Worker (bench/tools-worker.ts)",
    "served by Miniflare, whose SandboxClient signs, sends and validates each dispatch as the product's does.",
    `One call at a time. Per operation and path: ${m.toolsTiming.warmup} warm-up calls, then ${m.toolsTiming.requests} measured, the two`,
    "paths alternating in rounds; every call has a fresh action id (never a replay).",
    "(a) the bench POSTs straight to the sandbox with a token the Worker's client signed;",
    "(b) the bench POSTs to the fixture Worker, which dispatches to the sandbox and answers a summary.",
    "",
    toolsTable(m.tools),
    "",
    ...streamIntro(m),
    "",
    streamTable(m.stream),
    "",
    targetSummary(m.checks),
    "",
    `Total ${m.seconds.toFixed(0)} s. Results written to bench/results.json.`,
    "",
  ];
  return lines.join("\n");
}

/**
 * How the `/stream` phases were run.
 * @param {Measurements} m
 * @returns {string[]}
 */
function streamIntro({ stream }) {
  const n = (/** @type {number} */ v) => v.toLocaleString("en-US");
  const { fanOut, sessions, hibernation } = stream;
  return [
    "Stream: `ws` clients of GET /stream?agent_id=…&token=… on the product Worker, in this process; each sends",
    "session_init and waits for session_ready and its session_start record (sessions opened 50 at a time).",
    `Clients ${stream.deflate ? "offer permessage-deflate, as browsers do (workerd compresses every frame per socket)" : "do not offer permessage-deflate (--stream-no-deflate)"}.`,
    "Each turn: one client's user_message, a mock answer (1 text_delta), the next turn once every client has",
    `the turn's last frame; ${stream.warmUpTurns} unmeasured warm-up turn per phase, checked like the rest. Receive times:`,
    "performance.now() when the client's message event fires. CPU ms/turn = workerd CPU time per measured turn.",
    `fan-out: ${n(fanOut.clients)} sessions, ${fanOut.turns} turns; sessions: ${n(sessions.clients)} sessions on a second agent, ${sessions.turns} turns;`,
    `after idle: the same ${n(hibernation.clients)} sockets, ${hibernation.idleSeconds.toFixed(1)} s without a frame (no pings), then one turn.`,
  ];
}
