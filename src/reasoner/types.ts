import { z } from "zod";

/** A content block of a model message (the Messages API shapes the record keeps). */
export const ContentBlock = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text"), text: z.string() }),
  z.object({ type: z.literal("thinking"), thinking: z.string(), signature: z.string().optional() }),
  z.object({ type: z.literal("tool_use"), id: z.string(), name: z.string(), input: z.json() }),
  z.object({
    type: z.literal("tool_result"),
    tool_use_id: z.string(),
    content: z.string(),
    is_error: z.boolean().optional(),
  }),
]);
export type ContentBlock = z.infer<typeof ContentBlock>;

export const ModelMessage = z.object({
  role: z.enum(["user", "assistant"]),
  content: z.array(ContentBlock),
});
export type ModelMessage = z.infer<typeof ModelMessage>;

/** A tool the model may call: name, description and JSON Schema of its input. */
export const ToolDefinition = z.object({
  name: z.string(),
  description: z.string(),
  input_schema: z.record(z.string(), z.json()),
});
export type ToolDefinition = z.infer<typeof ToolDefinition>;

/** What the agent asks of a model. */
export interface ModelRequest {
  model: string;
  system?: string;
  messages: ModelMessage[];
  max_tokens: number;
  tools?: ToolDefinition[];
  temperature?: number;
  /** Extended thinking budget in tokens, when thinking is enabled. */
  thinking_budget?: number;
}

export const Usage = z.object({ input_tokens: z.number().int(), output_tokens: z.number().int() });
export type Usage = z.infer<typeof Usage>;

export const StopReason = z.enum([
  "end_turn",
  "stop_sequence",
  "max_tokens",
  "tool_use",
  "refusal",
  "pause_turn",
]);

/** One try of a model call, as the reasoning entry records it. */
export const ModelAttempt = z.object({
  attempt: z.number().int().positive(),
  model: z.string(),
  ok: z.boolean(),
  http_status: z.number().int().optional(),
  error: z.string().optional(),
  /** Wait before the next attempt (from `retry-after` or the backoff). */
  retry_after_ms: z.number().int().nonnegative().optional(),
});
export type ModelAttempt = z.infer<typeof ModelAttempt>;

/** A model's complete answer to one request, with the attempts it took. */
export const ModelResponse = z.object({
  model: z.string(),
  content: z.array(ContentBlock),
  stop_reason: StopReason,
  usage: Usage,
  attempts: z.array(ModelAttempt).optional(),
});
export type ModelResponse = z.infer<typeof ModelResponse>;

/** A piece of a streamed answer, forwarded to live clients as it arrives. */
export type ModelStreamEvent =
  | { type: "text_delta"; text: string }
  | { type: "thinking_delta"; thinking: string }
  | { type: "tool_use_start"; id: string; name: string };

/** Who a model call is made for: forwarded by the proxy adapter as headers and bearer token. */
export interface ModelCallContext {
  agent_id: string;
  org_id: string;
  session_id?: string;
  project_id?: string;
  /** The caller's JWT (proxy mode forwards it to the router). */
  jwt?: string;
}

/** Options of one model call. */
export interface ModelCallOptions {
  signal?: AbortSignal;
  onEvent?: (event: ModelStreamEvent) => void;
  context?: ModelCallContext;
}

/** Why a model call failed, with a stable code. */
export type ModelErrorCode =
  | "insufficient_credits"
  | "rate_limited"
  | "overloaded"
  | "timeout"
  | "stream_interrupted"
  | "invalid_request"
  | "unauthorized"
  | "cancelled"
  | "llm_error";

/** A failed model call, after every attempt it was allowed. */
export class ModelError extends Error {
  readonly code: ModelErrorCode;
  readonly attempts: ModelAttempt[];

  constructor(code: ModelErrorCode, message: string, attempts: ModelAttempt[] = []) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.attempts = attempts;
  }
}

/**
 * A model backend. Adapters: `mock` (deterministic), `anthropic` (direct) and `proxy` (router
 * with the caller's JWT). The kernel records every call it makes, with its attempts.
 */
export interface ModelProvider {
  /** Provider name recorded in reasoning entries (`mock`, `anthropic`, `proxy`). */
  readonly name: string;
  /** The model requests use when the agent names none (`AURA_ANTHROPIC_MODEL`, or `mock`). */
  readonly defaultModel: string;
  /**
   * Sends one request (streaming where the adapter streams, `onEvent` receiving the pieces)
   * and returns the whole response, or throws a {@link ModelError}.
   */
  complete(request: ModelRequest, options?: ModelCallOptions): Promise<ModelResponse>;
}
