import type { SchemaHistory } from "../src/storage/schema-migrations.js";

/**
 * The DirectoryDO's schema history (append-only: add a migration, never edit a shipped one):
 * the org's agents and projects, each with when it was registered.
 */
export const DIRECTORY_SCHEMA: SchemaHistory = {
  kind: "directory",
  legacyMarker: "agents",
  migrations: [
    {
      version: 1,
      name: "agents and projects",
      statements: [
        "CREATE TABLE IF NOT EXISTS agents (agent_id TEXT PRIMARY KEY, created_at INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS projects (project_id TEXT PRIMARY KEY, created_at INTEGER NOT NULL)",
      ],
    },
  ],
};
