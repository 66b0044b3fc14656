import { describe, expect, it } from "vitest";
import { echoResponse, MockProvider } from "./mock.js";
import type { ModelRequest, ModelResponse } from "./types.js";
import { ModelError, ModelResponse as ModelResponseSchema } from "./types.js";

function request(text: string, system?: string): ModelRequest {
  const req: ModelRequest = {
    model: "mock-model",
    max_tokens: 64,
    messages: [{ role: "user", content: [{ type: "text", text }] }],
  };
  if (system !== undefined) req.system = system;
  return req;
}

function textResponse(text: string): ModelResponse {
  return {
    model: "scripted",
    content: [{ type: "text", text }],
    stop_reason: "end_turn",
    usage: { input_tokens: 1, output_tokens: 1 },
  };
}

describe("MockProvider", () => {
  it("given no script, when asked, then it answers with a reply quoting the prompt", async () => {
    const reply = await new MockProvider().complete(request("hello there"));
    expect(reply.content).toEqual([{ type: "text", text: "Mock reply: hello there" }]);
    expect(reply.model).toBe("mock-model");
    expect(reply.stop_reason).toBe("end_turn");
    expect(ModelResponseSchema.parse(reply)).toEqual(reply);
  });

  it("given no script, when the same request is sent twice or to two providers, then the responses are identical", async () => {
    const one = new MockProvider();
    const a = await one.complete(request("same", "sys"));
    const b = await one.complete(request("same", "sys"));
    const c = await new MockProvider().complete(request("same", "sys"));
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(echoResponse(request("same", "sys"))).toEqual(a);
  });

  it("given a system prompt, when answered without a script, then usage counts the system prompt too", async () => {
    const without = await new MockProvider().complete(request("abcd"));
    const withSystem = await new MockProvider().complete(request("abcd", "x".repeat(40)));
    expect(without.usage.input_tokens).toBe(1);
    expect(withSystem.usage.input_tokens).toBe(11);
  });

  it("given a script, when asked repeatedly, then the scripted responses come in order and then it echoes", async () => {
    const provider = new MockProvider([textResponse("first"), textResponse("second")]);
    expect((await provider.complete(request("a"))).content).toEqual([
      { type: "text", text: "first" },
    ]);
    expect((await provider.complete(request("b"))).content).toEqual([
      { type: "text", text: "second" },
    ]);
    expect((await provider.complete(request("c"))).content).toEqual([
      { type: "text", text: "Mock reply: c" },
    ]);
  });

  it("given a scripted function, when asked, then it sees the request", async () => {
    const provider = new MockProvider([(req) => textResponse(`model was ${req.model}`)]);
    const reply = await provider.complete(request("x"));
    expect(reply.content).toEqual([{ type: "text", text: "model was mock-model" }]);
  });

  it("given a scripted tool call, when asked, then it is returned as scripted", async () => {
    const toolCall: ModelResponse = {
      model: "scripted",
      content: [{ type: "tool_use", id: "tu_1", name: "read_file", input: { path: "README.md" } }],
      stop_reason: "tool_use",
      usage: { input_tokens: 3, output_tokens: 4 },
    };
    expect(await new MockProvider([toolCall]).complete(request("x"))).toEqual(toolCall);
  });

  it("given a prompt over several text blocks, when echoed, then the last message's text blocks are joined", () => {
    const reply = echoResponse({
      model: "m",
      max_tokens: 8,
      messages: [
        { role: "user", content: [{ type: "text", text: "ignored" }] },
        { role: "assistant", content: [{ type: "text", text: "ok" }] },
        {
          role: "user",
          content: [
            { type: "text", text: "a" },
            { type: "tool_result", tool_use_id: "t", content: "r" },
            { type: "text", text: "b" },
          ],
        },
      ],
    });
    expect(reply.content).toEqual([{ type: "text", text: "Mock reply: ab" }]);
  });

  it("given a scripted ModelError, when asked, then it is thrown with its code, and the script goes on after it", async () => {
    const provider = new MockProvider([
      new ModelError("insufficient_credits", "no credits left"),
      (request) => new ModelError("overloaded", `busy with ${request.model}`),
    ]);
    const request = {
      model: "m",
      max_tokens: 10,
      messages: [{ role: "user" as const, content: [{ type: "text" as const, text: "hi" }] }],
    };
    await expect(provider.complete(request)).rejects.toMatchObject({
      code: "insufficient_credits",
      message: "no credits left",
    });
    await expect(provider.complete(request)).rejects.toMatchObject({
      code: "overloaded",
      message: "busy with m",
    });
    await expect(provider.complete(request)).resolves.toMatchObject({ stop_reason: "end_turn" });
  });

  it("given the provider, when named, then it is recorded as mock", () => {
    expect(new MockProvider().name).toBe("mock");
  });
});
