import { describe, expect, it } from "vitest";
import {
  bucketOf,
  type Histogram,
  MAX_BUCKET,
  mergeInto,
  observe,
  percentile,
  percentiles,
  RELATIVE_ERROR,
  sampleCount,
} from "./histogram.js";

/** The exact nearest-rank percentile of samples. */
function exact(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] as number;
}

/** A deterministic stream of latencies spread over several orders of magnitude. */
function latencies(n: number, seed: number): number[] {
  let x = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    out.push(Math.floor(Math.exp((x / 2 ** 31) * Math.log(600_000))));
  }
  return out;
}

describe("latency histogram", () => {
  it("answers p50, p95 and p99 within the stated relative error of the exact nearest-rank values", () => {
    for (const seed of [1, 7, 42]) {
      const samples = latencies(5_000, seed);
      const histogram: Histogram = {};
      for (const s of samples) observe(histogram, s);
      for (const q of [0.5, 0.95, 0.99]) {
        const want = exact(samples, q);
        const got = percentile(histogram, q) as number;
        if (want < 1) expect(got).toBe(0);
        else expect(Math.abs(got - want) / want).toBeLessThanOrEqual(RELATIVE_ERROR + 0.001);
      }
    }
  });

  it("keeps a bounded number of buckets however many samples it counts", () => {
    const histogram: Histogram = {};
    for (const s of latencies(20_000, 3)) observe(histogram, s);
    observe(histogram, 1e15);
    expect(Object.keys(histogram).length).toBeLessThanOrEqual(MAX_BUCKET + 1);
    expect(bucketOf(1e15)).toBe(MAX_BUCKET);
    expect(sampleCount(histogram)).toBe(20_001);
  });

  it("counts values below 1 ms as 0 and answers null without samples", () => {
    const histogram: Histogram = {};
    expect(percentiles(histogram)).toEqual({ p50: null, p95: null, p99: null });
    observe(histogram, 0);
    observe(histogram, 0.4);
    expect(percentiles(histogram)).toEqual({ p50: 0, p95: 0, p99: 0 });
  });

  it("merges histograms into the histogram of all their samples", () => {
    const a: Histogram = {};
    const b: Histogram = {};
    const all: Histogram = {};
    latencies(300, 5).forEach((s, i) => {
      observe(i % 2 === 0 ? a : b, s);
      observe(all, s);
    });
    mergeInto(a, b);
    expect(a).toEqual(all);
  });
});
