import { base64ToText } from "../core/base64.js";
import type { Transaction } from "../core/record.js";
import { projectSub } from "../project/task-ready.js";
import { type TaskReadyEvent, TaskReadyEvent as TaskReadySchema } from "../protocol/automatons.js";

/**
 * The `task_ready` event a transaction carries: a `trigger` admitted under the `sub` of the
 * project it names (`project:<id>`), whose payload is a {@link TaskReadyEvent}. Anything else
 * — another type, a payload that does not parse, a project naming another — is undefined.
 *
 * @example
 * taskReadyOf(entry.tx)?.task_id; // the task that became ready
 */
export function taskReadyOf(tx: Transaction): TaskReadyEvent | undefined {
  if (tx.tx_type !== "trigger" || tx.sub === undefined || !tx.sub.startsWith("project:")) {
    return undefined;
  }
  let parsed: ReturnType<typeof TaskReadySchema.safeParse>;
  try {
    parsed = TaskReadySchema.safeParse(JSON.parse(base64ToText(tx.payload)));
  } catch {
    return undefined;
  }
  if (!parsed.success || tx.sub !== projectSub(parsed.data.project_id)) return undefined;
  return parsed.data;
}
