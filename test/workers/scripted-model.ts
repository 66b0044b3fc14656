import { vi } from "vitest";
import { MockProvider } from "../../src/reasoner/mock.js";
import type { ContentBlock, ModelRequest, ModelResponse } from "../../src/reasoner/types.js";

/** What a scripted model sees of a request: the turn's opening text and its progress. */
export interface TurnView {
  /** Text of the user message that opened the current turn. */
  opening: string;
  /** Assistant messages the current turn already holds (0 for its first call). */
  step: number;
  /** Tool results of the current turn so far, in order. */
  results: Array<{ tool_use_id: string; content: string; is_error: boolean }>;
  request: ModelRequest;
}

/**
 * The current turn of a request: everything after the last user message with text. Derived
 * from the request alone, so a resumed turn that repeats its requests gets the same answers.
 */
export function turnView(request: ModelRequest): TurnView {
  const { messages } = request;
  let start = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role === "user" && m.content.some((b) => b.type === "text")) {
      start = i;
      break;
    }
  }
  const opening = messages[start]!.content.map((b) => (b.type === "text" ? b.text : "")).join("");
  const turn = messages.slice(start + 1);
  const results = turn.flatMap((m) =>
    m.content.flatMap((b) =>
      b.type === "tool_result"
        ? [{ tool_use_id: b.tool_use_id, content: b.content, is_error: b.is_error === true }]
        : [],
    ),
  );
  return { opening, step: turn.filter((m) => m.role === "assistant").length, results, request };
}

/** A response asking for tool calls. */
export function toolCalls(
  model: string,
  calls: Array<{ id: string; name: string; input: Record<string, unknown> }>,
): ModelResponse {
  const content: ContentBlock[] = calls.map((c) => ({
    type: "tool_use",
    id: c.id,
    name: c.name,
    input: c.input as ContentBlock extends { input: infer I } ? I : never,
  }));
  return {
    model,
    content,
    stop_reason: "tool_use",
    usage: { input_tokens: 10, output_tokens: 10 },
  };
}

/** A final text response. */
export function finalText(model: string, text: string): ModelResponse {
  return {
    model,
    content: [{ type: "text", text }],
    stop_reason: "end_turn",
    usage: { input_tokens: 10, output_tokens: 5 },
  };
}

/**
 * Scripts the mock model of every agent: `answer` decides each real call from the request's
 * turn (return undefined for the mock's own echo). Every request is kept, in order. Restore
 * with `vi.restoreAllMocks()`.
 */
export function scriptModel(answer: (turn: TurnView) => ModelResponse | undefined): ModelRequest[] {
  const original = MockProvider.prototype.complete;
  const seen: ModelRequest[] = [];
  vi.spyOn(MockProvider.prototype, "complete").mockImplementation(async function (
    this: MockProvider,
    request: ModelRequest,
  ) {
    seen.push(structuredClone(request));
    return answer(turnView(request)) ?? original.call(this, request);
  });
  return seen;
}
