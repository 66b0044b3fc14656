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
  evictAgents,
  getHead,
  getRecord,
  getTxStatus,
  getVerify,
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

const _ADMITTED = new Set<string>([...CLIENT_TX_TYPES, "session_start"]);

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
    // (The last turn's: an agent's first entry also writes its metrics row, once.)
    const written =
      (costs?.rows_written_per_admission.last ?? Number.NaN) +
      (costs?.rows_written_per_turn.last ?? Number.NaN);
    // The target: a complete turn writes its entries and at most two rows more
    expect(written).toBeLessThanOrEqual(last.length + 2);
    // The admission: its entry and its transaction id's index row (the metadata row is not
    // rewritten; a woken object catches up from the record)
    expect(costs?.rows_written_per_admission.last).toBe(2);
    // The turn: the answer and the reply in one transaction, one row each (neither is
    // indexed: no one looks either up by id), and the head
    expect(costs?.rows_written_per_turn.last).toBe(turnEntries.length + 1);
    expect(costs?.rows_read_per_admission.mean).toBeLessThanOrEqual(3);

    // Every admitted transaction is still found by its id, through the partial index
    for (const txId of txIds) {
      expect(await getTxStatus(token, agentId, txId)).toMatchObject({ status: "processed" });
    }
    const plan = await runInDurableObject(agentStub(ORG, agentId), (_instance, state) =>
      state.storage.sql
        .exec<{ detail: string }>(
          `EXPLAIN QUERY PLAN SELECT seq, tx_type FROM record WHERE tx_id = ? AND ${ADMITTED_TX_TYPES_TERM} ORDER BY seq LIMIT 1`,
          "x",
        )
        .toArray()
        .map((row) => row.detail),
    );
    expect(plan.join(" ")).toContain("record_admitted_tx_id");
  });

  it("writes no metadata row for an admission committed with its entry, and a woken object takes the head, count and open turn from the record", async () => {
    scriptModel(({ request }) => finalText(request.model, "answered"));
    const agentId = await createAgent(token);
    const triggers = [
      await submitTx(token, { agent_id: agentId, kind: "trigger", text: "one" }),
      await submitTx(token, { agent_id: agentId, kind: "trigger", text: "two" }),
    ];
    const row = () =>
      runInDurableObject(agentStub(ORG, agentId), (_instance, state) =>
        state.storage.sql
          .exec<{ head_seq: number; admissions: number; open_turn_seq: number | null }>(
            "SELECT head_seq, admissions, open_turn_seq FROM agent",
          )
          .one(),
      );
    // Both committed as they were admitted; the row has the head of the first (whose commit
    // also began the agent's metrics checkpoint, which rides on the row), not the second's
    expect((await getRecord(token, agentId)).map((e) => e.tx.tx_type)).toEqual([
      "trigger",
      "trigger",
    ]);
    expect(await row()).toEqual({ head_seq: 1, admissions: 1, open_turn_seq: null });

    // A new instance over that storage answers the record's head, and goes on from it
    await evictAgents();
    expect(await getHead(token, agentId)).toMatchObject({ head_seq: 2 });
    const prompt = await submitTx(token, { agent_id: agentId, kind: "user_prompt", text: "q" });
    await waitForTx(token, agentId, prompt);
    for (const txId of [...triggers, prompt]) {
      expect(await getTxStatus(token, agentId, txId)).toMatchObject({ status: "processed" });
    }
    expect(await getVerify(token, agentId)).toMatchObject({ ok: true, head_seq: 5 });
    // The turn's commit wrote the row whole: the head, three admissions, no turn open
    expect(await row()).toEqual({ head_seq: 5, admissions: 3, open_turn_seq: null });
  });
});
