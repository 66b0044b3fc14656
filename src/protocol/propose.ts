import { z } from "zod";
import { AgentId } from "../core/ids.js";
import { Proposal, RecordEntry, Transaction, TxType } from "../core/record.js";

/** Most entries a `record_window` may carry (the largest `RECORD_WINDOW_SIZE`). */
export const MAX_RECORD_WINDOW = 1000;

/** Most proposals a caller may ask for, and the default. */
export const MAX_PROPOSALS = 64;
export const DEFAULT_MAX_PROPOSALS = 8;

/** Bounds of `limits.max_tokens`, and the default. */
export const MAX_PROPOSE_TOKENS = 32_768;
export const DEFAULT_PROPOSE_TOKENS = 4096;

/** Bounds of `limits.timeout_ms` (the default is `AURA_MODEL_TIMEOUT_MS`). */
export const MIN_PROPOSE_TIMEOUT_MS = 100;
export const MAX_PROPOSE_TIMEOUT_MS = 600_000;

/**
 * A summarised record entry, for callers that send the window without full entries:
 * the seq, the transaction type, optionally the payload text (or its summary) and the
 * action kinds the entry took.
 */
export const RecordSummary = z.strictObject({
  seq: z.number().int().positive(),
  tx_type: TxType,
  payload_summary: z.string().max(4096).optional(),
  action_kinds: z.array(z.string().max(64)).max(64).optional(),
});
export type RecordSummary = z.infer<typeof RecordSummary>;

/** One element of `record_window`: a full {@link RecordEntry} or a {@link RecordSummary}. */
export const WindowItem = z.union([RecordEntry, RecordSummary]);
export type WindowItem = z.infer<typeof WindowItem>;

/** What the caller allows one proposal call to use. Unknown keys are ignored. */
export const ProposeLimits = z.object({
  max_proposals: z.number().int().min(1).max(MAX_PROPOSALS).optional(),
  max_tokens: z.number().int().min(1).max(MAX_PROPOSE_TOKENS).optional(),
  timeout_ms: z.number().int().min(MIN_PROPOSE_TIMEOUT_MS).max(MAX_PROPOSE_TIMEOUT_MS).optional(),
});
export type ProposeLimits = z.infer<typeof ProposeLimits>;

/**
 * `POST /propose` body: the reference gateway request. `tx.agent_id` must be `agent_id`.
 * Unknown top-level keys are ignored, as the reference gateway ignores them.
 *
 * @example
 * ProposeRequest.parse({ agent_id, tx, record_window: [], limits: { max_proposals: 4 } });
 */
export const ProposeRequest = z
  .object({
    agent_id: AgentId,
    tx: Transaction,
    record_window: z.array(WindowItem).max(MAX_RECORD_WINDOW).default([]),
    limits: ProposeLimits.default({}),
  })
  .superRefine((body, ctx) => {
    if (body.tx.agent_id !== body.agent_id) {
      ctx.addIssue({ code: "custom", path: ["tx", "agent_id"], message: "must equal agent_id" });
    }
  });
export type ProposeRequest = z.infer<typeof ProposeRequest>;

/** How the proposals were produced: the model, the wall time, and provider details. */
export const ProposeTrace = z.strictObject({
  model: z.string(),
  latency_ms: z.number().int().nonnegative(),
  /** `provider`, `stop_reason`, `usage`, `attempts`; on failure `error: {code, message}`. */
  metadata: z.record(z.string(), z.json()),
});
export type ProposeTrace = z.infer<typeof ProposeTrace>;

/** `POST /propose` response (200, also when the model call failed). */
export const ProposeResponse = z.strictObject({
  proposals: z.array(Proposal),
  trace: ProposeTrace,
});
export type ProposeResponse = z.infer<typeof ProposeResponse>;
