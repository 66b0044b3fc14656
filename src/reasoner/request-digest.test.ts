import { describe, expect, it } from "vitest";
import { hashCanonical } from "../core/hash.js";
import { builtinToolDefinitions } from "../tools/catalog.js";
import { requestDigest } from "./request-digest.js";
import type { ModelRequest } from "./types.js";

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
});
