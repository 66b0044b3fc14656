import { DurableObject } from "cloudflare:workers";
import { DIRECTORY_SCHEMA } from "./directory-schema.js";
import { upgradeSchema } from "./schema-upgrade.js";

/**
 * One per org: the list of agents and projects the org owns. Agents register themselves when
 * created; the Worker registers a project before creating it and removes it after deleting
 * it. Live state (head, status, a project's fields) stays in each object.
 */
export class DirectoryDO extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    upgradeSchema(ctx.storage, DIRECTORY_SCHEMA);
  }

  /** Adds a project; registering twice is harmless. */
  registerProject(projectId: string, createdAt: number): void {
    this.ctx.storage.sql.exec(
      "INSERT OR IGNORE INTO projects (project_id, created_at) VALUES (?, ?)",
      projectId,
      createdAt,
    );
  }

  /** Removes a project from the list. */
  unregisterProject(projectId: string): void {
    this.ctx.storage.sql.exec("DELETE FROM projects WHERE project_id = ?", projectId);
  }

  /** The org's project ids in creation order, at most `limit`. */
  listProjects(limit: number): string[] {
    return this.ctx.storage.sql
      .exec<{ project_id: string }>(
        "SELECT project_id FROM projects ORDER BY created_at, project_id LIMIT ?",
        limit,
      )
      .toArray()
      .map((r) => r.project_id);
  }

  /** Adds an agent; registering twice is harmless. */
  register(agentId: string, createdAt: number): void {
    this.ctx.storage.sql.exec(
      "INSERT OR IGNORE INTO agents (agent_id, created_at) VALUES (?, ?)",
      agentId,
      createdAt,
    );
  }

  /** Agents in creation order, after `cursor` (an agent id), at most `limit`. */
  list(after: string | undefined, limit: number): Array<{ agent_id: string; created_at: number }> {
    const sql = this.ctx.storage.sql;
    const rows =
      after === undefined
        ? sql.exec(
            "SELECT agent_id, created_at FROM agents ORDER BY created_at, agent_id LIMIT ?",
            limit,
          )
        : sql.exec(
            `SELECT agent_id, created_at FROM agents
             WHERE (created_at, agent_id) > (SELECT created_at, agent_id FROM agents WHERE agent_id = ?)
             ORDER BY created_at, agent_id LIMIT ?`,
            after,
            limit,
          );
    return rows.toArray() as Array<{ agent_id: string; created_at: number }>;
  }
}

/** The directory of one org. */
export function directoryStub(env: Env, org: string): DurableObjectStub<DirectoryDO> {
  return env.DIRECTORY.get(env.DIRECTORY.idFromName(org));
}
