import type { RecordMetricsState } from "../../src/metrics/record-metrics.js";

/**
 * The metrics checkpoint: the record's metrics fold ({@link RecordMetricsState}) as JSON, in
 * the agent row's `metrics` column (agent schema version 5; a table of its own before).
 * Written by the commit that moves the head (see `updateHead`), or by the first read of an
 * agent that has none, so it never runs ahead of the record.
 */
export function selectMetrics(sql: SqlStorage): RecordMetricsState | undefined {
  const row = sql
    .exec<{ metrics: string | null }>("SELECT metrics FROM agent WHERE id = 1")
    .toArray()[0];
  return row?.metrics == null ? undefined : (JSON.parse(row.metrics) as RecordMetricsState);
}

/** Replaces the checkpoint with `state` (outside a commit: a read that built it). */
export function upsertMetrics(sql: SqlStorage, state: RecordMetricsState): void {
  sql.exec("UPDATE agent SET metrics = ? WHERE id = 1", JSON.stringify(state));
}
