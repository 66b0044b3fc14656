import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { RecordEntry } from "../../src/core/record.js";
import {
  agentStub,
  call,
  createAgent,
  evictAgents,
  getRecord,
  getTxStatus,
  getVerify,
  mintToken,
  NO_FILES_CHANGED,
  payloadText,
  submitTx,
  waitFor,
  waitForHead,
  waitForTx,
} from "./helpers.js";
import { holdModelCalls } from "./model-spy.js";

const ORG = "org-eviction";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Entries that belong to one client transaction: its inbound entry and what it caused. */
function entriesOf(entries: RecordEntry[], txId: string): RecordEntry[] {
  return entries.filter((e) => e.tx.hash === txId || e.tx.reference_tx_hash === txId);
}

describe("eviction", () => {
  it("processes a transaction admitted before an eviction exactly once, by the alarm alone", async () => {
    // Given an agent busy with a first prompt whose model call is still in flight
    const agentId = await createAgent(token);
    const model = holdModelCalls();
    const first = await submitTx(token, { agent_id: agentId, kind: "user_prompt", text: "first" });
    await waitFor("the first model call", async () =>
      model.spy.mock.calls.length ? true : undefined,
    );

    // And a second prompt admitted (202) and still waiting in the inbox
    const second = await submitTx(token, {
      agent_id: agentId,
      kind: "user_prompt",
      text: "second",
    });
    expect((await getTxStatus(token, agentId, second)).status).toBe("pending");

    // When the agent is evicted (the in-flight model call is lost) and only its alarm runs —
    // now if it is still pending, or already by itself; no request but status reads follows
    await evictAgents();
    model.answerFreely();
    await runDurableObjectAlarm(agentStub(ORG, agentId));

    // Then the interrupted turn is finished and the queued prompt processed, once each
    expect(await waitForTx(token, agentId, first)).toEqual({
      tx_id: first,
      status: "processed",
      seq: 1,
      files_changed: NO_FILES_CHANGED,
    });
    expect(await waitForTx(token, agentId, second)).toEqual({
      tx_id: second,
      status: "processed",
      seq: 4,
      files_changed: NO_FILES_CHANGED,
    });
    await waitForHead(token, agentId, 6);
    const entries = await getRecord(token, agentId);
    expect(entries.map((e) => e.tx.tx_type)).toEqual([
      "user_prompt",
      "reasoning",
      "agent_msg",
      "user_prompt",
      "reasoning",
      "agent_msg",
    ]);
    expect(entries.filter((e) => e.tx.hash === second)).toHaveLength(1);
    expect(entriesOf(entries, second).map((e) => e.tx.tx_type)).toEqual([
      "user_prompt",
      "reasoning",
      "agent_msg",
    ]);
    expect(payloadText(entries[5] as RecordEntry)).toBe("Mock reply: second");
    // The lost call is made again (it was never recorded); the second prompt's only once
    expect(model.spy).toHaveBeenCalledTimes(3);
    expect(await getVerify(token, agentId)).toMatchObject({ ok: true, head_seq: 6 });
  });

  it("resumes a turn interrupted after its reasoning entry without calling the model again", async () => {
    // Given a turn whose model call is in flight
    const agentId = await createAgent(token);
    const model = holdModelCalls();
    const txId = await submitTx(token, { agent_id: agentId, kind: "user_prompt", text: "once" });
    await waitFor("the model call", async () => (model.spy.mock.calls.length ? true : undefined));

    // And the agent paused before the answer arrives, so the turn stops after recording it
    await call("POST", `/agents/${agentId}/pause`, { token });
    model.release();
    await waitForHead(token, agentId, 2);
    const interrupted = await getRecord(token, agentId);
    expect(interrupted.map((e) => e.tx.tx_type)).toEqual(["user_prompt", "reasoning"]);

    // When the agent is evicted and then resumed
    await evictAgents();
    const resumed = await call("POST", `/agents/${agentId}/resume`, { token });
    expect(resumed.status).toBe(200);

    // Then the turn finishes from the recorded answer: one reasoning entry, one model call
    await waitForHead(token, agentId, 3);
    const entries = await getRecord(token, agentId);
    expect(entries.map((e) => e.tx.tx_type)).toEqual(["user_prompt", "reasoning", "agent_msg"]);
    expect(entries[1]?.hash).toBe(interrupted[1]?.hash);
    expect(entries[2]?.tx.reference_tx_hash).toBe(txId);
    expect(payloadText(entries[2] as RecordEntry)).toBe("Mock reply: once");
    expect(model.spy).toHaveBeenCalledTimes(1);
    expect(await getVerify(token, agentId)).toMatchObject({ ok: true, head_seq: 3 });
  });

  it("keeps the record and head of an idle agent across an eviction", async () => {
    // Given an agent with a committed transaction
    const agentId = await createAgent(token);
    const txId = await submitTx(token, { agent_id: agentId, kind: "trigger", text: "kept" });
    await waitForHead(token, agentId, 1);
    const before = await getRecord(token, agentId);

    // When it is evicted and a new transaction arrives
    await evictAgents();
    const next = await submitTx(token, { agent_id: agentId, kind: "trigger", text: "after" });
    await waitForHead(token, agentId, 2);

    // Then the new entry extends the same chain
    const after = await getRecord(token, agentId);
    expect(after[0]).toEqual(before[0]);
    expect(after.map((e) => e.tx.hash)).toEqual([txId, next]);
    expect(after[1]?.prev_hash).toBe(before[0]?.hash);
    expect(await getVerify(token, agentId)).toMatchObject({ ok: true, head_seq: 2 });
  });
});
