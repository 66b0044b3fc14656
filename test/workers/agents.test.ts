import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ZERO_HASH } from "../../src/core/hash.js";
import type { AgentSummary } from "../../src/protocol/agents.js";
import {
  agentStub,
  bodyOf,
  call,
  createAgent,
  getHead,
  getRecord,
  getTxStatus,
  mintToken,
  NO_FILES_CHANGED,
  randomAgentId,
  submitTx,
  waitForHead,
  waitForTx,
} from "./helpers.js";
import { finalText, scriptModel } from "./scripted-model.js";

const ORG = "org-agents";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG });
});

describe("agents", () => {
  it("creates an agent with 201 and lists it with its head, status and creation time", async () => {
    // When an agent is created
    const before = Date.now();
    const response = await call("POST", "/agents", {
      token,
      json: { name: "lister", system_prompt: "be brief" },
    });
    const after = Date.now();

    // Then it has a fresh id and appears in the org's list
    expect(response.status).toBe(201);
    const { agent_id } = await bodyOf<{ agent_id: string }>(response);
    expect(agent_id).toMatch(/^[0-9a-f]{64}$/);

    const list = await bodyOf<AgentSummary[]>(await call("GET", "/agents", { token }));
    const listed = list.find((a) => a.agent_id === agent_id);
    expect(listed).toMatchObject({ agent_id, head_seq: 0, status: "active" });
    expect(listed?.created_at).toBeGreaterThanOrEqual(before);
    expect(listed?.created_at).toBeLessThanOrEqual(after);
  });

  it("lists each agent with the name it was created with, and without one when none was given", async () => {
    // Given an agent created with a name and one created without
    const named = await createAgent(token, { name: "Ada's reviewer" });
    const unnamed = await createAgent(token);

    // When the org lists its agents
    const list = await bodyOf<AgentSummary[]>(await call("GET", "/agents", { token }));

    // Then the first carries its name and the second has no name field
    expect(list.find((a) => a.agent_id === named)).toMatchObject({ name: "Ada's reviewer" });
    const bare = list.find((a) => a.agent_id === unnamed);
    expect(bare).toBeDefined();
    expect(bare).not.toHaveProperty("name");
  });

  it("lists an agent created by its first transaction", async () => {
    // Given an agent created implicitly by POST /tx
    const agentId = randomAgentId();
    const txId = await submitTx(token, { agent_id: agentId, kind: "system", text: "boot" });
    await waitForTx(token, agentId, txId);

    // When the org lists its agents
    const list = await bodyOf<AgentSummary[]>(await call("GET", "/agents", { token }));

    // Then the agent is there with its head
    expect(list.find((a) => a.agent_id === agentId)).toMatchObject({ head_seq: 1 });
  });

  describe("last activity and tokens", () => {
    afterEach(() => vi.restoreAllMocks());

    it("lists when the record last grew and the tokens of every recorded model answer", async () => {
      // Given an agent that has not run yet
      const agentId = await createAgent(token, { name: "counted" });
      const fresh = await bodyOf<AgentSummary[]>(await call("GET", "/agents", { token }));
      const before = fresh.find((a) => a.agent_id === agentId);
      expect(before).not.toHaveProperty("last_activity_ms");
      expect(before?.tokens).toEqual({ input_tokens: 0, output_tokens: 0 });

      // When it answers two prompts (each answer 10 tokens in, 5 out)
      scriptModel(({ request }) => finalText(request.model, "noted"));
      for (const text of ["one", "two"]) {
        const txId = await submitTx(token, { agent_id: agentId, kind: "user_prompt", text });
        expect((await waitForTx(token, agentId, txId)).status).toBe("processed");
      }

      // Then the list counts both answers and dates the head entry
      const head = await getHead(token, agentId);
      const [last] = await getRecord(token, agentId, { from_seq: head.head_seq, limit: 1 });
      const list = await bodyOf<AgentSummary[]>(await call("GET", "/agents", { token }));
      const listed = list.find((a) => a.agent_id === agentId);
      expect(listed?.tokens).toEqual({ input_tokens: 20, output_tokens: 10 });
      expect(listed?.last_activity_ms).toBe(last?.tx.ts_ms);
    });
  });

  it("refuses an unknown setting with 400", async () => {
    const response = await call("POST", "/agents", { token, json: { colour: "blue" } });

    expect(response.status).toBe(400);
  });

  it("reports the head of a new agent as seq 0 with the zero hash, then the last entry", async () => {
    // Given a new agent
    const agentId = await createAgent(token);

    // Then its head is empty
    expect(await getHead(token, agentId)).toEqual({
      agent_id: agentId,
      head_seq: 0,
      head_hash: ZERO_HASH,
      status: "active",
    });

    // When a transaction is committed, the head is that entry
    const txId = await submitTx(token, { agent_id: agentId, kind: "trigger", text: "tick" });
    await waitForTx(token, agentId, txId);
    const [entry] = await getRecord(token, agentId);
    expect(await getHead(token, agentId)).toEqual({
      agent_id: agentId,
      head_seq: 1,
      head_hash: entry?.hash,
      status: "active",
    });
  });

  it("answers the head of an agent that does not exist with 404", async () => {
    const response = await call("GET", `/agents/${randomAgentId()}/head`, { token });

    expect(response.status).toBe(404);
  });
});

describe("pause and resume", () => {
  it("answer with the agent id and its new status", async () => {
    const agentId = await createAgent(token);

    const paused = await call("POST", `/agents/${agentId}/pause`, { token });
    expect(paused.status).toBe(200);
    expect(await paused.json()).toEqual({ agent_id: agentId, status: "paused" });
    expect((await getHead(token, agentId)).status).toBe("paused");

    const resumed = await call("POST", `/agents/${agentId}/resume`, { token });
    expect(resumed.status).toBe(200);
    expect(await resumed.json()).toEqual({ agent_id: agentId, status: "active" });
    expect((await getHead(token, agentId)).status).toBe("active");
  });

  it("let a paused agent admit a transaction without processing it until resumed", async () => {
    // Given a paused agent
    const agentId = await createAgent(token);
    await call("POST", `/agents/${agentId}/pause`, { token });

    // When a prompt is posted and the agent's alarm runs
    const response = await call("POST", "/tx", {
      token,
      json: { agent_id: agentId, kind: "user_prompt", payload: btoa("wait for me") },
    });
    expect(response.status).toBe(202);
    const { tx_id } = await bodyOf<{ tx_id: string }>(response);
    await runDurableObjectAlarm(agentStub(ORG, agentId));

    // Then the transaction is pending and nothing is recorded
    expect(await getTxStatus(token, agentId, tx_id)).toEqual({ tx_id, status: "pending" });
    expect((await getHead(token, agentId)).head_seq).toBe(0);

    // When the agent is resumed, the transaction is processed and its turn completes
    await call("POST", `/agents/${agentId}/resume`, { token });
    expect(await waitForTx(token, agentId, tx_id)).toEqual({
      tx_id,
      status: "processed",
      seq: 1,
      files_changed: NO_FILES_CHANGED,
    });
    await waitForHead(token, agentId, 3);
    const types = (await getRecord(token, agentId)).map((e) => e.tx.tx_type);
    expect(types).toEqual(["user_prompt", "reasoning", "agent_msg"]);
  });
});
