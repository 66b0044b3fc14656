import {
  latestVersion,
  pendingMigrations,
  type SchemaHistory,
} from "../src/storage/schema-migrations.js";

/** The storage a schema upgrade needs: SQL and synchronous transactions. */
export type UpgradableStorage = Pick<DurableObjectStorage, "sql" | "transactionSync">;

/** What {@link upgradeSchema} found and did. */
export interface SchemaUpgrade {
  /** The version the object was at (0: empty storage). */
  from: number;
  /** The version it is at now. */
  to: number;
  /** Versions whose statements ran, in order. */
  applied: number[];
  /** Whether a pre-version object was recognised as version 1 (its DDL not run again). */
  recognised: boolean;
}

/**
 * One row per version the object reached: `how` is `applied` (its statements ran here) or
 * `recognised` (the object was created before versions were recorded, by that schema).
 * Workerd refuses `PRAGMA user_version` (SQLITE_AUTH), so the version lives in a table.
 */
const VERSION_TABLE = `CREATE TABLE schema_migration (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  how TEXT NOT NULL
)`;

/**
 * Brings an object's SQLite schema to the latest version of its kind, on construction. An
 * object at the latest version costs one read and runs no DDL. Otherwise each missing
 * migration runs in its own storage transaction with the row that records it, in order: a
 * migration that fails leaves the schema and version as the previous one left them, and the
 * error propagates (the object does not start on a half-upgraded schema).
 *
 * @example
 * upgradeSchema(ctx.storage, AGENT_SCHEMA); // { from: 1, to: 2, applied: [2], recognised: false }
 */
export function upgradeSchema(storage: UpgradableStorage, history: SchemaHistory): SchemaUpgrade {
  const sql = storage.sql;
  const stored = storedVersion(sql);
  const from = stored ?? (hasTable(sql, history.legacyMarker) ? 1 : 0);
  const pending = pendingMigrations(history, from);
  const upgrade: SchemaUpgrade = {
    from,
    to: Math.max(from, latestVersion(history)),
    applied: [],
    recognised: false,
  };
  if (stored === undefined && from === 1) {
    const first = history.migrations[0];
    storage.transactionSync(() => {
      sql.exec(VERSION_TABLE);
      recordVersion(sql, 1, first?.name ?? "", "recognised");
    });
    upgrade.recognised = true;
  }
  for (const migration of pending) {
    storage.transactionSync(() => {
      if (migration.version === 1) sql.exec(VERSION_TABLE);
      for (const statement of migration.statements) sql.exec(statement);
      recordVersion(sql, migration.version, migration.name, "applied");
    });
    upgrade.applied.push(migration.version);
  }
  return upgrade;
}

/** The object's recorded version; undefined when it has none (empty, or pre-version). */
export function storedVersion(sql: SqlStorage): number | undefined {
  try {
    return (
      sql.exec<{ v: number | null }>("SELECT MAX(version) AS v FROM schema_migration").one().v ?? 0
    );
  } catch (error) {
    // The one read on the path every wake takes; the table is missing only before the first
    // upgrade, which the slower check below confirms.
    if (hasTable(sql, "schema_migration")) throw error;
    return undefined;
  }
}

function hasTable(sql: SqlStorage, name: string): boolean {
  return (
    sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", name).toArray()
      .length > 0
  );
}

function recordVersion(sql: SqlStorage, version: number, name: string, how: string): void {
  sql.exec(
    "INSERT INTO schema_migration (version, name, how) VALUES (?, ?, ?)",
    version,
    name,
    how,
  );
}
