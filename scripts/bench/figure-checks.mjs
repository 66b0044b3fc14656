import { retentionRatios } from "./retention.mjs";

/** Issue 13's targets: retention, the metrics route, a flood, what a turn costs. */
export const FIGURE_TARGETS = Object.freeze({
  /** Wake, head read and resume (p50) at the long record within this × the short one's. */
  retentionRatio: 1.5,
  /** Record lengths the retention target is stated for. */
  retentionEntries: 1_000_000,
  retentionSmallEntries: 100,
  /** A turn's model call on the long record is sent at most this × the short one's tokens. */
  conversationRatio: 1.5,
  /** `GET /agents/:id/metrics` p50 on a record of `metricsEntries` entries, in ms. */
  metricsP50Ms: 50,
  metricsEntries: 100_000,
  /** The flood: requests, in flight, to one agent. */
  floodRequests: 5000,
  floodConcurrency: 200,
  /** Rows written per complete mock turn ≤ entries it committed + this. */
  rowsWrittenOverEntries: 2,
  /** Rows read per admission ≤ this. */
  rowsReadPerAdmission: 3,
});

/**
 * @typedef {object} FigureCheck
 * @property {string} name Printed in the summary.
 * @property {string} value What was measured.
 * @property {string} target
 * @property {boolean} met
 */

/**
 * The targets of the figures that ran (a section left out by `--only` has no check).
 *
 * @example
 * figureChecks({ retention, metrics, flood, costs }).every((c) => c.met);
 * @param {{ retention?: import("./retention.mjs").Retention,
 *   metrics?: import("./metrics-route.mjs").MetricsRoute, flood?: import("./flood.mjs").Flood,
 *   costs?: import("./costs.mjs").TurnCosts }} figures
 * @returns {FigureCheck[]}
 */
export function figureChecks({ retention, metrics, flood, costs }) {
  const T = FIGURE_TARGETS;
  /** @type {FigureCheck[]} */
  const checks = [];
  if (retention) {
    const [large, small] = retention.rows;
    const at = `${large?.entries.toLocaleString("en-US")} vs ${small?.entries} entries`;
    for (const r of retentionRatios(retention)) {
      const met = r.ratio <= T.retentionRatio && (r.figure !== "wake" || retention.evictionSeen);
      checks.push({
        name: `retention: ${r.figure} p50, ${at}`,
        value: `${r.largeMs.toFixed(2)} / ${r.smallMs.toFixed(2)} ms = ${r.ratio.toFixed(2)}x${r.figure === "wake" && !retention.evictionSeen ? " (eviction not seen)" : ""}`,
        target: `<= ${T.retentionRatio}x`,
        met,
      });
    }
    // Bounded whatever the record's length: as much sent on the large record as on one ten
    // times the conversation's window (the small record is inside the window, so less).
    const past = retention.pastWindow;
    const tokens = (large?.turnInputTokens ?? Number.NaN) / past.turnInputTokens;
    checks.push({
      name: `retention: conversation a turn sends, ${large?.entries.toLocaleString("en-US")} vs ${past.entries.toLocaleString("en-US")} entries`,
      value: `${large?.turnInputTokens} / ${past.turnInputTokens} tokens = ${tokens.toFixed(2)}x (${small?.turnInputTokens} on ${small?.entries})`,
      target: `<= ${T.conversationRatio}x (bounded)`,
      met: tokens <= T.conversationRatio,
    });
  }
  if (metrics) {
    checks.push({
      name: `metrics route p50, ${metrics.entries.toLocaleString("en-US")} entries`,
      value: `${metrics.p50Ms.toFixed(1)} ms (p99 ${metrics.p99Ms.toFixed(1)})`,
      target: `<= ${T.metricsP50Ms} ms`,
      met: metrics.errors === 0 && metrics.p50Ms <= T.metricsP50Ms,
    });
  }
  if (flood) {
    checks.push({
      name: `flood ${flood.requests} x POST /tx, ${flood.concurrency} in flight, 1 agent`,
      value: `${flood.serverErrors} 5xx, ${flood.other} other; ${flood.processed}/${flood.accepted} 202s processed`,
      target: "no 5xx, every 202 processed",
      met:
        flood.serverErrors === 0 &&
        flood.other === 0 &&
        flood.processed === flood.accepted &&
        flood.drainSeconds !== undefined,
    });
  }
  if (costs) {
    const most = costs.entriesPerTurn + T.rowsWrittenOverEntries;
    checks.push({
      name: `rows written per complete mock turn (${costs.entriesPerTurn} entries)`,
      value: costs.rowsWrittenPerCompleteTurn.toFixed(2),
      target: `<= ${most}`,
      met: costs.rowsWrittenPerCompleteTurn <= most,
    });
    checks.push({
      name: "rows read per admission",
      value: costs.rowsReadPerAdmission.mean.toFixed(2),
      target: `<= ${T.rowsReadPerAdmission}`,
      met: costs.rowsReadPerAdmission.mean <= T.rowsReadPerAdmission,
    });
  }
  return checks;
}
