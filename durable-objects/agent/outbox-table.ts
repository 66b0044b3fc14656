/**
 * Messages this agent owes other agents of its org (a spawned child's answer to its parent),
 * written in the same storage transaction as the entry that produced them and deleted once
 * the recipient admitted them. The key is the recipient's idempotency key, so delivering one
 * twice (a crash between admission and delete) admits it once.
 */
export interface OutboxMessage {
  key: string;
  target_agent_id: string;
  /** Base64 payload of the `agent_msg` to admit. */
  payload: string;
  reference_tx_hash?: string;
}

interface OutboxRow extends Record<string, SqlStorageValue> {
  key: string;
  target_agent_id: string;
  payload: string;
  reference_tx_hash: string | null;
}

/** Queues a message; the caller holds the storage transaction. */
export function insertOutbox(sql: SqlStorage, message: OutboxMessage): void {
  sql.exec(
    "INSERT OR IGNORE INTO outbox (key, target_agent_id, payload, reference_tx_hash) VALUES (?, ?, ?, ?)",
    message.key,
    message.target_agent_id,
    message.payload,
    message.reference_tx_hash ?? null,
  );
}

/** Messages not yet delivered, oldest first. */
export function selectOutbox(sql: SqlStorage, limit: number): OutboxMessage[] {
  return sql
    .exec<OutboxRow>("SELECT * FROM outbox ORDER BY rowid LIMIT ?", limit)
    .toArray()
    .map((row) => {
      const message: OutboxMessage = {
        key: row.key,
        target_agent_id: row.target_agent_id,
        payload: row.payload,
      };
      if (row.reference_tx_hash !== null) message.reference_tx_hash = row.reference_tx_hash;
      return message;
    });
}

/** Forgets a delivered message. */
export function deleteOutbox(sql: SqlStorage, key: string): void {
  sql.exec("DELETE FROM outbox WHERE key = ?", key);
}
