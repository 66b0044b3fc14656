import { z } from "zod";
import { hashCanonical } from "../core/hash.js";
import { type ModelRequest, ModelResponse } from "../reasoner/types.js";

/** The settings a turn runs with, taken from the agent's metadata. */
export interface TurnSettings {
  model: string;
  system?: string;
  maxTokens: number;
}

/** What a `reasoning` entry records about one model call: enough to never make it again. */
export const ReasoningRecord = z.object({
  request_digest: z.string(),
  provider: z.string(),
  model: z.string(),
  response: ModelResponse.optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type ReasoningRecord = z.infer<typeof ReasoningRecord>;

/** The next thing a turn must do, decided from its prompt and what is already recorded. */
export type TurnAction =
  | { type: "call_model"; request: ModelRequest; request_digest: string }
  | { type: "finish"; text: string; stop_reason: "end_turn" | "error"; failed: boolean };

/**
 * The turn decider (pure): given the prompt and the reasoning already recorded for this
 * turn, what comes next. Resuming after eviction is the same call with what the record holds,
 * so work already recorded is never redone.
 */
export function nextTurnAction(
  settings: TurnSettings,
  prompt: string,
  recorded: readonly ReasoningRecord[],
): TurnAction {
  const last = recorded.at(-1);
  if (last === undefined) {
    const request: ModelRequest = {
      model: settings.model,
      max_tokens: settings.maxTokens,
      messages: [{ role: "user", content: [{ type: "text", text: prompt }] }],
    };
    if (settings.system !== undefined) request.system = settings.system;
    return { type: "call_model", request, request_digest: hashCanonical(request) };
  }
  if (last.error !== undefined || last.response === undefined) {
    const message = last.error?.message ?? "model returned no response";
    return { type: "finish", text: `error: ${message}`, stop_reason: "error", failed: true };
  }
  const text = last.response.content
    .map((block) => (block.type === "text" ? block.text : ""))
    .join("");
  return { type: "finish", text, stop_reason: "end_turn", failed: false };
}
