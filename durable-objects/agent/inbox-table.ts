import { canonicalJson } from "../../src/core/canonical-json.js";
import type { Transaction } from "../../src/core/record.js";
import { loadText, storeText } from "./blob-store.js";

/** Queues an admitted transaction. The caller holds the storage transaction. */
export function pushInbox(sql: SqlStorage, tx: Transaction): void {
  const stored = storeText(sql, canonicalJson(tx));
  sql.exec(
    "INSERT INTO inbox (tx_id, tx, tx_chunks) VALUES (?, ?, ?)",
    tx.hash,
    stored.inline,
    stored.chunks,
  );
}

/** The oldest queued transaction, if any. */
export function peekInbox(sql: SqlStorage): Transaction | undefined {
  const row = sql
    .exec<{ tx: string | null; tx_chunks: string | null }>(
      "SELECT tx, tx_chunks FROM inbox ORDER BY pos LIMIT 1",
    )
    .toArray()[0];
  return row ? (JSON.parse(loadText(sql, row.tx, row.tx_chunks)) as Transaction) : undefined;
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
export function inboxSize(sql: SqlStorage): number {
  return sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM inbox").one().n;
}
