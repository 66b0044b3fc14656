/**
 * A latency histogram of fixed log-scale buckets, small enough to keep in one row and update
 * per sample: percentiles come from the bucket counts, never from the samples.
 *
 * Bucket 0 holds values below 1 (ms); bucket `i ≥ 1` holds `[G^(i-1), G^i)` with
 * `G = 2^(1/8)`, up to {@link MAX_BUCKET} (about 2^32 ms, 50 days; larger values land in the
 * last bucket). A percentile is answered with the geometric middle of its bucket, so it is
 * within `2^(1/16) − 1` (4.4 %) of a recorded value of that rank (nearest rank), and exactly 0
 * for bucket 0.
 */

/** Buckets per doubling. */
const PER_DOUBLING = 8;
/** The last bucket: values of 2^32 ms and more are counted in it. */
export const MAX_BUCKET = 32 * PER_DOUBLING;
/** The largest relative error of a percentile, for docs and tests. */
export const RELATIVE_ERROR = 2 ** (1 / (2 * PER_DOUBLING)) - 1;

/** Sparse bucket counts (`bucket index → samples`), JSON as it is stored. */
export type Histogram = Record<string, number>;

/** The bucket a value (ms, ≥ 0) is counted in. */
export function bucketOf(value: number): number {
  if (!(value >= 1)) return 0;
  const index = Math.floor(Math.log2(value) * PER_DOUBLING) + 1;
  return Math.min(index, MAX_BUCKET);
}

/** The value a bucket stands for: 0, or the geometric middle of its bounds. */
export function bucketValue(index: number): number {
  if (index <= 0) return 0;
  return 2 ** ((index - 0.5) / PER_DOUBLING);
}

/**
 * Counts one sample, in place.
 *
 * @example
 * const h: Histogram = {};
 * observe(h, 120);
 */
export function observe(histogram: Histogram, value: number): void {
  const key = String(bucketOf(value));
  histogram[key] = (histogram[key] ?? 0) + 1;
}

/** Adds `other`'s counts into `into`, in place (histograms of several agents summed). */
export function mergeInto(into: Histogram, other: Histogram): void {
  for (const [key, count] of Object.entries(other)) into[key] = (into[key] ?? 0) + count;
}

/** Samples counted. */
export function sampleCount(histogram: Histogram): number {
  let n = 0;
  for (const count of Object.values(histogram)) n += count;
  return n;
}

/**
 * The `q`-quantile (0 < q ≤ 1) by nearest rank, rounded to 0.01 ms; null without samples.
 *
 * @example
 * percentile({ "0": 1, "64": 3 }, 0.5); // 245.15 (bucket 64: 234.75–256 ms)
 */
export function percentile(histogram: Histogram, q: number): number | null {
  const total = sampleCount(histogram);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  const indexes = Object.keys(histogram)
    .map(Number)
    .sort((a, b) => a - b);
  let seen = 0;
  for (const index of indexes) {
    seen += histogram[String(index)] ?? 0;
    if (seen >= rank) return Math.round(bucketValue(index) * 100) / 100;
  }
  return null;
}

/** p50, p95 and p99 of a histogram (nulls without samples). */
export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** {@link Percentiles} of a histogram. */
export function percentiles(histogram: Histogram): Percentiles {
  return {
    p50: percentile(histogram, 0.5),
    p95: percentile(histogram, 0.95),
    p99: percentile(histogram, 0.99),
  };
}
