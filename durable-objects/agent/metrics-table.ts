import type { RecordMetricsState } from "../../src/metrics/record-metrics.js";

/**
 * The `metrics` row: the record's metrics fold ({@link RecordMetricsState}) at a checkpoint,
 * as JSON. Written in the storage transaction of a commit (or by the first read of an agent
 * that has none), so it never runs ahead of the record.
 */
export function selectMetrics(sql: SqlStorage): RecordMetricsState | undefined {
  const row = sql.exec<{ state: string }>("SELECT state FROM metrics WHERE id = 1").toArray()[0];
  return row === undefined ? undefined : (JSON.parse(row.state) as RecordMetricsState);
}

/** Replaces the `metrics` row with `state`. */
export function upsertMetrics(sql: SqlStorage, state: RecordMetricsState): void {
  sql.exec(
    `INSERT INTO metrics (id, through_seq, state) VALUES (1, ?, ?)
     ON CONFLICT (id) DO UPDATE SET through_seq = excluded.through_seq, state = excluded.state`,
    state.through_seq,
    JSON.stringify(state),
  );
}
