import { retentionRatios } from "./retention.mjs";
import { quantile } from "./stats.mjs";
import { fixed, formatTable } from "./table.mjs";

/**
 * @typedef {object} Figures The sections of issue 13 that ran (`--only` may leave some out).
 * @property {import("./retention.mjs").Retention} [retention]
 * @property {import("./metrics-route.mjs").MetricsRoute} [metrics]
 * @property {import("./flood.mjs").Flood} [flood]
 * @property {import("./costs.mjs").TurnCosts} [costs]
 */

/** @param {number[]} xs @param {number} q */
const q = (xs, q) =>
  quantile(
    [...xs].sort((a, b) => a - b),
    q,
  );

/**
 * The figures' tables and their targets, as text.
 *
 * @example
 * process.stdout.write(formatFigures(figures, figureChecks(figures)));
 * @param {Figures} f
 * @param {import("./figure-checks.mjs").FigureCheck[]} checks
 * @returns {string}
 */
export function formatFigures(f, checks) {
  const lines = [];
  if (f.retention) {
    const r = f.retention;
    lines.push(
      "",
      "Retention: two agents seeded straight into storage by the bench's fixture Worker",
      "(bench/retention-worker.ts: the product plus a seeding route), every",
      `${r.promptEvery}th entry a user_prompt, the rest triggers. ${r.rounds} rounds: both objects`,
      "evicted (workerd closed their SQLite files) and a third agent woken (the isolate starts",
      "again with it), then wake = first GET /agents/:id/head,",
      "head = later head reads, resume = /stream `resume {after_seq: head-10}` → last replayed",
      "record frame. turn = one mock turn after the rounds (POST /tx → processed); tokens = what",
      "its model call was sent (mock: 4 characters a token).",
      formatTable(
        [
          "entries",
          "seed s",
          "peak MiB",
          "wake p50",
          "head p50",
          "head p99",
          "resume p50",
          "turn ms",
          "tokens",
        ],
        r.rows.map((row) => [
          row.entries.toLocaleString("en-US"),
          row.seedSeconds.toFixed(1),
          fixed(row.peakRssMiB, 0),
          fixed(q(row.wakeMs, 0.5), 2),
          fixed(q(row.headMs, 0.5), 2),
          fixed(q(row.headMs, 0.99), 2),
          fixed(q(row.resumeMs, 0.5), 2),
          fixed(row.turnMs, 0),
          String(row.turnInputTokens ?? "—"),
        ]),
      ),
    );
  }
  if (f.metrics) {
    const m = f.metrics;
    lines.push(
      "",
      `Metrics route: GET /agents/:id/metrics x ${m.requests}, one at a time, on an agent of`,
      `${m.entries.toLocaleString("en-US")} entries built through POST /tx: p50 ${m.p50Ms.toFixed(2)} ms, p99 ${m.p99Ms.toFixed(2)} ms, ${m.errors} errors.`,
    );
  }
  if (f.flood) {
    const x = f.flood;
    lines.push(
      "",
      `Flood: ${x.requests} POST /tx user_prompt, ${x.concurrency} in flight, one fresh agent, none resent.`,
      formatTable(
        ["202", "429", "5xx", "other", "send s", "drain s", "processed", "entries"],
        [
          [
            String(x.accepted),
            String(x.refused),
            String(x.serverErrors),
            String(x.other),
            x.sendSeconds.toFixed(1),
            fixed(x.drainSeconds, 1),
            `${x.processed}/${x.accepted}`,
            String(x.entries),
          ],
        ],
      ),
      ...(x.firstOther ? [`first other answer: ${x.firstOther}`] : []),
    );
  }
  if (f.costs) {
    const c = f.costs;
    lines.push(
      "",
      `What a turn costs: ${c.turns} mock turns one after another on a fresh agent (each admitted`,
      "idle, so its inbound entry commits with the admission); rows from the agent's own meter",
      "(costs of GET /agents/:id/metrics, means), CPU = workerd's over the turns.",
      formatTable(
        [
          "entries/turn",
          "written/adm",
          "written/turn",
          "written/complete",
          "read/adm",
          "read/turn",
          "bytes/entry",
          "CPU ms/turn",
          "turn p50 ms",
        ],
        [
          [
            c.entriesPerTurn.toFixed(2),
            c.rowsWrittenPerAdmission.mean.toFixed(2),
            c.rowsWrittenPerTurn.mean.toFixed(2),
            c.rowsWrittenPerCompleteTurn.toFixed(2),
            c.rowsReadPerAdmission.mean.toFixed(2),
            c.rowsReadPerTurn.mean.toFixed(2),
            String(c.bytesPerEntry),
            fixed(c.cpuMsPerTurn, 2),
            c.turnP50Ms.toFixed(2),
          ],
        ],
      ),
    );
  }
  if (checks.length > 0) {
    lines.push(
      "",
      "Figures' targets (issue 13):",
      formatTable(
        ["", "figure", "measured", "target"],
        checks.map((c) => [c.met ? "met" : "MISSED", c.name, c.value, c.target]),
      ),
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The figures for bench/results.json, rounded.
 *
 * @example
 * figuresResults(figures, checks).retention.ratios;
 * @param {Figures} f
 * @param {import("./figure-checks.mjs").FigureCheck[]} checks
 */
export function figuresResults(f, checks) {
  /** @param {number | undefined} n */
  const r2 = (n) => (n === undefined || !Number.isFinite(n) ? null : Math.round(n * 100) / 100);
  /** @param {number[]} xs */
  const p = (xs) => ({ n: xs.length, p50_ms: r2(q(xs, 0.5)), p99_ms: r2(q(xs, 0.99)) });
  return {
    retention: f.retention && {
      prompt_every: f.retention.promptEvery,
      rounds: f.retention.rounds,
      eviction_seen: f.retention.evictionSeen,
      rows: f.retention.rows.map((row) => ({
        entries: row.entries,
        seed_seconds: r2(row.seedSeconds),
        peak_rss_mib: r2(row.peakRssMiB),
        wake: p(row.wakeMs),
        head: p(row.headMs),
        resume: p(row.resumeMs),
        resume_short: row.resumeFramesShort,
        turn_ms: r2(row.turnMs),
        turn_input_tokens: row.turnInputTokens ?? null,
      })),
      past_window: {
        entries: f.retention.pastWindow.entries,
        turn_ms: r2(f.retention.pastWindow.turnMs),
        turn_input_tokens: f.retention.pastWindow.turnInputTokens,
      },
      ratios: retentionRatios(f.retention).map((x) => ({
        figure: x.figure,
        large_p50_ms: r2(x.largeMs),
        small_p50_ms: r2(x.smallMs),
        ratio: r2(x.ratio),
      })),
    },
    metrics_route: f.metrics && {
      entries: f.metrics.entries,
      requests: f.metrics.requests,
      p50_ms: r2(f.metrics.p50Ms),
      p99_ms: r2(f.metrics.p99Ms),
      errors: f.metrics.errors,
    },
    flood: f.flood && {
      requests: f.flood.requests,
      concurrency: f.flood.concurrency,
      accepted: f.flood.accepted,
      refused_429: f.flood.refused,
      server_errors: f.flood.serverErrors,
      other: f.flood.other,
      first_other: f.flood.firstOther ?? null,
      send_seconds: r2(f.flood.sendSeconds),
      drain_seconds: r2(f.flood.drainSeconds),
      processed: f.flood.processed,
      entries: f.flood.entries,
    },
    turn_costs: f.costs && {
      turns: f.costs.turns,
      entries_per_turn: r2(f.costs.entriesPerTurn),
      rows_read_per_admission: f.costs.rowsReadPerAdmission,
      rows_written_per_admission: f.costs.rowsWrittenPerAdmission,
      rows_read_per_turn: f.costs.rowsReadPerTurn,
      rows_written_per_turn: f.costs.rowsWrittenPerTurn,
      rows_written_per_complete_turn: r2(f.costs.rowsWrittenPerCompleteTurn),
      bytes_per_entry: f.costs.bytesPerEntry,
      workerd_cpu_ms_per_turn: r2(f.costs.cpuMsPerTurn),
      turn_p50_ms: r2(f.costs.turnP50Ms),
    },
    checks: checks.map((c) => ({
      figure: c.name,
      measured: c.value,
      target: c.target,
      met: c.met,
    })),
  };
}
