import { expect } from "vitest";
import type { RecordEntry } from "../../src/core/record.js";
import { bodyOf, call, getRecord, payloadJson, submitTx, waitForTx } from "./helpers.js";

/**
 * `GET /projects/:id/record`: the project's entries.
 *
 * @example
 * const entries = await projectRecord(token, project.id);
 */
export async function projectRecord(token: string, projectId: string): Promise<RecordEntry[]> {
  return bodyOf<RecordEntry[]>(await call("GET", `/projects/${projectId}/record`, { token }));
}

/**
 * The `tool_execution` entries of an agent's record, as JSON.
 *
 * @example
 * const [first] = await executions(token, agentId); // { tool, decision, result, … }
 */
export async function executions(
  token: string,
  agentId: string,
): Promise<Array<Record<string, unknown>>> {
  const entries = await getRecord(token, agentId);
  return entries.filter((e) => e.tx.tx_type === "tool_execution").map(payloadJson);
}

/**
 * Submits one prompt and waits until its turn has been processed.
 *
 * @example
 * await runPrompt(token, agentId, "plan the shop");
 */
export async function runPrompt(token: string, agentId: string, text: string): Promise<void> {
  const txId = await submitTx(token, { agent_id: agentId, kind: "user_prompt", text });
  expect((await waitForTx(token, agentId, txId)).status).toBe("processed");
}
