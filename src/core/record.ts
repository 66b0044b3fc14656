import { z } from "zod";
import { STRICT_BASE64 } from "./base64.js";
import { AgentId, Hash, TxId } from "./ids.js";

/** Every transaction type the kernel knows. */
export const TX_TYPES = [
  "user_prompt",
  "agent_msg",
  "trigger",
  "action_result",
  "system",
  "session_start",
  "tool_proposal",
  "tool_execution",
  "process_complete",
  "reasoning",
] as const;
export const TxType = z.enum(TX_TYPES);
export type TxType = z.infer<typeof TxType>;

/** The transaction types a client may submit through `POST /tx`. */
export const CLIENT_TX_TYPES = [
  "user_prompt",
  "agent_msg",
  "trigger",
  "action_result",
  "system",
] as const;
export const ClientTxType = z.enum(CLIENT_TX_TYPES);
export type ClientTxType = z.infer<typeof ClientTxType>;

/**
 * True when an admitted transaction of this type starts an agent turn: a prompt, or a
 * message (from a client or another agent). The kernel's own `agent_msg` replies are never
 * admitted, so this holds of admitted entries only.
 *
 * @example
 * startsTurnType("user_prompt"); // true
 * startsTurnType("trigger"); // false
 */
export function startsTurnType(txType: string): boolean {
  return txType === "user_prompt" || txType === "agent_msg";
}

/** Standard base64 with padding. */
export const Base64 = z.string().regex(STRICT_BASE64, "must be standard base64");

/** A transaction: the input that advances an agent. `hash` is its id (`tx_id`). */
export const Transaction = z.strictObject({
  hash: TxId,
  agent_id: AgentId,
  ts_ms: z.number().int().nonnegative(),
  tx_type: TxType,
  payload: Base64,
  reference_tx_hash: TxId.optional(),
  idempotency_key: z.string().min(1).max(256).optional(),
  /**
   * The principal (`sub` of the JWT) that submitted a client transaction, set at admission;
   * absent on what the kernel generates and on records made before it was kept.
   */
  sub: z.string().min(1).max(256).optional(),
});
export type Transaction = z.infer<typeof Transaction>;

export const ActionKind = z.enum(["reason", "memorize", "decide", "delegate"]);
export type ActionKind = z.infer<typeof ActionKind>;

export const Proposal = z.strictObject({
  action_kind: ActionKind,
  payload: z.json(),
  rationale: z.string().optional(),
});
export type Proposal = z.infer<typeof Proposal>;

export const ProposalSet = z.strictObject({
  proposals: z.array(Proposal),
  trace: z.json().optional(),
});
export type ProposalSet = z.infer<typeof ProposalSet>;

export const Decision = z.strictObject({
  accepted_action_ids: z.array(z.string()),
  rejected: z.array(
    z.strictObject({ proposal_index: z.number().int().nonnegative(), reason: z.string() }),
  ),
});
export type Decision = z.infer<typeof Decision>;

export const Action = z.strictObject({
  action_id: z.string(),
  kind: ActionKind,
  payload: z.json(),
});
export type Action = z.infer<typeof Action>;

export const Effect = z.strictObject({
  action_id: z.string(),
  kind: ActionKind,
  status: z.enum(["committed", "pending", "failed"]),
  payload: z.json(),
});
export type Effect = z.infer<typeof Effect>;

/** One committed, hash-chained step of an agent's record. */
export const RecordEntry = z.strictObject({
  seq: z.number().int().positive(),
  tx: Transaction,
  kernel_version: z.number().int().positive(),
  context_hash: Hash,
  proposals: ProposalSet,
  decision: Decision,
  actions: z.array(Action),
  effects: z.array(Effect),
  prev_hash: Hash,
  hash: Hash,
});
export type RecordEntry = z.infer<typeof RecordEntry>;

/** A record entry before it is sealed with its own hash. */
export type UnsealedEntry = Omit<RecordEntry, "hash">;

/** Agent lifecycle status. */
export const AgentStatus = z.enum(["active", "paused", "dead"]);
export type AgentStatus = z.infer<typeof AgentStatus>;
