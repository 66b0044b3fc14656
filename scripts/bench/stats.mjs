/**
 * The `q`-quantile (0..1) of ascending-sorted samples, nearest-rank method.
 *
 * @example
 * quantile([1, 2, 3, 4], 0.5); // 2
 * @param {number[]} sorted
 * @param {number} q
 * @returns {number}
 */
export function quantile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/**
 * @typedef {object} Summary
 * @property {number} ok Requests answered with the expected status.
 * @property {number} errors Requests answered otherwise, or failed.
 * @property {number} seconds Measured wall time.
 * @property {number} perSecond `ok / seconds`.
 * @property {number} p50Ms Median latency of the successful requests.
 * @property {number} p99Ms 99th percentile latency of the successful requests.
 */

/**
 * Throughput and latency of one measured run.
 *
 * @example
 * summarise({ latencies: [1, 2, 3], errors: 0, elapsedMs: 1000 }); // ok 3, perSecond 3, …
 * @param {{ latencies: number[], errors: number, elapsedMs: number }} run
 * @returns {Summary}
 */
export function summarise({ latencies, errors, elapsedMs }) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const seconds = elapsedMs / 1000;
  return {
    ok: sorted.length,
    errors,
    seconds,
    perSecond: sorted.length / seconds,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
  };
}
