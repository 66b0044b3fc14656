import { MockProvider, type MockScript } from "../reasoner/mock.js";
import type {
  ContentBlock,
  ModelCallOptions,
  ModelProvider,
  ModelRequest,
  ModelResponse,
  ToolDefinition,
} from "../reasoner/types.js";
import type { LoopEvent } from "./events.js";
import type { ToolCall, ToolExecutionOptions, ToolExecutor, ToolOutcome } from "./tool-executor.js";

/**
 * Test fixture: scripted models, fake tool executors and content builders for the unit tests
 * of the agent loop. Not used at runtime.
 */

/** A text block. */
export const text = (t: string): ContentBlock => ({ type: "text", text: t });

/** A tool_use block. */
export const toolUse = (id: string, name: string, input: Record<string, string> = {}) =>
  ({ type: "tool_use", id, name, input }) as const satisfies ContentBlock;

/** A scripted model response. */
export function reply(
  content: ContentBlock[],
  stop_reason: ModelResponse["stop_reason"] = content.some((b) => b.type === "tool_use")
    ? "tool_use"
    : "end_turn",
  usage = { input_tokens: 10, output_tokens: 5 },
): ModelResponse {
  return { model: "claude-test", content, stop_reason, usage };
}

/** Tool definitions for the built-in tool names the tests use. */
export const TOOLS: ToolDefinition[] = [
  "read_file",
  "write_file",
  "edit_file",
  "delete_file",
  "run_command",
].map((name) => ({ name, description: `${name} tool`, input_schema: { type: "object" } }));

/** A {@link MockProvider} over a script that keeps a copy of every request and its options. */
export class RecordingProvider implements ModelProvider {
  readonly name = "mock";
  readonly defaultModel = "mock";
  readonly requests: ModelRequest[] = [];
  readonly options: (ModelCallOptions | undefined)[] = [];
  readonly #inner: MockProvider;

  constructor(script: MockScript[]) {
    this.#inner = new MockProvider(script);
  }

  complete(request: ModelRequest, options?: ModelCallOptions): Promise<ModelResponse> {
    this.requests.push(structuredClone(request));
    this.options.push(options);
    return this.#inner.complete(request);
  }
}

/** How a fake tool answers: an outcome, or a throw. */
export type FakeTool = (call: ToolCall) => ToolOutcome;

/** A fake executor: named handlers, every call and its options kept; unknown names succeed. */
export class FakeExecutor implements ToolExecutor {
  readonly calls: ToolCall[] = [];
  readonly options: ToolExecutionOptions[] = [];

  constructor(readonly handlers: Record<string, FakeTool> = {}) {}

  async execute(call: ToolCall, options: ToolExecutionOptions): Promise<ToolOutcome> {
    this.calls.push(call);
    this.options.push(options);
    const handler = this.handlers[call.name];
    return handler ? handler(call) : { content: `${call.name} ok`, is_error: false };
  }
}

/** A failing outcome. */
export const failed = (content = "io_error: failed"): ToolOutcome => ({ content, is_error: true });

/** An event sink that keeps the events. */
export function eventLog(): { events: LoopEvent[]; onEvent: (e: LoopEvent) => void } {
  const events: LoopEvent[] = [];
  return { events, onEvent: (e) => events.push(e) };
}
