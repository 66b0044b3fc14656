/** An automaton subscribed to a project's `task_ready` events, and the agent that runs it. */
export interface TaskReadySubscription extends Record<string, SqlStorageValue> {
  automaton_id: string;
  agent_id: string;
}

/** A `task_ready` delivery owed to a subscribed automaton's agent. */
export interface OwedDelivery extends Record<string, SqlStorageValue> {
  id: number;
  automaton_id: string;
  agent_id: string;
  task_id: string;
  project_seq: number;
}

/**
 * Subscribes an automaton (a repeat changes nothing).
 *
 * @example
 * insertSubscription(sql, { automaton_id, agent_id }, Date.now());
 */
export function insertSubscription(sql: SqlStorage, sub: TaskReadySubscription, now: number): void {
  sql.exec(
    "INSERT OR IGNORE INTO task_ready_subscription (automaton_id, agent_id, created_at) VALUES (?, ?, ?)",
    sub.automaton_id,
    sub.agent_id,
    now,
  );
}

/** Removes a subscription and every delivery still owed to it. */
export function deleteSubscription(sql: SqlStorage, automatonId: string): void {
  sql.exec("DELETE FROM task_ready_subscription WHERE automaton_id = ?", automatonId);
  sql.exec("DELETE FROM task_ready_outbox WHERE automaton_id = ?", automatonId);
}

/** Every subscription, oldest first. */
export function selectSubscriptions(sql: SqlStorage): TaskReadySubscription[] {
  return sql
    .exec<TaskReadySubscription>(
      "SELECT automaton_id, agent_id FROM task_ready_subscription ORDER BY created_at, automaton_id",
    )
    .toArray();
}

/**
 * Owes every subscriber one delivery per task that became ready in entry `projectSeq` (in the
 * caller's transaction, beside that entry). Returns how many were owed.
 *
 * @example
 * oweDeliveries(sql, ["9f…"], head.head_seq); // 2 with two subscribers
 */
export function oweDeliveries(
  sql: SqlStorage,
  taskIds: readonly string[],
  projectSeq: number,
): number {
  const subs = selectSubscriptions(sql);
  for (const sub of subs) {
    for (const taskId of taskIds) {
      sql.exec(
        `INSERT OR IGNORE INTO task_ready_outbox (automaton_id, agent_id, task_id, project_seq)
         VALUES (?, ?, ?, ?)`,
        sub.automaton_id,
        sub.agent_id,
        taskId,
        projectSeq,
      );
    }
  }
  return subs.length * taskIds.length;
}

/** The deliveries still owed, in the order they were owed. */
export function selectOwed(sql: SqlStorage, limit: number): OwedDelivery[] {
  return sql
    .exec<OwedDelivery>(
      "SELECT id, automaton_id, agent_id, task_id, project_seq FROM task_ready_outbox ORDER BY id LIMIT ?",
      limit,
    )
    .toArray();
}

/** A delivery the agent admitted: owed no more. */
export function deleteOwed(sql: SqlStorage, id: number): void {
  sql.exec("DELETE FROM task_ready_outbox WHERE id = ?", id);
}
