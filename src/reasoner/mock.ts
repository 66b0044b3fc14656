import { ModelError, type ModelProvider, type ModelRequest, type ModelResponse } from "./types.js";

/** A scripted reply, or a scripted failure; a function sees the request. */
export type MockScript =
  | ModelResponse
  | ModelError
  | ((request: ModelRequest) => ModelResponse | ModelError);

/**
 * The deterministic provider: the same request always gets the same response. A script
 * gives replies (text, thinking, tool calls) or failures (a {@link ModelError}, thrown) in
 * order; without one, or once it is used up, it answers every prompt with a fixed acknowledgement that quotes the prompt, which
 * is what the zero-configuration local stack runs on.
 *
 * @example
 * const p = new MockProvider();
 * await p.complete({ model: "mock", messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }], max_tokens: 64 });
 */
export class MockProvider implements ModelProvider {
  readonly name = "mock";
  readonly defaultModel = "mock";
  readonly #script: MockScript[];
  #next = 0;

  constructor(script: MockScript[] = []) {
    this.#script = script;
  }

  async complete(request: ModelRequest): Promise<ModelResponse> {
    const scripted = this.#script[this.#next];
    if (scripted !== undefined) {
      this.#next++;
      const outcome = typeof scripted === "function" ? scripted(request) : scripted;
      if (outcome instanceof ModelError) throw outcome;
      return outcome;
    }
    return echoResponse(request);
  }
}

/** The unscripted mock answer: deterministic in the request alone. */
export function echoResponse(request: ModelRequest): ModelResponse {
  const last = request.messages.at(-1);
  const prompt = (last?.content ?? [])
    .map((block) => (block.type === "text" ? block.text : ""))
    .join("");
  const text = `Mock reply: ${prompt}`;
  const inputChars = request.messages.reduce(
    (n, m) => n + m.content.reduce((k, b) => k + (b.type === "text" ? b.text.length : 0), 0),
    (request.system ?? "").length,
  );
  return {
    model: request.model,
    content: [{ type: "text", text }],
    stop_reason: "end_turn",
    usage: { input_tokens: Math.ceil(inputChars / 4), output_tokens: Math.ceil(text.length / 4) },
  };
}
