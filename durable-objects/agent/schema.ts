import type { SchemaHistory } from "../../src/storage/schema-migrations.js";
import { RECORD_SCHEMA } from "../record-schema.js";
import { type SchemaUpgrade, type UpgradableStorage, upgradeSchema } from "../schema-upgrade.js";
import { ADMITTED_TX_TYPES_TERM } from "./record-table.js";

/**
 * Version 1 of the AgentDO's SQLite schema: the record (append-only, see
 * {@link RECORD_SCHEMA}) and the agent's own tables. Shipped: never edit it.
 */
const VERSION_1 = [
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

/**
 * The AgentDO's schema history (append-only: add a migration, never edit a shipped one).
 * Version 2 indexes the `agent_msg` entries: a transaction's status finds the reply of its
 * turn through it instead of scanning the record from the transaction on (the whole rest of
 * it for a turn that ended without a reply). One index row per turn is its cost.
 * Version 4 narrows the transaction-id index to the entries a transaction id is asked about:
 * the admitted ones (a client's, another agent's message, a session's start). The entries a
 * turn commits itself (model answers, tool results, its reply) were an index row each, a
 * second row written per entry, for a lookup that never comes. It drops version 2's index
 * too: the status finds a turn's reply by reading the turn's entries after its first (one
 * turn, bounded), which costs rows read, not a row written per turn.
 * Version 5 moves the metrics checkpoint into the agent row (column `metrics`), written by
 * the same UPDATE that moves the head, so a checkpoint costs no row of its own.
 */
export const AGENT_SCHEMA: SchemaHistory = {
  kind: "agent",
  legacyMarker: "agent",
  migrations: [
    { version: 1, name: "agent, record, inbox and side tables", statements: VERSION_1 },
    {
      version: 2,
      name: "index of agent_msg entries",
      statements: ["CREATE INDEX record_agent_msg ON record (seq) WHERE tx_type = 'agent_msg'"],
    },
    {
      version: 3,
      name: "metrics folded from the record",
      statements: [
        `CREATE TABLE metrics (
           id INTEGER PRIMARY KEY CHECK (id = 1),
           through_seq INTEGER NOT NULL,
           state TEXT NOT NULL
         )`,
      ],
    },
    {
      version: 4,
      name: "transaction ids indexed for admitted entries only",
      statements: [
        "DROP INDEX record_tx_id",
        "DROP INDEX record_agent_msg",
        `CREATE INDEX record_admitted_tx_id ON record (tx_id) WHERE ${ADMITTED_TX_TYPES_TERM}`,
      ],
    },
    {
      version: 5,
      name: "metrics checkpoint in the agent row",
      statements: [
        "ALTER TABLE agent ADD COLUMN metrics TEXT",
        "UPDATE agent SET metrics = (SELECT state FROM metrics WHERE id = 1)",
        "DROP TABLE metrics",
      ],
    },
  ],
};

/**
 * Brings the agent's storage to the latest schema; one read when it is there already.
 *
 * @example
 * migrate(ctx.storage);
 */
export function migrate(storage: UpgradableStorage): SchemaUpgrade {
  return upgradeSchema(storage, AGENT_SCHEMA);
}
