import { runInDurableObject } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ADMITTED_TX_TYPES_TERM } from "../../durable-objects/agent/record-table.js";
import { CLIENT_TX_TYPES } from "../../src/core/record.js";
import type { AgentMetrics } from "../../src/protocol/metrics.js";
import {
  agentStub,
  bodyOf,
  call,
  createAgent,
  getRecord,
  getTxStatus,
  mintToken,
  submitTx,
  waitForTx,
} from "./helpers.js";
import { finalText, scriptModel } from "./scripted-model.js";

const ORG = "org-turn-cost";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG });
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function metricsOf(agentId: string): Promise<AgentMetrics> {
  const res = await call("GET", `/agents/${agentId}/metrics`, { token });
  expect(res.status).toBe(200);
  return bodyOf<AgentMetrics>(res);
}

const ADMITTED = new Set<string>([...CLIENT_TX_TYPES, "session_start"]);

describe("what a turn costs in storage rows", () => {
  it("indexes the transaction id of admitted entries only: a model answer is one row", async () => {
    scriptModel(({ request }) => finalText(request.model, "answered"));
    const agentId = await createAgent(token);
    const turns = 4;
    const txIds: string[] = [];
    for (let i = 0; i < turns; i++) {
      const txId = await submitTx(token, { agent_id: agentId, kind: "user_prompt", text: `q${i}` });
      await waitForTx(token, agentId, txId);
      txIds.push(txId);
    }
    const record = await getRecord(token, agentId);
    const last = record.slice(-3);
    expect(last.map((e) => e.tx.tx_type)).toEqual(["user_prompt", "reasoning", "agent_msg"]);
    const { costs } = await metricsOf(agentId);
    expect(costs?.turns).toBe(turns);
    // The turn commits the answer and the reply in one transaction: one row each, an index
    // row for the reply's transaction id (an agent_msg, a kind agents also admit), the
    // agent_msg index row (version 2) and the head. The answer has no index row.
    const turnEntries = last.slice(1);
    const indexRows = turnEntries.filter((e) => ADMITTED.has(e.tx.tx_type)).length;
    const replyRows = turnEntries.filter((e) => e.tx.tx_type === "agent_msg").length;
    expect(costs?.rows_written_per_turn.last).toBe(turnEntries.length + indexRows + replyRows + 1);
    // The admission: its entry, its transaction id's index row and the head.
    expect(costs?.rows_written_per_admission.last).toBe(3);
    expect(costs?.rows_read_per_admission.mean).toBeLessThanOrEqual(3);

    // Every admitted transaction is still found by its id, through the partial index
    for (const txId of txIds) {
      expect(await getTxStatus(token, agentId, txId)).toMatchObject({ status: "processed" });
    }
    const plan = await runInDurableObject(agentStub(ORG, agentId), (_instance, state) =>
      state.storage.sql
        .exec<{ detail: string }>(
          `EXPLAIN QUERY PLAN SELECT seq FROM record WHERE tx_id = ? AND ${ADMITTED_TX_TYPES_TERM} ORDER BY seq LIMIT 1`,
          "x",
        )
        .toArray()
        .map((row) => row.detail),
    );
    expect(plan.join(" ")).toContain("record_admitted_tx_id");
  });
});
