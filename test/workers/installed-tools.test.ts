import { afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { getRecord, mintToken, payloadJson, payloadText } from "./helpers.js";
import { finalText, scriptModel, toolCalls } from "./scripted-model.js";
import { openSession } from "./stream-client.js";

const ORG = "org-installed";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("installed tools", () => {
  it("offers a session's installed tool to the model and dispatches it over HTTP with its auth, through policy and the record", async () => {
    const base = inject("fakeAnthropicUrl");
    const requests = scriptModel(({ opening, step, request }) => {
      if (opening !== "look it up") return undefined;
      return step === 0
        ? toolCalls(request.model, [{ id: "lk1", name: "lookup", input: { q: "kiwi" } }])
        : finalText(request.model, "looked up");
    });
    const { client, ready } = await openSession(token, undefined, {
      installed_tools: [
        {
          name: "lookup",
          description: "Looks a word up",
          input_schema: { type: "object", properties: { q: { type: "string" } } },
          endpoint: `${base}/__tool/echo`,
          auth: { type: "bearer", token: "tool-secret-token" },
          timeout_ms: 5000,
        },
      ],
    });
    expect(ready.tools.map((t) => t.name)).toContain("lookup");

    client.send({ type: "user_message", content: "look it up" });
    const result = await client.next("tool_result");
    expect(result).toMatchObject({ tool_use_id: "lk1", name: "lookup", is_error: false });
    const echoed = JSON.parse(result.result) as {
      body: unknown;
      headers: Record<string, string | null>;
    };
    expect(echoed.body).toEqual({ q: "kiwi" });
    expect(echoed.headers.authorization).toBe("Bearer tool-secret-token");
    expect(echoed.headers["x-aura-tool"]).toBe("lookup");
    await client.next("assistant_message_end");

    // The model was offered the tool with its schema
    expect(requests[0]?.tools?.find((t) => t.name === "lookup")).toMatchObject({
      description: "Looks a word up",
    });
    // The call went through the record: proposal, then execution keyed by the proposal
    const entries = await getRecord(token, ready.agent_id);
    const proposal = entries.find((e) => e.tx.tx_type === "tool_proposal")!;
    const execution = payloadJson(entries.find((e) => e.tx.tx_type === "tool_execution")!);
    expect(payloadJson(proposal)).toMatchObject({ tool: "lookup", decision: "approved" });
    expect(execution).toMatchObject({
      tool: "lookup",
      action_id: proposal.tx.hash,
      is_error: false,
    });
    expect(echoed.headers["idempotency-key"]).toBe(proposal.tx.hash);
    // And the session's record holds no credential, only the kind of auth (the echo
    // endpoint's own answer, recorded as its result, repeats the header by design)
    const start = entries.find((e) => e.tx.tx_type === "session_start")!;
    expect(payloadText(start)).not.toContain("tool-secret-token");
    expect(payloadJson(start).installed_tools).toEqual([
      expect.objectContaining({ name: "lookup", auth_type: "bearer" }),
    ]);
    client.close();
  });

  it("gives the model an error result when the endpoint fails", async () => {
    const base = inject("fakeAnthropicUrl");
    scriptModel(({ opening, step, request }) => {
      if (opening !== "call the broken tool") return undefined;
      return step === 0
        ? toolCalls(request.model, [{ id: "br1", name: "broken", input: {} }])
        : finalText(request.model, "it broke");
    });
    const { client } = await openSession(token, undefined, {
      installed_tools: [
        {
          name: "broken",
          description: "Always fails",
          input_schema: { type: "object" },
          endpoint: `${base}/__tool/status/503`,
        },
      ],
    });
    client.send({ type: "user_message", content: "call the broken tool" });
    const result = await client.next("tool_result");
    expect(result).toMatchObject({ name: "broken", is_error: true });
    expect(result.result).toMatch(/^command_failed: HTTP 503/);
    client.close();
  });
});
