import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { textToBase64 } from "../../src/core/base64.js";
import type { Transaction } from "../../src/core/record.js";
import { ProposeRequest, type ProposeResponse } from "../../src/protocol/propose.js";
import { createAnthropicProvider } from "../../src/reasoner/anthropic.js";
import { propose } from "../../src/reasoner/propose.js";
import { fakeAnthropic } from "./fake-anthropic.js";
import { bodyOf, call, type ErrorResponse, mintToken, randomAgentId } from "./helpers.js";

let token: string;

beforeAll(async () => {
  token = await mintToken({ org: "org-propose" });
});

function tx(agentId: string, text: string, overrides: Partial<Transaction> = {}): Transaction {
  return {
    hash: "b".repeat(64),
    agent_id: agentId,
    ts_ms: 1_700_000_000_000,
    tx_type: "user_prompt",
    payload: textToBase64(text),
    ...overrides,
  };
}

function body(text = "What next?"): Record<string, unknown> {
  const agentId = randomAgentId();
  return {
    agent_id: agentId,
    tx: tx(agentId, text),
    record_window: [{ seq: 1, tx_type: "user_prompt", payload_summary: "hello" }],
    limits: { max_proposals: 4, max_tokens: 256, timeout_ms: 30_000 },
  };
}

async function expect400(json: unknown, field: string, rawBody?: string): Promise<void> {
  const response = await call("POST", "/propose", {
    token,
    ...(rawBody === undefined ? { json } : { rawBody }),
  });
  expect(response.status).toBe(400);
  const { error } = await bodyOf<ErrorResponse>(response);
  expect(error.code).toBe("invalid_request");
  expect(error.message.startsWith(field)).toBe(true);
}

describe("POST /propose through the Worker (mock provider)", () => {
  it("answers one reason proposal echoing the prompt, with the model and latency in the trace", async () => {
    const response = await call("POST", "/propose", { token, json: body("Plan the release") });
    expect(response.status).toBe(200);
    const result = await bodyOf<ProposeResponse>(response);
    expect(result.proposals).toEqual([
      { action_kind: "reason", payload: { text: "Mock reply: Plan the release" } },
    ]);
    expect(result.trace.model).toBe("mock");
    expect(result.trace.latency_ms).toBeGreaterThanOrEqual(0);
    expect(result.trace.metadata).toMatchObject({ provider: "mock", stop_reason: "end_turn" });
  });

  it("accepts full record entries in the window and defaults record_window and limits", async () => {
    const agentId = randomAgentId();
    const response = await call("POST", "/propose", {
      token,
      json: { agent_id: agentId, tx: tx(agentId, "hi") },
    });
    expect(response.status).toBe(200);
    expect((await bodyOf<ProposeResponse>(response)).proposals).toHaveLength(1);
  });

  it("refuses a request without a token with 401", async () => {
    const response = await call("POST", "/propose", { json: body() });
    expect(response.status).toBe(401);
    expect((await bodyOf<ErrorResponse>(response)).error.code).toBe("unauthorized");
  });

  it("refuses a malformed agent_id with 400 naming agent_id", async () => {
    await expect400({ ...body(), agent_id: "XYZ" }, "agent_id");
  });

  it("refuses a transaction with a bad field with 400 naming it", async () => {
    const good = body();
    await expect400({ ...good, tx: { ...(good.tx as object), tx_type: "nope" } }, "tx.tx_type");
    await expect400(
      { ...good, tx: { ...(good.tx as object), agent_id: "c".repeat(64) } },
      "tx.agent_id",
    );
  });

  it("refuses a payload that is not standard base64 with 400 naming tx.payload", async () => {
    const good = body();
    await expect400(
      { ...good, tx: { ...(good.tx as object), payload: "not base64!" } },
      "tx.payload",
    );
  });

  it("refuses limits out of range with 400 naming the limit", async () => {
    await expect400({ ...body(), limits: { max_proposals: 0 } }, "limits.max_proposals");
    await expect400({ ...body(), limits: { max_tokens: 10_000_000 } }, "limits.max_tokens");
    await expect400({ ...body(), limits: { timeout_ms: 5 } }, "limits.timeout_ms");
  });

  it("refuses a malformed record window item with 400 naming its index", async () => {
    await expect400({ ...body(), record_window: [{ seq: 0 }] }, "record_window.0");
  });

  it("refuses a body that is not JSON with 400", async () => {
    await expect400(undefined, "request body", "{not json");
  });
});

describe("propose service against the fake Anthropic API", () => {
  beforeEach(() => fakeAnthropic.reset());

  const provider = () =>
    createAnthropicProvider({
      apiKey: "sk-fake",
      baseURL: fakeAnthropic.url,
      model: "claude-test",
      sleep: async () => {},
    });

  const request = (maxProposals?: number) =>
    ProposeRequest.parse({
      ...body("Read a.txt"),
      limits: maxProposals === undefined ? {} : { max_proposals: maxProposals },
    });

  it("given 529 on every attempt, then it answers no proposals with the error and attempts in the trace", async () => {
    await fakeAnthropic.script([
      { kind: "error", status: 529 },
      { kind: "error", status: 529 },
      { kind: "error", status: 529 },
    ]);
    const result = await propose(request(), { provider: provider(), now: Date.now });
    expect(result.proposals).toEqual([]);
    expect(result.trace.model).toBe("claude-test");
    expect(result.trace.metadata).toMatchObject({
      provider: "anthropic",
      error: { code: "overloaded", message: expect.any(String) },
    });
    expect(result.trace.metadata.attempts).toHaveLength(3);
  });

  it("given a 402, then it answers no proposals with insufficient_credits after one attempt", async () => {
    await fakeAnthropic.script([{ kind: "error", status: 402 }]);
    const result = await propose(request(), { provider: provider(), now: Date.now });
    expect(result.proposals).toEqual([]);
    expect(result.trace.metadata.error).toMatchObject({ code: "insufficient_credits" });
    expect(await fakeAnthropic.requests()).toHaveLength(1);
  });

  it("given text and tool_use blocks, then the text is one reason proposal and each tool call a decide proposal, in order", async () => {
    await fakeAnthropic.script([
      {
        kind: "reply",
        content: [
          { type: "thinking", thinking: "Look first.", signature: "sig" },
          { type: "text", text: "Reading both files." },
          { type: "tool_use", id: "toolu_1", name: "read_file", input: { path: "a.txt" } },
          { type: "tool_use", id: "toolu_2", name: "read_file", input: { path: "b.txt" } },
        ],
      },
    ]);
    const result = await propose(request(), { provider: provider(), now: Date.now });
    expect(result.proposals).toEqual([
      { action_kind: "reason", payload: { text: "Reading both files." } },
      {
        action_kind: "decide",
        payload: { tool_use_id: "toolu_1", tool: "read_file", args: { path: "a.txt" } },
        rationale: "model called tool read_file",
      },
      {
        action_kind: "decide",
        payload: { tool_use_id: "toolu_2", tool: "read_file", args: { path: "b.txt" } },
        rationale: "model called tool read_file",
      },
    ]);
    expect(result.trace.metadata).toMatchObject({ stop_reason: "tool_use" });
    const [seen] = await fakeAnthropic.requests();
    expect(seen?.body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Read a.txt" }] },
    ]);
    expect(JSON.stringify(seen?.body.system)).toContain("#1 user_prompt: hello");
  });

  it("given more proposals than limits.max_proposals, then the list is cut and the rest counted", async () => {
    await fakeAnthropic.script([
      {
        kind: "reply",
        content: [
          { type: "text", text: "Two reads." },
          { type: "tool_use", id: "toolu_1", name: "read_file", input: { path: "a.txt" } },
          { type: "tool_use", id: "toolu_2", name: "read_file", input: { path: "b.txt" } },
        ],
      },
    ]);
    const result = await propose(request(2), { provider: provider(), now: Date.now });
    expect(result.proposals.map((p) => p.action_kind)).toEqual(["reason", "decide"]);
    expect(result.trace.metadata.dropped_proposals).toBe(1);
  });
});
