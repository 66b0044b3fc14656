import type { TaskReadyEvent } from "../../src/protocol/automatons.js";
import { agentStub } from "../stubs.js";
import { deleteOwed, deleteSubscription, selectOwed } from "./task-ready-table.js";

/** Deliveries sent in one pass; what is left waits for the next alarm. */
const BATCH = 100;
/** How long a failed delivery waits before it is tried again. */
export const RETRY_MS = 1_000;

/**
 * Delivers the `task_ready` events the project owes, oldest first, each to the agent of the
 * automaton subscribed: the agent admits it as a `trigger` under a key of the change, so a
 * re-delivery is recorded once. An agent that answers the automaton is gone (stopped,
 * finished, never there, or of another org) ends the subscription. Returns true when nothing
 * is owed any more; false when a delivery failed or more are left (the caller re-arms).
 *
 * @example
 * if (!(await deliverOwed(env, sql, meta))) await storage.setAlarm(Date.now() + RETRY_MS);
 */
export async function deliverOwed(
  env: Env,
  sql: SqlStorage,
  project: { org: string; project_id: string },
): Promise<boolean> {
  const owed = selectOwed(sql, BATCH);
  let failed = false;
  for (const row of owed) {
    const event: TaskReadyEvent = {
      event: "task_ready",
      project_id: project.project_id,
      task_id: row.task_id,
      project_seq: row.project_seq,
    };
    try {
      const address = { org: project.org, agent_id: row.agent_id };
      const answer = await agentStub(env, project.org, row.agent_id).deliverTaskReady(
        address,
        row.automaton_id,
        event,
      );
      if (!answer.ok) {
        failed = true;
        continue;
      }
      if (answer.subscribed) deleteOwed(sql, row.id);
      else deleteSubscription(sql, row.automaton_id);
    } catch {
      failed = true;
    }
  }
  return !failed && owed.length < BATCH;
}
