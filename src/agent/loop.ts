import type { ModelMessage } from "../reasoner/types.js";
import { append, emit, isCancelled, messageId, type Run, type Stop } from "./loop-run.js";
import {
  DEFAULT_CONTEXT_WINDOW,
  DEFAULT_MAX_TOKENS,
  DEFAULT_MAX_TURNS,
  type LoopDeps,
  type LoopInput,
  type LoopResult,
} from "./loop-types.js";
import { callModel } from "./model-step.js";
import { initialStallState, observeIteration, WRITE_STALL_ITERATIONS } from "./stall.js";
import type { ToolUseBlock } from "./tool-executor.js";
import { answer, executeAll, TRUNCATED_RESULT } from "./tool-step.js";

export { CANCELLED_RESULT, TRUNCATED_RESULT } from "./tool-step.js";

/**
 * Runs one turn of the agent loop (SPEC §7): calls the model up to `max_turns` times, runs
 * the tool calls it asks for and feeds their results back, until the model ends its turn or a
 * stop condition holds. Pure orchestration: no storage, policy, clock or randomness, so the same
 * model responses and tool outcomes always produce the same requests, tool calls and result —
 * which lets a recording provider replay a turn after eviction.
 *
 * Stops: `end_turn` (model ended with `end_turn`, `stop_sequence`, `refusal`, or `max_tokens`
 * without tool calls), `max_turns`, `cancelled` (cancel seen at a safe point, or a model error
 * `cancelled`), `insufficient_credits` (budget too small for the next call, or HTTP 402),
 * `error` (another model error, or a write stall: code `stall_detected`) and
 * `end_turn_with_errors` (every tool call failed five iterations in a row). Errors other than
 * `ModelError` are not the model's answer and are rethrown.
 *
 * @example
 * const result = await runAgentLoop(
 *   { settings: { model: "mock" }, conversation: [], user_message: "hello" },
 *   { provider: new MockProvider(), tools: executor },
 * );
 * result.stop_reason; // "end_turn"
 */
export async function runAgentLoop(input: LoopInput, deps: LoopDeps): Promise<LoopResult> {
  const { settings } = input;
  const content =
    typeof input.user_message === "string"
      ? [{ type: "text" as const, text: input.user_message }]
      : input.user_message;
  const userMessage: ModelMessage = { role: "user", content };
  const run: Run = {
    input,
    deps,
    maxTurns: settings.max_turns ?? DEFAULT_MAX_TURNS,
    maxTokens: settings.max_tokens ?? DEFAULT_MAX_TOKENS,
    window: settings.context_window ?? DEFAULT_CONTEXT_WINDOW,
    known: new Set((settings.tools ?? []).map((t) => t.name)),
    transcript: [userMessage],
    working: [...input.conversation, userMessage],
    measured: measuredAtStart(input),
    utilization: 0,
    usage: { input_tokens: 0, output_tokens: 0 },
    model: settings.model,
    files: { created: [], modified: [], deleted: [] },
    iterations: [],
  };
  emit(run, { type: "assistant_message_start", message_id: messageId(run) });
  return finish(run, await iterate(run));
}

async function iterate(run: Run): Promise<Stop> {
  let stall = initialStallState();
  for (let index = 1; index <= run.maxTurns; index++) {
    if (await isCancelled(run)) return { reason: "cancelled" };
    const called = await callModel(run, index);
    if ("reason" in called) return called;
    const { response, record } = called;
    append(run, { role: "assistant", content: response.content });
    const uses = response.content.filter((b): b is ToolUseBlock => b.type === "tool_use");
    if (uses.length === 0) {
      if (response.stop_reason === "pause_turn") continue;
      return { reason: "end_turn" };
    }
    const truncated = response.stop_reason === "max_tokens";
    const answered = truncated
      ? { results: uses.map((use) => answer(run, use, TRUNCATED_RESULT)), cancelled: false }
      : await executeAll(run, uses);
    append(run, { role: "user", content: answered.results });
    record.tool_calls = answered.results.map((r, i) => ({
      tool_use_id: r.tool_use_id,
      name: uses[i]!.name,
      is_error: r.is_error === true,
    }));
    if (answered.cancelled) return { reason: "cancelled" };
    const calls = uses.map((use, i) => ({
      ...use,
      is_error: answered.results[i]!.is_error === true,
    }));
    const observed = observeIteration(stall, calls);
    stall = observed.state;
    if (observed.verdict === "stall_detected") {
      const message = `writes to ${stall.write_targets} failed ${WRITE_STALL_ITERATIONS} iterations in a row`;
      return { reason: "error", error: { code: "stall_detected", message, recoverable: true } };
    }
    if (observed.verdict === "all_tools_failed") return { reason: "end_turn_with_errors" };
  }
  return { reason: "max_turns" };
}

/** The recorded measure of the conversation, when it still describes a prefix of it. */
function measuredAtStart(input: LoopInput): Run["measured"] {
  const measure = input.context_measured;
  if (!measure || measure.messages > input.conversation.length) return null;
  return { tokens: measure.tokens, length: measure.messages };
}

function finish(run: Run, stop: Stop): LoopResult {
  const baseline = run.input.usage_baseline ?? { input_tokens: 0, output_tokens: 0 };
  const usage = {
    ...run.usage,
    cumulative_input_tokens: baseline.input_tokens + run.usage.input_tokens,
    cumulative_output_tokens: baseline.output_tokens + run.usage.output_tokens,
    context_utilization: run.utilization,
    model: run.model,
    provider: run.deps.provider.name,
  };
  if (stop.error) emit(run, { type: "error", ...stop.error });
  emit(run, {
    type: "assistant_message_end",
    message_id: messageId(run),
    stop_reason: stop.reason,
    usage,
    files_changed: run.files,
  });
  const result: LoopResult = {
    messages: run.transcript,
    stop_reason: stop.reason,
    final_text: finalText(run.transcript),
    usage,
    files_changed: run.files,
    iterations: run.iterations,
  };
  if (stop.error) result.error = { code: stop.error.code, message: stop.error.message };
  return result;
}

function finalText(messages: readonly ModelMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.role !== "assistant") continue;
    const text = message.content.map((b) => (b.type === "text" ? b.text : "")).join("");
    if (text !== "") return text;
  }
  return "";
}
