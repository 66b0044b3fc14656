import { AuraError } from "../core/errors.js";

/**
 * Numbered schema migrations for a Durable Object's SQLite storage: the pure part — what a
 * migration is, which ones an object at a given version still needs, and the checks that
 * keep a kind's list well-formed. The SQL that applies them is
 * `durable-objects/schema-upgrade.ts`.
 */

/** One step of an object kind's schema, applied once, in its own storage transaction. */
export interface Migration {
  /** 1, 2, 3…: the schema version the object is at once this step is applied. */
  readonly version: number;
  /** What the step does, kept beside its version in the object's storage. */
  readonly name: string;
  /** DDL (and any data moves), run in order. */
  readonly statements: readonly string[];
}

/**
 * The schema history of one kind of object (agent, project, directory): its migrations,
 * append-only, in order. `legacyMarker` is a table migration 1 creates: an object that has
 * it but no recorded version was created before versions were recorded, and holds exactly
 * migration 1's schema.
 */
export interface SchemaHistory {
  readonly kind: string;
  readonly migrations: readonly Migration[];
  readonly legacyMarker: string;
}

/**
 * Throws an `internal` {@link AuraError} unless the migrations are numbered 1, 2, 3… in
 * order, each with a name and at least one statement: a malformed list is a bug in the
 * deploy, refused before any of it runs.
 *
 * @example
 * assertValidHistory({ kind: "agent", legacyMarker: "agent", migrations: [m1, m2] });
 */
export function assertValidHistory(history: SchemaHistory): void {
  history.migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw invalid(history, `migration at position ${index + 1} is numbered ${migration.version}`);
    }
    if (migration.name.trim() === "" || migration.statements.length === 0) {
      throw invalid(history, `migration ${migration.version} has no name or no statement`);
    }
  });
}

function invalid(history: SchemaHistory, reason: string): AuraError {
  return new AuraError("internal", `schema history of ${history.kind}: ${reason}`);
}

/** The latest version of a kind's schema (0 for an empty list). */
export function latestVersion(history: SchemaHistory): number {
  return history.migrations.length;
}

/**
 * The migrations an object at `version` still needs, in the order they must run. None for an
 * object at the latest version, or ahead of it (a deploy rolled back: migrations only add,
 * so older code keeps working on a newer schema).
 *
 * @example
 * pendingMigrations(history, 1).map((m) => m.version); // [2, 3] for a history of three
 */
export function pendingMigrations(history: SchemaHistory, version: number): Migration[] {
  assertValidHistory(history);
  return history.migrations.slice(Math.max(0, version));
}
