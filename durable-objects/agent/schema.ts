import { RECORD_SCHEMA } from "../record-schema.js";

/**
 * The AgentDO's SQLite schema: the record (append-only, see {@link RECORD_SCHEMA}) and the
 * agent's own tables.
 */
const STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS agent (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     agent_id TEXT NOT NULL,
     org TEXT NOT NULL,
     status TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     settings TEXT NOT NULL,
     window_size INTEGER NOT NULL,
     head_seq INTEGER NOT NULL,
     head_hash TEXT NOT NULL,
     admissions INTEGER NOT NULL,
     open_turn_seq INTEGER,
     registered INTEGER NOT NULL
   )`,
  ...RECORD_SCHEMA,
  `CREATE TABLE IF NOT EXISTS inbox (
     pos INTEGER PRIMARY KEY,
     tx_id TEXT NOT NULL UNIQUE,
     tx TEXT,
     tx_chunks TEXT
   )`,
  `CREATE TABLE IF NOT EXISTS idempotency (
     key TEXT PRIMARY KEY,
     tx_id TEXT NOT NULL,
     request_digest TEXT NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS tx_failure (
     tx_id TEXT PRIMARY KEY,
     error TEXT NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS outbox (
     key TEXT PRIMARY KEY,
     target_agent_id TEXT NOT NULL,
     payload TEXT NOT NULL,
     reference_tx_hash TEXT
   )`,
  `CREATE TABLE IF NOT EXISTS session_secret (
     session_id TEXT PRIMARY KEY,
     secrets TEXT NOT NULL
   )`,
];

/** Creates every table, index and trigger if missing. Idempotent. */
export function migrate(sql: SqlStorage): void {
  for (const statement of STATEMENTS) sql.exec(statement);
}
