import { z } from "zod";
import { base64ToText } from "../core/base64.js";
import { ModelAttempt, ModelResponse } from "../reasoner/types.js";

/**
 * What a `reasoning` entry records about one model call: the digest of the request, and the
 * full response or the error, with every attempt — enough to never make the call again.
 */
export const ReasoningRecord = z.object({
  request_digest: z.string(),
  provider: z.string(),
  model: z.string(),
  response: ModelResponse.optional(),
  error: z
    .object({
      code: z.string(),
      message: z.string(),
      attempts: z.array(ModelAttempt).optional(),
    })
    .optional(),
});
export type ReasoningRecord = z.infer<typeof ReasoningRecord>;

/** Decodes a `reasoning` transaction's payload (base64 of its canonical JSON). */
export function decodeReasoning(payload: string): ReasoningRecord {
  return ReasoningRecord.parse(JSON.parse(base64ToText(payload)));
}
