import { canonicalJson } from "../../src/core/canonical-json.js";
import type { Transaction } from "../../src/core/record.js";
import { loadText, storeText } from "./blob-store.js";

/**
 * Queues an admitted transaction at position `pos`, its admission number. The caller holds
 * the storage transaction.
 */
export function pushInbox(sql: SqlStorage, pos: number, tx: Transaction): void {
  const stored = storeText(sql, canonicalJson(tx));
  sql.exec(
    "INSERT INTO inbox (pos, tx_id, tx, tx_chunks) VALUES (?, ?, ?, ?)",
    pos,
    tx.hash,
    stored.inline,
    stored.chunks,
  );
}

/** The oldest queued transactions, in admission order, at most `limit`. */
export function peekInbox(sql: SqlStorage, limit: number): Transaction[] {
  return sql
    .exec<{ tx: string | null; tx_chunks: string | null }>(
      "SELECT tx, tx_chunks FROM inbox ORDER BY pos LIMIT ?",
      limit,
    )
    .toArray()
    .map((row) => JSON.parse(loadText(sql, row.tx, row.tx_chunks)) as Transaction);
}

/** Removes a transaction from the queue (when its entry commits). */
export function removeFromInbox(sql: SqlStorage, txId: string): void {
  sql.exec("DELETE FROM inbox WHERE tx_id = ?", txId);
}

/** True when the transaction is still waiting in the queue. */
export function isQueued(sql: SqlStorage, txId: string): boolean {
  return sql.exec("SELECT 1 FROM inbox WHERE tx_id = ?", txId).toArray().length > 0;
}

/** Number of queued transactions. */
export function countInbox(sql: SqlStorage): number {
  return sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM inbox").one().n;
}
