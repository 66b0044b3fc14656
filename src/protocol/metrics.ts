import { z } from "zod";

/** p50, p95 and p99 of a latency in ms (log-scale buckets: within 4.4 %); null without samples. */
export const LatencyPercentiles = z.strictObject({
  p50: z.number().nonnegative().nullable(),
  p95: z.number().nonnegative().nullable(),
  p99: z.number().nonnegative().nullable(),
});
export type LatencyPercentiles = z.infer<typeof LatencyPercentiles>;

/**
 * What the agent's object measured of its own work since it last woke (not part of the
 * record, so not the same after a replay): SQL rows read and written per admission and per
 * turn, as the last value and the mean. `bytes_per_entry` is `storage.bytes / entries`,
 * from the record.
 */
export const MetricsCosts = z.strictObject({
  admissions: z.number().int().nonnegative(),
  rows_read_per_admission: z.strictObject({ last: z.number(), mean: z.number() }),
  rows_written_per_admission: z.strictObject({ last: z.number(), mean: z.number() }),
  turns: z.number().int().nonnegative(),
  rows_read_per_turn: z.strictObject({ last: z.number(), mean: z.number() }),
  rows_written_per_turn: z.strictObject({ last: z.number(), mean: z.number() }),
  bytes_per_entry: z.number().nonnegative(),
});
export type MetricsCosts = z.infer<typeof MetricsCosts>;

/** The counters every metrics answer carries, derived from the record alone. */
const Counters = {
  entries: z.number().int().nonnegative(),
  turns: z.number().int().nonnegative(),
  model_calls: z.number().int().nonnegative(),
  tool_calls: z.number().int().nonnegative(),
  tokens_in: z.number().int().nonnegative(),
  tokens_out: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  tool_calls_by_tool: z.record(z.string(), z.number().int().nonnegative()),
  errors_by_code: z.record(z.string(), z.number().int().nonnegative()),
  latency_ms: z.strictObject({
    model: LatencyPercentiles,
    tool: LatencyPercentiles,
    turn: LatencyPercentiles,
  }),
  storage: z.strictObject({
    /** Σ UTF-8 bytes of each entry's canonical JSON. */
    bytes: z.number().int().nonnegative(),
    /** Rows of the record table: one per entry. */
    rows: z.number().int().nonnegative(),
  }),
};

/** `GET /agents/:id/metrics`. */
export const AgentMetrics = z.strictObject({
  agent_id: z.string(),
  /** The record's head the counters are folded through. */
  head_seq: z.number().int().nonnegative(),
  ...Counters,
  costs: MetricsCosts.optional(),
});
export type AgentMetrics = z.infer<typeof AgentMetrics>;

/** `GET /metrics`: the counters of the caller's org's agents summed, and how many there are. */
export const OrgMetrics = z.strictObject({
  agents: z.number().int().nonnegative(),
  ...Counters,
});
export type OrgMetrics = z.infer<typeof OrgMetrics>;
