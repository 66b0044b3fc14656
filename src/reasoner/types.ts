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

/** What the agent asks of a model. */
export interface ModelRequest {
  model: string;
  system?: string;
  messages: ModelMessage[];
  max_tokens: number;
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

/** A model's complete answer to one request. */
export const ModelResponse = z.object({
  model: z.string(),
  content: z.array(ContentBlock),
  stop_reason: StopReason,
  usage: Usage,
});
export type ModelResponse = z.infer<typeof ModelResponse>;

/**
 * A model backend. Adapters: `mock` (deterministic), and — in the reasoner issue — `anthropic`
 * (direct) and `proxy` (router with the caller's JWT). The kernel records every call it makes.
 */
export interface ModelProvider {
  /** Provider name recorded in reasoning entries (`mock`, `anthropic`, `proxy`). */
  readonly name: string;
  /** Sends one request and returns the whole response. */
  complete(request: ModelRequest, options?: { signal?: AbortSignal }): Promise<ModelResponse>;
}
