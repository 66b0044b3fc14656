import { fixed, formatTable } from "./table.mjs";
import { TARGETS } from "./target-checks.mjs";

/**
 * @typedef {import("./throughput.mjs").ThroughputRow & {
 *   ratio: number | undefined, cpuRatio: number | undefined }} RatedRow
 */

/**
 * Adds to each `POST /tx` row, against the bare insert in the same shape, the ratio of
 * accepted/s (`ratio`, the target's measure) and of workerd CPU per request (`cpuRatio`).
 * @param {import("./throughput.mjs").ThroughputRow[]} rows
 * @returns {RatedRow[]}
 */
export function rateAgainstBare(rows) {
  return rows.map((row) => {
    const bare = rows.find((r) => r.shape.id === row.shape.id && r.target.id === "bare");
    if (row.target.id === "bare" || !bare) return { ...row, ratio: undefined, cpuRatio: undefined };
    const cpuRatio =
      row.cpuMsPerRequest === undefined || bare.cpuMsPerRequest === undefined
        ? undefined
        : row.cpuMsPerRequest / bare.cpuMsPerRequest;
    return { ...row, ratio: row.perSecond / bare.perSecond, cpuRatio };
  });
}

/**
 * The admission table, one block of rows per shape.
 * @param {RatedRow[]} rows
 * @returns {string}
 */
export function throughputTable(rows) {
  const header = [
    "scenario",
    "endpoint",
    "accepted/s",
    "p50 ms",
    "p99 ms",
    "(b)/(a)",
    "CPU ms/req",
    "CPU (b)/(a)",
    "drain s",
    "errors",
  ];
  const cells = rows.map((r, i) => [
    i > 0 && rows[i - 1]?.shape.id === r.shape.id ? "" : r.shape.label,
    r.target.label,
    fixed(r.perSecond, 0),
    fixed(r.p50Ms, 2),
    fixed(r.p99Ms, 2),
    r.ratio === undefined ? "" : `${fixed(r.ratio, 2)}x`,
    fixed(r.cpuMsPerRequest, 2),
    r.cpuRatio === undefined ? "" : `${fixed(r.cpuRatio, 2)}x`,
    r.drainMs === undefined ? "" : fixed(r.drainMs / 1000, 1),
    String(r.errors),
  ]);
  return formatTable(header, cells);
}

/**
 * @typedef {object} HeadRatios
 * @property {number} concurrency
 * @property {number} p50 p50 latency, large record / small record.
 * @property {number} throughput accepted/s, small record / large record (> 1: the large one is slower).
 * @property {number | undefined} cpu workerd CPU per read, large record / small record.
 * @property {boolean} met
 */

/**
 * Ratios of the large-record head read to the small one, per in-flight level.
 * @param {import("./head-scaling.mjs").HeadScaling} result
 * @returns {HeadRatios[]}
 */
export function headRatios(result) {
  const [large, small] = result.seeded;
  const levels = [...new Set(result.rows.map((r) => r.concurrency))];
  return levels.map((concurrency) => {
    const at = (/** @type {import("./head-scaling.mjs").SeededAgent | undefined} */ agent) =>
      result.rows.find((r) => r.concurrency === concurrency && r.agent === agent);
    const l = at(large);
    const s = at(small);
    const p50 = (l?.p50Ms ?? Number.NaN) / (s?.p50Ms ?? Number.NaN);
    const throughput = (s?.perSecond ?? Number.NaN) / (l?.perSecond ?? Number.NaN);
    const cpu =
      l?.cpuMsPerRequest === undefined || s?.cpuMsPerRequest === undefined
        ? undefined
        : l.cpuMsPerRequest / s.cpuMsPerRequest;
    const met = p50 <= TARGETS.headRatio && throughput <= TARGETS.headRatio;
    return { concurrency, p50, throughput, cpu, met };
  });
}

/**
 * The head-read table and its ratios.
 * @param {import("./head-scaling.mjs").HeadScaling} result
 * @param {HeadRatios[]} ratios
 * @returns {string}
 */
export function headTable(result, ratios) {
  const header = [
    "in flight",
    "record entries",
    "reads/s",
    "p50 ms",
    "p99 ms",
    "CPU ms/read",
    "errors",
  ];
  const cells = result.rows.map((r) => [
    String(r.concurrency),
    r.agent.entries.toLocaleString("en-US"),
    fixed(r.perSecond, 0),
    fixed(r.p50Ms, 2),
    fixed(r.p99Ms, 2),
    fixed(r.cpuMsPerRequest, 3),
    String(r.errors),
  ]);
  const [large, small] = result.seeded;
  const name = `${large?.entries.toLocaleString("en-US")} / ${small?.entries.toLocaleString("en-US")}`;
  const verdict = ratios.map(
    (r) =>
      `  ${r.concurrency} in flight: p50 ${fixed(r.p50, 2)}x, reads/s ${fixed(r.throughput, 2)}x, ` +
      `CPU/read ${fixed(r.cpu, 2)}x  ${r.met ? "met" : "NOT MET"}`,
  );
  return [
    formatTable(header, cells),
    "",
    `Ratio ${name} entries (target: within ${TARGETS.headRatio}x; reads/s ratio is small/large, so > 1 means slower):`,
    ...verdict,
  ].join("\n");
}

/**
 * The verify-rate table: one row per repetition, then the p50 row the target reads.
 * @param {import("./verify-rate.mjs").VerifyRate} rate
 * @returns {string}
 */
export function verifyTable(rate) {
  const header = ["repetition", "checked", "ms", "entries/s", "CPU ms"];
  const row = (
    /** @type {string} */ name,
    /** @type {{ ms: number, entriesPerSecond: number, cpuMs: number | undefined }} */ r,
  ) => [
    name,
    rate.seeded.entries.toLocaleString("en-US"),
    fixed(r.ms, 1),
    fixed(r.entriesPerSecond, 0),
    fixed(r.cpuMs, 0),
  ];
  const p50 = { ms: rate.p50Ms, entriesPerSecond: rate.p50EntriesPerSecond, cpuMs: rate.p50CpuMs };
  return formatTable(header, [...rate.runs.map((r, i) => row(String(i + 1), r)), row("p50", p50)]);
}

/**
 * The tool-call table: per operation, straight to the sandbox (a) and through the fixture
 * Worker's `SandboxClient` (b), and the Worker hop's cost (b − a at p50).
 * @param {import("./tools.mjs").ToolRow[]} rows
 * @returns {string}
 */
export function toolsTable(rows) {
  const header = ["operation", "path", "calls", "p50 ms", "p99 ms", "mean ms", "errors"];
  const cells = rows.map((r, i) => [
    i > 0 && rows[i - 1]?.operation.id === r.operation.id ? "" : r.operation.label,
    r.path === "sandbox" ? "(a) sandbox direct" : "(b) Worker -> sandbox",
    String(r.ok),
    fixed(r.p50Ms, 2),
    fixed(r.p99Ms, 2),
    fixed(r.meanMs, 2),
    String(r.errors),
  ]);
  const hops = [...new Set(rows.map((r) => r.operation))].map((op) => {
    const at = (/** @type {string} */ path) =>
      rows.find((r) => r.operation === op && r.path === path)?.p50Ms ?? Number.NaN;
    return `  ${op.label}: ${fixed(at("worker") - at("sandbox"), 2)} ms`;
  });
  return [formatTable(header, cells), "", "Worker hop (b - a, p50):", ...hops].join("\n");
}

/**
 * The `/stream` table: per phase, what was measured at every client, its p50 and p99, the
 * time to open the sessions, workerd CPU per turn, and events missing.
 * @param {import("./stream.mjs").StreamResults} stream
 * @returns {string}
 */
export function streamTable({ fanOut, sessions, hibernation: h }) {
  const header = [
    "phase",
    "sessions",
    "turns",
    "measured at every client",
    "p50 ms",
    "p99 ms",
    "open s",
    "CPU ms/turn",
    "missing",
  ];
  const n = (/** @type {number} */ v) => v.toLocaleString("en-US");
  const prompt = "user_message -> user_prompt record";
  const done = "user_message -> agent_msg record";
  const rows = [
    [
      "fan-out",
      n(fanOut.clients),
      String(fanOut.turns),
      "text_delta spread (last - first)",
      fixed(fanOut.spread.p50Ms, 2),
      fixed(fanOut.spread.p99Ms, 2),
      fixed(fanOut.setupSeconds, 1),
      fixed(fanOut.cpuMsPerTurn, 0),
      String(fanOut.missing),
    ],
    [
      "sessions",
      n(sessions.clients),
      String(sessions.turns),
      prompt,
      fixed(sessions.latency.p50Ms, 1),
      fixed(sessions.latency.p99Ms, 1),
      fixed(sessions.setupSeconds, 1),
      fixed(sessions.cpuMsPerTurn, 0),
      String(sessions.missing),
    ],
    ["", "", "", done, fixed(sessions.latency.doneP50Ms, 1), fixed(sessions.latency.doneP99Ms, 1)],
    [
      "after idle",
      n(h.clients),
      "1",
      prompt,
      fixed(h.latency.p50Ms, 1),
      fixed(h.latency.p99Ms, 1),
      "",
      "",
      String(h.missing),
    ],
    ["", "", "", done, fixed(h.latency.doneP50Ms, 1), fixed(h.latency.doneP99Ms, 1)],
  ];
  return formatTable(header, rows);
}
