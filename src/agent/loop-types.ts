import type {
  ContentBlock,
  ModelCallContext,
  ModelMessage,
  ModelProvider,
  ModelResponse,
  ToolDefinition,
  Usage,
} from "../reasoner/types.js";
import type { LoopErrorCode, LoopEventSink, LoopStopReason, LoopUsage } from "./events.js";
import type { FilesChanged, ToolExecutor } from "./tool-executor.js";

/** SPEC §7 defaults. */
export const DEFAULT_MAX_TURNS = 25;
export const DEFAULT_MAX_TOKENS = 16384;
export const DEFAULT_CONTEXT_WINDOW = 200_000;

/** The settings a turn's loop runs with (from the agent's metadata and the session). */
export interface LoopSettings {
  model: string;
  system?: string;
  /** Most model calls in one turn (default {@link DEFAULT_MAX_TURNS}). */
  max_turns?: number;
  /** `max_tokens` of each request (default {@link DEFAULT_MAX_TOKENS}). */
  max_tokens?: number;
  /** The model's context window in tokens (default {@link DEFAULT_CONTEXT_WINDOW}). */
  context_window?: number;
  temperature?: number;
  thinking_budget?: number;
  /** The tools offered to the model; a call to any other name gets an `unknown_tool` error. */
  tools?: ToolDefinition[];
  /** Tokens left in the credit budget when the turn starts; absent means no budget. */
  credit_budget_tokens?: number;
}

/**
 * What the conversation's last model call measured of its context: its `input_tokens`, and
 * how many of the conversation's messages its request held.
 */
export interface ContextMeasure {
  tokens: number;
  messages: number;
}

/** What a turn's loop starts from. */
export interface LoopInput {
  settings: LoopSettings;
  /** The conversation before this turn, as recorded (not compacted). */
  conversation: readonly ModelMessage[];
  /** The message that starts the turn. */
  user_message: string | ContentBlock[];
  /** Id of the turn's assistant message in live events (default `"assistant"`). */
  message_id?: string;
  /** Session usage before this turn; cumulative usage adds this turn to it. */
  usage_baseline?: Usage;
  /**
   * The last measured size of `conversation`, when a model call measured it: the first call's
   * context is that plus an estimate of the messages after, instead of an estimate of all.
   */
  context_measured?: ContextMeasure;
}

/** What the loop orchestrates over; the Durable Object passes recording gateways. */
export interface LoopDeps {
  /** The model. Must answer the same requests, in order, with the same responses on resume. */
  provider: ModelProvider;
  /** The tools, behind policy and recording. */
  tools: ToolExecutor;
  /** True once a cancel is recorded; checked before each model call and each tool call. */
  isCancelled?: () => boolean | Promise<boolean>;
  /** Live events for watchers. */
  onEvent?: LoopEventSink;
  /** Passed to every model and tool call. */
  signal?: AbortSignal;
  /** Who the model calls are made for. */
  context?: ModelCallContext;
}

/** A tool call's result, as kept in an iteration record. */
export interface ToolCallRecord {
  tool_use_id: string;
  name: string;
  is_error: boolean;
}

/** What one iteration (one model call and the tool calls it asked for) did. */
export interface IterationRecord {
  /** 1-based index of the model call in the turn. */
  index: number;
  /** `keep_recent` of the compaction tier applied before the call, or null. */
  compaction_keep_recent: number | null;
  /** `max_tokens` of the request (lowered by the credit budget when it had to be). */
  max_tokens: number;
  /** The model's stop reason. */
  model_stop_reason: ModelResponse["stop_reason"];
  usage: Usage;
  tool_calls: ToolCallRecord[];
}

/** How a turn's loop ended. */
export interface LoopResult {
  /** The messages this turn adds to the conversation: the user message first. Never compacted. */
  messages: ModelMessage[];
  stop_reason: LoopStopReason;
  /** Set when the stop carries a SPEC §6 error code. */
  error?: { code: LoopErrorCode; message: string };
  /** The text of the turn's last assistant message that had text ("" when none did). */
  final_text: string;
  usage: LoopUsage;
  files_changed: FilesChanged;
  iterations: IterationRecord[];
}
