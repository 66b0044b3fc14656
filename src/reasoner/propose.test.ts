import { describe, expect, it } from "vitest";
import { textToBase64 } from "../core/base64.js";
import type { RecordEntry } from "../core/record.js";
import { ProposeRequest } from "../protocol/propose.js";
import { MockProvider } from "./mock.js";
import { propose } from "./propose.js";
import { buildModelRequest, RENDERED_WINDOW, renderRecordWindow } from "./propose-mapping.js";
import { ModelError, type ModelProvider } from "./types.js";

const AGENT = "a".repeat(64);
const HASH = "b".repeat(64);

function request(text: string, extra: Record<string, unknown> = {}): ProposeRequest {
  return ProposeRequest.parse({
    agent_id: AGENT,
    tx: {
      hash: HASH,
      agent_id: AGENT,
      ts_ms: 5,
      tx_type: "user_prompt",
      payload: textToBase64(text),
    },
    ...extra,
  });
}

function entry(seq: number, text: string): RecordEntry {
  return {
    seq,
    tx: {
      hash: HASH,
      agent_id: AGENT,
      ts_ms: seq,
      tx_type: "user_prompt",
      payload: textToBase64(text),
    },
    kernel_version: 1,
    context_hash: HASH,
    proposals: { proposals: [] },
    decision: { accepted_action_ids: [], rejected: [] },
    actions: [{ action_id: "x", kind: "reason", payload: null }],
    effects: [],
    prev_hash: HASH,
    hash: HASH,
  };
}

describe("renderRecordWindow", () => {
  it("renders full entries and summaries as one line each, with their action kinds", () => {
    const text = renderRecordWindow([
      entry(1, "hello\nthere"),
      { seq: 2, tx_type: "agent_msg", payload_summary: "hi back", action_kinds: ["decide"] },
    ]);
    expect(text).toBe("#1 user_prompt: hello there [reason]\n#2 agent_msg: hi back [decide]");
  });

  it("keeps only the most recent entries and clips long payloads", () => {
    const window = Array.from({ length: RENDERED_WINDOW + 3 }, (_, i) => ({
      seq: i + 1,
      tx_type: "trigger" as const,
      payload_summary: "x".repeat(500),
    }));
    const lines = renderRecordWindow(window).split("\n");
    expect(lines[0]).toBe("(3 earlier entries omitted)");
    expect(lines[1]?.startsWith("#4 trigger: ")).toBe(true);
    expect(lines[1]?.endsWith("x…")).toBe(true);
    expect(lines).toHaveLength(RENDERED_WINDOW + 1);
  });

  it("renders an empty window as (empty)", () => {
    expect(renderRecordWindow([])).toBe("(empty)");
  });
});

describe("buildModelRequest", () => {
  it("sends the decoded payload as the user message and the window in the system prompt", () => {
    const model = buildModelRequest(request("Ship it", { limits: { max_tokens: 99 } }), "m");
    expect(model.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Ship it" }] },
    ]);
    expect(model.max_tokens).toBe(99);
    expect(model.system).toContain(`agent ${AGENT}`);
    expect(model.system).toContain("(empty)");
  });

  it("sends a placeholder for an empty payload", () => {
    const model = buildModelRequest(request(""), "m");
    expect(model.messages[0]?.content).toEqual([{ type: "text", text: "(empty user_prompt)" }]);
  });
});

describe("propose", () => {
  it("answers an empty list with a timeout error when limits.timeout_ms passes first", async () => {
    const hanging: ModelProvider = {
      name: "hang",
      defaultModel: "m",
      complete: (_req, options) =>
        new Promise((_resolve, reject) =>
          options?.signal?.addEventListener("abort", () =>
            reject(new ModelError("cancelled", "aborted")),
          ),
        ),
    };
    const result = await propose(request("wait", { limits: { timeout_ms: 100 } }), {
      provider: hanging,
      now: Date.now,
    });
    expect(result.proposals).toEqual([]);
    expect(result.trace.metadata.error).toMatchObject({ code: "timeout" });
  });

  it("reads the clock before and after the call for latency_ms", async () => {
    const times = [1000, 1042];
    const result = await propose(request("hi"), {
      provider: new MockProvider(),
      now: () => times.shift() ?? 0,
    });
    expect(result.trace).toMatchObject({ model: "mock", latency_ms: 42 });
    expect(result.proposals).toEqual([
      { action_kind: "reason", payload: { text: "Mock reply: hi" } },
    ]);
  });
});
