import { type AgentStatus, startsTurnType } from "../../src/core/record.js";
import type { AgentSettings } from "../../src/protocol/agents.js";

/** The agent's metadata row: identity, status, settings and the chain head. */
export interface AgentMeta {
  agent_id: string;
  org: string;
  status: AgentStatus;
  created_at: number;
  settings: AgentSettings;
  window_size: number;
  head_seq: number;
  head_hash: string;
  /** Transactions admitted so far; the next admission gets this plus one. */
  admissions: number;
  open_turn_seq: number | null;
  registered: boolean;
}

interface MetaRow extends Record<string, SqlStorageValue> {
  agent_id: string;
  org: string;
  status: string;
  created_at: number;
  settings: string;
  window_size: number;
  head_seq: number;
  head_hash: string;
  admissions: number;
  open_turn_seq: number | null;
  registered: number;
}

/** Reads the metadata row, if the agent exists. */
export function selectMeta(sql: SqlStorage): AgentMeta | undefined {
  const row = sql.exec<MetaRow>("SELECT * FROM agent WHERE id = 1").toArray()[0];
  if (!row) return undefined;
  return {
    agent_id: row.agent_id,
    org: row.org,
    status: row.status as AgentStatus,
    created_at: row.created_at,
    settings: JSON.parse(row.settings) as AgentSettings,
    window_size: row.window_size,
    head_seq: row.head_seq,
    head_hash: row.head_hash,
    admissions: row.admissions,
    open_turn_seq: row.open_turn_seq,
    registered: row.registered === 1,
  };
}

/** Creates the metadata row of a new agent. */
export function insertMeta(sql: SqlStorage, meta: AgentMeta): void {
  sql.exec(
    `INSERT INTO agent (id, agent_id, org, status, created_at, settings, window_size, head_seq, head_hash, admissions, open_turn_seq, registered)
     VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    meta.agent_id,
    meta.org,
    meta.status,
    meta.created_at,
    JSON.stringify(meta.settings),
    meta.window_size,
    meta.head_seq,
    meta.head_hash,
    meta.admissions,
    meta.open_turn_seq,
    meta.registered ? 1 : 0,
  );
}

/**
 * Moves the head after a commit, with the admission count and the open turn, if any, and
 * the metrics checkpoint when one is due (JSON): one row written either way.
 */
export function updateHead(
  sql: SqlStorage,
  head: {
    seq: number;
    hash: string;
    admissions: number;
    openTurnSeq: number | null;
    metrics?: string;
  },
): void {
  const set = "head_seq = ?, head_hash = ?, admissions = ?, open_turn_seq = ?";
  const values = [head.seq, head.hash, head.admissions, head.openTurnSeq];
  if (head.metrics === undefined) sql.exec(`UPDATE agent SET ${set} WHERE id = 1`, ...values);
  else sql.exec(`UPDATE agent SET ${set}, metrics = ? WHERE id = 1`, ...values, head.metrics);
}

/**
 * The metadata caught up with the record. A transaction committed as it is admitted writes
 * its entry (and nothing of this row: the row's head, admission count and open turn are
 * those of the last other write), so the entries after the row's head are exactly those
 * admissions, one entry each: the head is the record's last entry, the count grows by their
 * number, and the turn is open when the last one opens a turn (a prompt or a message).
 * One row read.
 *
 * @example
 * const meta = withRecordHead(sql, selectMeta(sql));
 */
export function withRecordHead(sql: SqlStorage, meta: AgentMeta): AgentMeta {
  const last = sql
    .exec<{ seq: number; hash: string; tx_type: string }>(
      "SELECT seq, hash, tx_type FROM record ORDER BY seq DESC LIMIT 1",
    )
    .toArray()[0];
  if (!last || last.seq <= meta.head_seq) return meta;
  return {
    ...meta,
    head_seq: last.seq,
    head_hash: last.hash,
    admissions: meta.admissions + (last.seq - meta.head_seq),
    open_turn_seq: startsTurnType(last.tx_type) ? last.seq : null,
  };
}

/** Sets the lifecycle status. */
export function updateStatus(sql: SqlStorage, status: AgentStatus): void {
  sql.exec("UPDATE agent SET status = ? WHERE id = 1", status);
}

/** Notes that the org directory lists this agent. */
export function markRegistered(sql: SqlStorage): void {
  sql.exec("UPDATE agent SET registered = 1 WHERE id = 1");
}

/** The transaction an idempotency key maps to, with the digest of the request that set it. */
export function selectIdempotency(
  sql: SqlStorage,
  key: string,
): { tx_id: string; request_digest: string } | undefined {
  return sql
    .exec<{ tx_id: string; request_digest: string }>(
      "SELECT tx_id, request_digest FROM idempotency WHERE key = ?",
      key,
    )
    .toArray()[0];
}

/** Remembers which transaction an idempotency key produced. */
export function insertIdempotency(
  sql: SqlStorage,
  key: string,
  txId: string,
  requestDigest: string,
): void {
  sql.exec(
    "INSERT INTO idempotency (key, tx_id, request_digest) VALUES (?, ?, ?)",
    key,
    txId,
    requestDigest,
  );
}

/** Marks a processed transaction whose turn ended in failure. */
export function insertTxFailure(sql: SqlStorage, txId: string, error: string): void {
  sql.exec("INSERT OR REPLACE INTO tx_failure (tx_id, error) VALUES (?, ?)", txId, error);
}

/** The failure recorded for a transaction, if any. */
export function selectTxFailure(sql: SqlStorage, txId: string): string | undefined {
  return sql
    .exec<{ error: string }>("SELECT error FROM tx_failure WHERE tx_id = ?", txId)
    .toArray()[0]?.error;
}
