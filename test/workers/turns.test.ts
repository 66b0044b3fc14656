import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { estimateTokens } from "../../src/agent/token-estimate.js";
import type { RecordEntry } from "../../src/core/record.js";
import { MockProvider } from "../../src/reasoner/mock.js";
import { ModelError, type ModelRequest, type ModelResponse } from "../../src/reasoner/types.js";
import { builtinToolDefinitions } from "../../src/tools/catalog.js";
import { domainToolDefinitions } from "../../src/tools/domain-catalog.js";
import {
  agentStub,
  bodyOf,
  call,
  createAgent,
  type ErrorResponse,
  evictAgents,
  getRecord,
  getVerify,
  mintToken,
  payloadText,
  submitTx,
  waitFor,
  waitForTx,
} from "./helpers.js";
import { recordModelRequests } from "./model-spy.js";

const ORG = "org-turns";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG });
});

afterEach(() => {
  vi.restoreAllMocks();
});

const texts = (request: ModelRequest | undefined) =>
  (request?.messages ?? []).map(
    (m) => `${m.role}:${m.content.map((b) => (b.type === "text" ? b.text : b.type)).join("")}`,
  );

async function prompt(agentId: string, text: string): Promise<void> {
  await waitForTx(
    token,
    agentId,
    await submitTx(token, { agent_id: agentId, kind: "user_prompt", text }),
  );
}

describe("turns", () => {
  it("carries the conversation of earlier turns into the next model call", async () => {
    const agentId = await createAgent(token, { system_prompt: "be brief" });
    const requests = recordModelRequests();
    await prompt(agentId, "one");
    await prompt(agentId, "two");
    expect(texts(requests[1])).toEqual(["user:one", "assistant:Mock reply: one", "user:two"]);
    expect(requests[1]?.system).toBe("be brief");
  });

  it("rebuilds the conversation from the record after an eviction", async () => {
    const agentId = await createAgent(token);
    await prompt(agentId, "one");
    await prompt(agentId, "two");
    await evictAgents();
    const requests = recordModelRequests();
    await prompt(agentId, "three");
    expect(texts(requests[0])).toEqual([
      "user:one",
      "assistant:Mock reply: one",
      "user:two",
      "assistant:Mock reply: two",
      "user:three",
    ]);
  });

  it("finishes a multi-call turn interrupted by an eviction without repeating a recorded call or an entry", async () => {
    // Given a model that first asks for a tool, then holds its second answer
    const agentId = await createAgent(token);
    const original = MockProvider.prototype.complete;
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const requests: ModelRequest[] = [];
    vi.spyOn(MockProvider.prototype, "complete").mockImplementation(async function (
      this: MockProvider,
      request: ModelRequest,
    ): Promise<ModelResponse> {
      requests.push(structuredClone(request));
      if (request.messages.length === 1) {
        return {
          model: request.model,
          content: [{ type: "tool_use", id: "toolu_1", name: "look_around", input: {} }],
          stop_reason: "tool_use",
          usage: { input_tokens: 5, output_tokens: 5 },
        };
      }
      await held;
      return original.call(this, request);
    });
    const txId = await submitTx(token, { agent_id: agentId, kind: "user_prompt", text: "go" });
    await waitFor("the second model call", async () => (requests.length >= 2 ? true : undefined));

    // When the agent is evicted during the second call, then woken by its alarm
    await evictAgents();
    release();
    await runDurableObjectAlarm(agentStub(ORG, agentId));
    await waitForTx(token, agentId, txId);

    // Then the turn is recorded once: the first call's answer was not asked for again
    const entries = await getRecord(token, agentId);
    expect(entries.map((e) => e.tx.tx_type)).toEqual([
      "user_prompt",
      "reasoning",
      "reasoning",
      "agent_msg",
    ]);
    expect(requests.filter((r) => r.messages.length === 1)).toHaveLength(1);
    const second = requests.filter((r) => r.messages.length > 1);
    expect(second.length).toBeGreaterThanOrEqual(2);
    expect(texts(second.at(-1))).toEqual(["user:go", "assistant:tool_use", "user:tool_result"]);
    expect(payloadText(entries[3] as RecordEntry)).toMatch(/^Mock reply: /);
    expect(await getVerify(token, agentId)).toMatchObject({ ok: true, head_seq: 4 });
  });
});

describe("turns that fail", () => {
  it("records a 402 from the model once, ends the turn with the error and marks the prompt failed", async () => {
    const agentId = await createAgent(token);
    const spy = vi
      .spyOn(MockProvider.prototype, "complete")
      .mockRejectedValue(new ModelError("insufficient_credits", "credit balance is too low"));
    const txId = await submitTx(token, { agent_id: agentId, kind: "user_prompt", text: "hi" });
    const status = await waitForTx(token, agentId, txId);
    expect(status).toMatchObject({ status: "failed", seq: 1 });
    expect(status.error).toContain("credit balance is too low");
    expect(spy).toHaveBeenCalledTimes(1);
    const entries = await getRecord(token, agentId);
    expect(entries.map((e) => e.tx.tx_type)).toEqual(["user_prompt", "reasoning", "agent_msg"]);
    const recorded = JSON.parse(payloadText(entries[1] as RecordEntry));
    expect(recorded.error).toMatchObject({
      code: "insufficient_credits",
      message: "credit balance is too low",
    });
    expect(payloadText(entries[2] as RecordEntry)).toBe("error: credit balance is too low");
    expect(await getVerify(token, agentId)).toMatchObject({ ok: true });
  });
});

describe("credit budget", () => {
  it("stops a turn before a model call the agent's remaining budget cannot cover, without calling the model", async () => {
    // Given an agent whose budget covers one long exchange but not a second (every request
    // also carries the tool catalog, which the budget counts)
    const catalog = estimateTokens([], "", [
      ...builtinToolDefinitions(),
      ...domainToolDefinitions(),
    ]);
    const agentId = await createAgent(token, { credit_budget_tokens: 1300 + catalog });
    const spy = vi.spyOn(MockProvider.prototype, "complete");
    await prompt(agentId, "x".repeat(400));
    expect(spy).toHaveBeenCalledTimes(1);

    // When the next prompt arrives
    const txId = await submitTx(token, { agent_id: agentId, kind: "user_prompt", text: "more" });

    // Then the turn stops for credits before any model call, and says so
    const status = await waitForTx(token, agentId, txId);
    expect(status.status).toBe("failed");
    expect(status.error).toMatch(/^insufficient_credits: /);
    expect(spy).toHaveBeenCalledTimes(1);
    const entries = await getRecord(token, agentId);
    expect(entries.map((e) => e.tx.tx_type)).toEqual([
      "user_prompt",
      "reasoning",
      "agent_msg",
      "user_prompt",
      "agent_msg",
    ]);
    expect(payloadText(entries[4] as RecordEntry)).toMatch(/^error: /);
  });

  it("refuses a budget that is not a positive whole number, naming credit_budget_tokens", async () => {
    const response = await call("POST", "/agents", { token, json: { credit_budget_tokens: 0 } });
    expect(response.status).toBe(400);
    expect((await bodyOf<ErrorResponse>(response)).error.message).toMatch(/^credit_budget_tokens/);
  });
});
