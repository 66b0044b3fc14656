import { RECORD_SCHEMA } from "../record-schema.js";

/**
 * The ProjectDO's SQLite schema: the record (append-only, shared with agents) and the
 * current state it folds to — the project row (with the record's head), specs and tasks,
 * each item stored as its JSON with the columns it is listed by. The state tables are a
 * projection of the record: `verify` refolds the record and compares. `project_action` keeps
 * the first outcome of each keyed mutation.
 */
const STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS project (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     project_id TEXT NOT NULL,
     org TEXT NOT NULL,
     window_size INTEGER NOT NULL,
     head_seq INTEGER NOT NULL,
     head_hash TEXT NOT NULL,
     deleted INTEGER NOT NULL,
     data TEXT NOT NULL
   )`,
  ...RECORD_SCHEMA,
  `CREATE TABLE IF NOT EXISTS spec (
     spec_id TEXT PRIMARY KEY,
     ord INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     data TEXT NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS task (
     task_id TEXT PRIMARY KEY,
     ord INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     data TEXT NOT NULL
   )`,
  // The first outcome of each keyed mutation (a domain tool call's action id), with the seq
  // of the entry it made (NULL for a refusal): a repeat is answered from here.
  `CREATE TABLE IF NOT EXISTS project_action (
     key TEXT PRIMARY KEY,
     outcome TEXT NOT NULL,
     seq INTEGER
   )`,
];

/**
 * Creates every table, index and trigger if missing. Idempotent.
 *
 * @example
 * migrateProject(ctx.storage.sql);
 */
export function migrateProject(sql: SqlStorage): void {
  for (const statement of STATEMENTS) sql.exec(statement);
}
