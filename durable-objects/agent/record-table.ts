import { CLIENT_TX_TYPES, type RecordEntry, type Transaction } from "../../src/core/record.js";
import type { SerializedEntry } from "../../src/kernel/step.js";
import { loadText, storeText } from "./blob-store.js";

interface RecordRow extends Record<string, SqlStorageValue> {
  seq: number;
  kernel_version: number;
  context_hash: string;
  prev_hash: string;
  hash: string;
  tx: string | null;
  tx_chunks: string | null;
  body: string | null;
  body_chunks: string | null;
}

/** Appends one sealed entry, given its canonical texts. The caller holds the storage transaction. */
export function insertEntry(sql: SqlStorage, { entry, txText, bodyText }: SerializedEntry): void {
  const tx = storeText(sql, txText);
  const body = storeText(sql, bodyText);
  sql.exec(
    `INSERT INTO record (seq, tx_id, tx_type, kernel_version, context_hash, prev_hash, hash, tx, tx_chunks, body, body_chunks)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    entry.seq,
    entry.tx.hash,
    entry.tx.tx_type,
    entry.kernel_version,
    entry.context_hash,
    entry.prev_hash,
    entry.hash,
    tx.inline,
    tx.chunks,
    body.inline,
    body.chunks,
  );
}

/** The columns an entry is decoded from. */
const ENTRY_COLUMNS =
  "seq, kernel_version, context_hash, prev_hash, hash, tx, tx_chunks, body, body_chunks";

/**
 * Reads entries `from_seq…` in order, at most `limit`. Rows are decoded as stored, without
 * validation: verification is what judges them. A row that does not decode is returned as
 * an `Error` in its place.
 */
export function selectEntries(
  sql: SqlStorage,
  fromSeq: number,
  limit: number,
): Array<RecordEntry | RowError> {
  const rows = sql
    .exec<RecordRow>(
      `SELECT ${ENTRY_COLUMNS} FROM record WHERE seq >= ? ORDER BY seq LIMIT ?`,
      fromSeq,
      limit,
    )
    .toArray();
  return rows.map((row) => decodeRow(sql, row));
}

/**
 * Entries of the given types with `fromSeq ≤ seq < beforeSeq`, in order (undecodable rows
 * are returned as errors in their place).
 */
export function selectEntriesOfTypes(
  sql: SqlStorage,
  types: readonly string[],
  fromSeq: number,
  beforeSeq: number,
): Array<RecordEntry | RowError> {
  const marks = types.map(() => "?").join(", ");
  const rows = sql
    .exec<RecordRow>(
      `SELECT ${ENTRY_COLUMNS} FROM record
       WHERE seq >= ? AND seq < ? AND tx_type IN (${marks}) ORDER BY seq`,
      fromSeq,
      beforeSeq,
      ...types,
    )
    .toArray();
  return rows.map((row) => decodeRow(sql, row));
}

/**
 * The first entry of `type` with `afterSeq < seq ≤ afterSeq + within`, if any: a walk along
 * the record's key from `afterSeq`, reading at most `within` rows.
 */
export function selectFirstOfTypeAfter(
  sql: SqlStorage,
  type: string,
  afterSeq: number,
  within: number,
): RecordEntry | RowError | undefined {
  const row = sql
    .exec<RecordRow>(
      `SELECT ${ENTRY_COLUMNS} FROM record WHERE seq > ? AND seq <= ? AND tx_type = ? ORDER BY seq LIMIT 1`,
      afterSeq,
      afterSeq + within,
      type,
    )
    .toArray()[0];
  return row === undefined ? undefined : decodeRow(sql, row);
}

/** The last `session_start` entry, if any (through its partial index). */
export function selectLastSessionStart(sql: SqlStorage): RecordEntry | RowError | undefined {
  const row = sql
    .exec<RecordRow>(
      `SELECT ${ENTRY_COLUMNS} FROM record WHERE tx_type = 'session_start' ORDER BY seq DESC LIMIT 1`,
    )
    .toArray()[0];
  return row === undefined ? undefined : decodeRow(sql, row);
}

/** A stored row that could not be decoded into an entry. */
export interface RowError {
  seq: number;
  error: string;
}

function decodeRow(sql: SqlStorage, row: RecordRow): RecordEntry | RowError {
  try {
    const tx = JSON.parse(loadText(sql, row.tx, row.tx_chunks)) as Transaction;
    const body = JSON.parse(loadText(sql, row.body, row.body_chunks)) as Pick<
      RecordEntry,
      "proposals" | "decision" | "actions" | "effects"
    >;
    return {
      seq: row.seq,
      tx,
      kernel_version: row.kernel_version,
      context_hash: row.context_hash,
      proposals: body.proposals,
      decision: body.decision,
      actions: body.actions,
      effects: body.effects,
      prev_hash: row.prev_hash,
      hash: row.hash,
    };
  } catch (err) {
    return { seq: row.seq, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Why a page of decoded rows cannot be served: its first unreadable row, if any. */
export function unreadableRow(rows: ReadonlyArray<RecordEntry | RowError>): string | undefined {
  const bad = rows.find(isRowError);
  return bad && `stored entry ${bad.seq} cannot be read: ${bad.error}`;
}

/** True when a decoded row is an error rather than an entry. */
export function isRowError(value: RecordEntry | RowError): value is RowError {
  return "error" in value;
}

/** Context hashes of the last `n` entries, oldest first. */
export function selectWindow(sql: SqlStorage, n: number): string[] {
  return sql
    .exec<{ context_hash: string }>("SELECT context_hash FROM record ORDER BY seq DESC LIMIT ?", n)
    .toArray()
    .map((r) => r.context_hash)
    .reverse();
}

/**
 * The entries an agent admitted (`AdmitInput.kind`: the client kinds and `session_start`):
 * the only ones whose transaction id anyone looks up. A turn's reply is an `agent_msg` too,
 * but the object's own; it is told apart by the turn trace its body records (an admitted
 * entry's body is the empty outcome; a reply's body large enough to be chunked has no inline
 * body, so is left out too). As the SQL term of the partial index `record_admitted_tx_id`
 * (agent schema version 4) and of {@link seqOfTx}'s query: SQLite uses a partial index only
 * for a query carrying its WHERE term, so both are this one text.
 */
export const ADMITTED_TX_TYPES_TERM = `(tx_type IN (${[
  ...CLIENT_TX_TYPES.filter((type) => type !== "agent_msg"),
  "session_start",
]
  .map((type) => `'${type}'`)
  .join(", ")}) OR (tx_type = 'agent_msg' AND instr(body, '"trace":') = 0))`;

/** Where an admitted transaction was committed, if it was: its seq and type. */
export function seqOfTx(
  sql: SqlStorage,
  txId: string,
): { seq: number; tx_type: string } | undefined {
  return sql
    .exec<{ seq: number; tx_type: string }>(
      `SELECT seq, tx_type FROM record WHERE tx_id = ? AND ${ADMITTED_TX_TYPES_TERM} ORDER BY seq LIMIT 1`,
      txId,
    )
    .toArray()[0];
}
