import type { SchemaHistory } from "../../src/storage/schema-migrations.js";
import { RECORD_SCHEMA } from "../record-schema.js";
import { type SchemaUpgrade, type UpgradableStorage, upgradeSchema } from "../schema-upgrade.js";

/**
 * The ProjectDO's SQLite schema: the record (append-only, shared with agents) and the
 * current state it folds to — the project row (with the record's head), specs and tasks,
 * each item stored as its JSON with the columns it is listed by. The state tables are a
 * projection of the record: `verify` refolds the record and compares. `project_action` keeps
 * the first outcome of each keyed mutation. Version 1: shipped, never edit it.
 */
const VERSION_1 = [
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
 * Version 2: the automatons subscribed to the project's `task_ready` events, and the
 * deliveries owed to them (written with the entry that made a task ready, deleted once the
 * agent admitted it), so a subscription and an owed delivery survive eviction.
 */
const VERSION_2 = [
  `CREATE TABLE IF NOT EXISTS task_ready_subscription (
     automaton_id TEXT PRIMARY KEY,
     agent_id TEXT NOT NULL,
     created_at INTEGER NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS task_ready_outbox (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     automaton_id TEXT NOT NULL,
     agent_id TEXT NOT NULL,
     task_id TEXT NOT NULL,
     project_seq INTEGER NOT NULL,
     UNIQUE (automaton_id, task_id, project_seq)
   )`,
];

/** The ProjectDO's schema history (append-only: add a migration, never edit a shipped one). */
export const PROJECT_SCHEMA: SchemaHistory = {
  kind: "project",
  legacyMarker: "project",
  migrations: [
    { version: 1, name: "project, record, specs, tasks and actions", statements: VERSION_1 },
    { version: 2, name: "task_ready subscriptions and their outbox", statements: VERSION_2 },
  ],
};

/**
 * Brings the project's storage to the latest schema; one read when it is there already.
 *
 * @example
 * migrateProject(ctx.storage);
 */
export function migrateProject(storage: UpgradableStorage): SchemaUpgrade {
  return upgradeSchema(storage, PROJECT_SCHEMA);
}
