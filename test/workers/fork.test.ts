import { runInDurableObject } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { RecordEntry } from "../../src/core/record.js";
import {
  agentStub,
  bodyOf,
  call,
  createAgent,
  type ErrorResponse,
  getHead,
  getRecord,
  getVerify,
  mintToken,
  payloadText,
  submitTx,
  waitFor,
  waitForHead,
  waitForTx,
} from "./helpers.js";
import { holdModelCalls } from "./model-spy.js";

const ORG = "org-fork";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG });
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function fork(agentId: string, atSeq: unknown, as = token): Promise<Response> {
  return call("POST", `/agents/${agentId}/fork`, { token: as, json: { at_seq: atSeq } });
}

/** An agent with two finished turns and a trigger: 7 entries. */
async function agentWithHistory(): Promise<string> {
  const agentId = await createAgent(token, { system_prompt: "be brief" });
  await waitForTx(
    token,
    agentId,
    await submitTx(token, { agent_id: agentId, kind: "user_prompt", text: "one" }),
  );
  await waitForTx(
    token,
    agentId,
    await submitTx(token, { agent_id: agentId, kind: "user_prompt", text: "two" }),
  );
  await waitForTx(
    token,
    agentId,
    await submitTx(token, { agent_id: agentId, kind: "trigger", text: "t" }),
  );
  await waitForHead(token, agentId, 7);
  return agentId;
}

describe("POST /agents/:id/fork", () => {
  it("creates an agent whose first N entries are the source's, byte for byte, and which verifies", async () => {
    // Given an agent with 7 entries
    const source = await agentWithHistory();
    const original = await getRecord(token, source);

    // When it is forked at seq 6 (after the second turn)
    const response = await fork(source, 6);

    // Then the fork exists, holds entries 1..6 with the same hashes, and verifies
    expect(response.status).toBe(201);
    const { agent_id: forkId } = await bodyOf<{ agent_id: string }>(response);
    expect(forkId).not.toBe(source);
    const copied = await getRecord(token, forkId);
    expect(copied).toEqual(original.slice(0, 6));
    expect(await getHead(token, forkId)).toMatchObject({
      head_seq: 6,
      head_hash: original[5]?.hash,
      status: "active",
    });
    expect(await getVerify(token, forkId)).toEqual({ ok: true, head_seq: 6, checked: 6 });
    const listed = await bodyOf<Array<{ agent_id: string }>>(
      await call("GET", "/agents", { token }),
    );
    expect(listed.map((a) => a.agent_id)).toContain(forkId);
  });

  it("lets the fork and the source continue independently", async () => {
    // Given a fork at seq 3 of an agent with 7 entries
    const source = await agentWithHistory();
    const before = await getRecord(token, source);
    const { agent_id: forkId } = await bodyOf<{ agent_id: string }>(await fork(source, 3));

    // When the fork gets a new prompt
    const txId = await submitTx(token, { agent_id: forkId, kind: "user_prompt", text: "branch" });

    // Then the fork's turn is recorded after its prefix, and the source is untouched
    expect(await waitForTx(token, forkId, txId)).toMatchObject({ status: "processed", seq: 4 });
    const forked = await getRecord(token, forkId);
    expect(forked.map((e) => e.tx.tx_type)).toEqual([
      "user_prompt",
      "reasoning",
      "agent_msg",
      "user_prompt",
      "reasoning",
      "agent_msg",
    ]);
    expect(forked[3]?.prev_hash).toBe(before[2]?.hash);
    expect(payloadText(forked[5] as RecordEntry)).toBe("Mock reply: branch");
    expect(await getVerify(token, forkId)).toMatchObject({ ok: true, head_seq: 6 });
    expect(await getRecord(token, source)).toEqual(before);
  });

  it("finishes a turn the prefix leaves open from what it recorded, without calling the model", async () => {
    // Given an agent paused after recording the model's answer but before its reply
    const source = await createAgent(token);
    const model = holdModelCalls();
    await submitTx(token, { agent_id: source, kind: "user_prompt", text: "half" });
    await waitFor("the model call", async () => (model.spy.mock.calls.length ? true : undefined));
    await call("POST", `/agents/${source}/pause`, { token });
    model.release();
    await waitForHead(token, source, 2);

    // When it is forked at seq 2
    const { agent_id: forkId } = await bodyOf<{ agent_id: string }>(await fork(source, 2));

    // Then the fork finishes that turn by itself from the recorded answer
    await waitForHead(token, forkId, 3);
    const entries = await getRecord(token, forkId);
    expect(entries.map((e) => e.tx.tx_type)).toEqual(["user_prompt", "reasoning", "agent_msg"]);
    expect(payloadText(entries[2] as RecordEntry)).toBe("Mock reply: half");
    expect(model.spy).toHaveBeenCalledTimes(1);
    expect(await getVerify(token, forkId)).toMatchObject({ ok: true, head_seq: 3 });
  });

  it("refuses at_seq past the head, below 1 or not a number, with 400 naming at_seq", async () => {
    const source = await agentWithHistory();
    for (const atSeq of [8, 0, -1, 1.5, "3", null]) {
      const response = await fork(source, atSeq);
      expect(response.status, String(atSeq)).toBe(400);
      const body = await bodyOf<ErrorResponse>(response);
      expect(body.error.code).toBe("invalid_request");
      expect(body.error.message).toMatch(/^at_seq/);
    }
  });

  it("does not fork another org's agent", async () => {
    const source = await agentWithHistory();
    const other = await mintToken({ org: "org-fork-other" });
    const response = await fork(source, 2, other);
    expect(response.status).toBe(404);
    expect((await bodyOf<ErrorResponse>(response)).error.code).toBe("not_found");
  });

  it("refuses to fork from a record that does not verify, naming the bad seq", async () => {
    // Given an agent whose stored entry 2 was altered behind SQLite's back
    const source = await agentWithHistory();
    await runInDurableObject(agentStub(ORG, source), (_instance, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP TRIGGER record_no_update");
      sql.exec("UPDATE record SET hash = ? WHERE seq = 2", "f".repeat(64));
    });

    // When it is forked past that entry, then nothing is created
    const response = await fork(source, 5);
    expect(response.status).toBe(409);
    expect((await bodyOf<ErrorResponse>(response)).error.message).toContain("seq 2");
  });
});
