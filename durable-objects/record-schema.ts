/**
 * The hash-chained record's tables, shared by every object that keeps one (AgentDO,
 * ProjectDO): entries, their append-only triggers and the content-addressed chunks large
 * texts are split into. The triggers refuse any UPDATE or DELETE of an entry, so the only way
 * to change history is to go around SQLite itself.
 *
 * Part of version 1 of both kinds' schema histories (`agent/schema.ts`, `project/schema.ts`):
 * shipped, so never edit it; a change is a new migration in each kind that needs it.
 *
 * @example
 * for (const statement of RECORD_SCHEMA) sql.exec(statement);
 */
export const RECORD_SCHEMA: readonly string[] = [
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
  `CREATE TABLE IF NOT EXISTS chunk (
     hash TEXT PRIMARY KEY,
     data TEXT NOT NULL
   )`,
];
