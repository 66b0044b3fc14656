import { DurableObject } from "cloudflare:workers";

/**
 * One per org: the list of agents the org owns. Agents register themselves when created;
 * their live state (head, status) stays in each agent.
 */
export class DirectoryDO extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS agents (agent_id TEXT PRIMARY KEY, created_at INTEGER NOT NULL)",
    );
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
