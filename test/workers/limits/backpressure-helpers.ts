import type { RecordEntry } from "../../../src/core/record.js";
import { agentStub, call, mintToken, randomAgentId, waitFor } from "../helpers.js";

/**
 * A fresh org and its token: each test counts against its own org's request limit
 * (`ORG_RATE_LIMIT`), so tests of this project never limit each other.
 */
export async function freshOrg(): Promise<{ org: string; token: string }> {
  const org = `org-limits-${randomAgentId().slice(0, 12)}`;
  return { org, token: await mintToken({ org }) };
}

/** The agent's whole record, read from its object (not through the rate-limited API). */
export async function recordOf(org: string, agentId: string): Promise<RecordEntry[]> {
  const page = await agentStub(org, agentId).record({ org, agent_id: agentId }, 1, 1000);
  if (!page.ok) throw new Error(`record of ${agentId} refused`);
  return JSON.parse(page.json) as RecordEntry[];
}

/** Waits, reading the object directly, until every transaction in `txIds` is processed. */
export function waitProcessed(org: string, agentId: string, txIds: readonly string[]) {
  return waitFor(`${txIds.length} transactions to be processed`, async () => {
    const stub = agentStub(org, agentId);
    for (const txId of txIds) {
      const status = await stub.txStatus({ org, agent_id: agentId }, txId);
      if (!status.ok || status.status !== "processed") return undefined;
    }
    return true;
  });
}

/** `POST /agents/:id/pause` or `/resume`, which must succeed. */
export async function setPaused(token: string, agentId: string, paused: boolean): Promise<void> {
  const response = await call("POST", `/agents/${agentId}/${paused ? "pause" : "resume"}`, {
    token,
  });
  if (response.status !== 200) throw new Error(`pause/resume answered ${response.status}`);
}
