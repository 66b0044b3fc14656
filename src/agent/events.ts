import type { ModelResponse, ModelStreamEvent } from "../reasoner/types.js";
import type { FilesChanged } from "./tool-executor.js";

/** Why a turn's loop stopped (SPEC §6 stop reasons). */
export type LoopStopReason =
  | "end_turn"
  | "cancelled"
  | "insufficient_credits"
  | "end_turn_with_errors"
  | "error"
  | "max_turns";

/** The SPEC §6 error codes the loop can report. */
export type LoopErrorCode = "llm_error" | "insufficient_credits" | "stall_detected";

/** Usage reported with `assistant_message_end` (SPEC §6). */
export interface LoopUsage {
  /** Input tokens of this turn's model calls. */
  input_tokens: number;
  /** Output tokens of this turn's model calls. */
  output_tokens: number;
  /** Session totals: the caller's baseline plus this turn. */
  cumulative_input_tokens: number;
  cumulative_output_tokens: number;
  /** Last known context size over the context window, 0..1 (may exceed 1 when over). */
  context_utilization: number;
  model: string;
  provider: string;
}

/**
 * A live event of a running loop, named and shaped as the SPEC §6 session messages so the
 * Durable Object can forward it as a frame. Events are for watchers only: nothing the loop
 * decides depends on them.
 */
export type LoopEvent =
  | { type: "assistant_message_start"; message_id: string }
  | ModelStreamEvent
  | { type: "tool_result"; tool_use_id: string; name: string; result: string; is_error: boolean }
  | {
      type: "assistant_message_end";
      message_id: string;
      stop_reason: LoopStopReason;
      usage: LoopUsage;
      files_changed: FilesChanged;
    }
  | { type: "error"; code: LoopErrorCode; message: string; recoverable: boolean };

/** A sink for live events. */
export type LoopEventSink = (event: LoopEvent) => void;

/**
 * The stream events a response stands for, in content order: what a watcher would have seen
 * had the call streamed. The loop emits them for calls that produced no stream events (a
 * non-streaming adapter, or a response replayed from the record).
 *
 * @example
 * streamEventsOf({ model: "m", content: [{ type: "text", text: "hi" }], stop_reason: "end_turn",
 *   usage: { input_tokens: 1, output_tokens: 1 } }); // [{ type: "text_delta", text: "hi" }]
 */
export function streamEventsOf(response: ModelResponse): ModelStreamEvent[] {
  const events: ModelStreamEvent[] = [];
  for (const block of response.content) {
    if (block.type === "text" && block.text !== "") {
      events.push({ type: "text_delta", text: block.text });
    } else if (block.type === "thinking" && block.thinking !== "") {
      events.push({ type: "thinking_delta", thinking: block.thinking });
    } else if (block.type === "tool_use") {
      events.push({ type: "tool_use_start", id: block.id, name: block.name });
    }
  }
  return events;
}
