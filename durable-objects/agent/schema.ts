/**
 * The AgentDO's SQLite schema. The record is append-only: triggers refuse any UPDATE or
 * DELETE of its rows, so the only way to change history is to go around SQLite itself.
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
  `CREATE TABLE IF NOT EXISTS record (
     seq INTEGER PRIMARY KEY,
     tx_id TEXT NOT NULL,
     tx_type TEXT NOT NULL,
     kernel_version INTEGER NOT NULL,
     context_hash TEXT NOT NULL,
     prev_hash TEXT NOT NULL,
     hash TEXT NOT NULL,
     tx TEXT,
     tx_chunks TEXT,
     body TEXT,
     body_chunks TEXT
   )`,
  "CREATE INDEX IF NOT EXISTS record_tx_id ON record (tx_id)",
  // Partial: only session_start rows are indexed, so other inserts pay nothing for it.
  "CREATE INDEX IF NOT EXISTS record_session_start ON record (seq) WHERE tx_type = 'session_start'",
  `CREATE TRIGGER IF NOT EXISTS record_no_update BEFORE UPDATE ON record
     BEGIN SELECT RAISE(ABORT, 'record is append-only'); END`,
  `CREATE TRIGGER IF NOT EXISTS record_no_delete BEFORE DELETE ON record
     BEGIN SELECT RAISE(ABORT, 'record is append-only'); END`,
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
  `CREATE TABLE IF NOT EXISTS chunk (
     hash TEXT PRIMARY KEY,
     data TEXT NOT NULL
   )`,
];

/** Creates every table, index and trigger if missing. Idempotent. */
export function migrate(sql: SqlStorage): void {
  for (const statement of STATEMENTS) sql.exec(statement);
}
