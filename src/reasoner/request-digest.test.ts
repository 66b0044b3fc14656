import { describe, expect, it } from "vitest";
import { hashCanonical } from "../core/hash.js";
import { builtinToolDefinitions } from "../tools/catalog.js";
import { requestDigest } from "./request-digest.js";
import type { ModelMessage, ModelRequest } from "./types.js";

const conversation: ModelRequest["messages"] = [
  { role: "user", content: [{ type: "text", text: 'hé "quoted" \n line' }] },
  {
    role: "assistant",
    content: [
      { type: "thinking", thinking: "hmm", signature: "sig" },
      {
        type: "tool_use",
        id: "toolu_1",
        name: "read_file",
        input: { path: "a.txt", z: [1, { b: 2, a: 1 }] },
      },
    ],
  },
  {
    role: "user",
    content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "ok", is_error: false }],
  },
];

describe("requestDigest", () => {
  it("equals the BLAKE3 of the canonical request, with every optional field present or absent", () => {
    const full: ModelRequest = {
      model: "m",
      system: "be brief",
      messages: conversation,
      max_tokens: 100,
      temperature: 0.5,
      thinking_budget: 2048,
      tools: [
        {
          name: "read_file",
          description: "reads",
          input_schema: { type: "object", properties: { messages: { type: "string" } } },
        },
      ],
    };
    const minimal: ModelRequest = { model: "m", messages: [], max_tokens: 1 };
    for (const request of [full, minimal, { ...full, system: undefined }, { ...full, tools: [] }]) {
      expect(requestDigest(request)).toBe(hashCanonical(request));
    }
  });

  it("gives the same digest when asked again for the same blocks, and a different one when a block differs", () => {
    const request: ModelRequest = { model: "m", messages: conversation, max_tokens: 10 };
    const first = requestDigest(request);
    expect(requestDigest(request)).toBe(first);
    expect(
      requestDigest({
        ...request,
        messages: conversation.map((m) => ({ ...m, content: [...m.content] })),
      }),
    ).toBe(first);
    const changed = [
      ...conversation,
      { role: "user" as const, content: [{ type: "text" as const, text: "more" }] },
    ];
    expect(requestDigest({ ...request, messages: changed })).toBe(
      hashCanonical({ ...request, messages: changed }),
    );
    expect(requestDigest({ ...request, messages: changed })).not.toBe(first);
  });

  it("equals the canonical hash with the whole built-in tool catalog, asked once or many times", () => {
    const request: ModelRequest = {
      model: "m",
      messages: conversation,
      max_tokens: 10,
      tools: builtinToolDefinitions(),
    };
    expect(requestDigest(request)).toBe(hashCanonical(request));
    expect(requestDigest({ ...request, tools: builtinToolDefinitions() })).toBe(
      hashCanonical(request),
    );
  });

  it("falls back to the plain canonical hash for a request with a field it does not know", () => {
    const request = {
      model: "m",
      messages: conversation,
      max_tokens: 10,
      metadata: { user: "u" },
    } as ModelRequest;
    expect(requestDigest(request)).toBe(hashCanonical(request));
  });

  it("stays equal to the canonical hash as conversations grow, branch, and change their settings", () => {
    // A seeded generator: the same cases on every run
    let seed = 42;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const block = (): ModelMessage["content"][number] => {
      const kind = next(3);
      if (kind === 0) return { type: "text", text: 'é ✓ "quoted" '.repeat(next(40)) };
      if (kind === 1)
        return { type: "tool_use", id: `t${next(100)}`, name: "run", input: { n: next(9) } };
      return { type: "tool_result", tool_use_id: `t${next(100)}`, content: "x".repeat(next(3000)) };
    };
    const message = (): ModelMessage => ({
      role: next(2) === 0 ? "user" : "assistant",
      content: Array.from({ length: 1 + next(3) }, block),
    });
    const tools = builtinToolDefinitions();
    for (let conversation = 0; conversation < 20; conversation++) {
      let messages: ModelMessage[] = [];
      let maxTokens = 1000;
      for (let call = 0; call < 30; call++) {
        const change = next(10);
        if (change < 6) messages = [...messages, ...Array.from({ length: 1 + next(3) }, message)];
        else if (change === 6 && messages.length > 2) {
          // A branch: an earlier message replaced by another object
          const at = next(messages.length);
          messages = [...messages.slice(0, at), message(), ...messages.slice(at + 1)];
        } else if (change === 7) maxTokens = 500 + next(2000);
        else if (change === 8 && messages.length > 1) messages = messages.slice(0, -1);
        const request: ModelRequest = { model: "m", messages, max_tokens: maxTokens };
        if (next(2) === 0) request.system = "be brief";
        if (next(2) === 0) request.tools = tools;
        expect(requestDigest(request), `conversation ${conversation} call ${call}`).toBe(
          hashCanonical(request),
        );
      }
    }
  });
});
