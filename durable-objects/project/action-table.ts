import type { Failure } from "../../src/core/errors.js";

/** The first outcome of a keyed mutation, as stored (a success's value, or the refusal). */
export type StoredOutcome<T> = { ok: true; value: T } | Failure;

interface ActionRow extends Record<string, SqlStorageValue> {
  outcome: string;
}

/**
 * The outcome first answered for `key`, if a mutation with that idempotency key ran.
 *
 * @example
 * const first = selectAction(sql, "tool:9f…"); // undefined the first time
 */
export function selectAction<T>(sql: SqlStorage, key: string): StoredOutcome<T> | undefined {
  const row = sql
    .exec<ActionRow>("SELECT outcome FROM project_action WHERE key = ?", key)
    .toArray()[0];
  return row ? (JSON.parse(row.outcome) as StoredOutcome<T>) : undefined;
}

/**
 * Stores the outcome answered for `key` (in the caller's transaction, beside the record entry
 * it made), so a repeat is answered with it even after an eviction.
 *
 * @example
 * insertAction(sql, "tool:9f…", { ok: true, value: task }, 7);
 */
export function insertAction<T>(
  sql: SqlStorage,
  key: string,
  outcome: StoredOutcome<T>,
  seq: number | null,
): void {
  sql.exec(
    "INSERT OR IGNORE INTO project_action (key, outcome, seq) VALUES (?, ?, ?)",
    key,
    JSON.stringify(outcome),
    seq,
  );
}
