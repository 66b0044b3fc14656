import { z } from "zod";
import { base64ToText, textToBase64 } from "../core/base64.js";
import { canonicalJson } from "../core/canonical-json.js";
import { hashCanonical } from "../core/hash.js";
import type { RecordEntry, Transaction, TxType } from "../core/record.js";
import { type ApprovalRecord, decodeApproval } from "./tool-record.js";

/** The name the terminal has in the tool policy (`GET /ws/terminal` is this tool). */
export const TERMINAL_TOOL = "terminal";

/** A terminal's id: 32 lowercase hex characters, drawn by the shell when it is asked for. */
export const TerminalId = z.string().regex(/^[0-9a-f]{32}$/, "must be 32 lowercase hex characters");

/** The `tool_use_id` a terminal's approval request and its answer carry. */
export function terminalToolUseId(terminalId: string): string {
  return `terminal_${terminalId}`;
}

/**
 * A terminal waits for a person: recorded before watchers get its `approval_request`, so
 * the answer (an `action_result` approval referencing this entry) always follows it.
 */
export const TerminalRequested = z.object({
  type: z.literal("terminal_requested"),
  terminal_id: TerminalId,
  tool_use_id: z.string(),
  /** `sub` of the token that asked for the terminal. */
  sub: z.string(),
  reason: z.string(),
});

/** A terminal was opened for `sub`, under `permission` (the policy level of `terminal`). */
export const TerminalOpened = z.object({
  type: z.literal("terminal_opened"),
  terminal_id: TerminalId,
  sub: z.string(),
  permission: z.string(),
  reason: z.string().optional(),
});

/** A terminal was refused: the policy denies it, a person said no, or nobody answered. */
export const TerminalDenied = z.object({
  type: z.literal("terminal_denied"),
  terminal_id: TerminalId,
  sub: z.string(),
  permission: z.string(),
  reason: z.string(),
});

/** An open terminal ended: who closed it first, with which close code, after how long. */
export const TerminalClosed = z.object({
  type: z.literal("terminal_closed"),
  terminal_id: TerminalId,
  sub: z.string(),
  duration_ms: z.number().int().nonnegative(),
  closed_by: z.enum(["client", "sandbox"]),
  code: z.number().int(),
});

/** The `system` entries a terminal leaves in its agent's record. */
export const TerminalEvent = z.discriminatedUnion("type", [
  TerminalRequested,
  TerminalOpened,
  TerminalDenied,
  TerminalClosed,
]);
export type TerminalEvent = z.infer<typeof TerminalEvent>;
export type TerminalRequested = z.infer<typeof TerminalRequested>;

/**
 * The id of a transaction the agent's object records for a terminal. Its hashed fields
 * (`origin` included, `admission` absent) differ from every admitted transaction's, so a
 * client that submits a look-alike payload through `POST /tx` never produces an entry that
 * {@link isTerminalTx} accepts.
 */
function terminalTxHash(fields: {
  agent_id: string;
  tx_type: TxType;
  payload: string;
  ts_ms: number;
  reference_tx_hash?: string;
}): string {
  return hashCanonical({ origin: "terminal", ...fields });
}

function terminalTx(
  agentId: string,
  txType: TxType,
  payload: string,
  tsMs: number,
  referenceTxHash?: string,
): Transaction {
  const fields = {
    agent_id: agentId,
    tx_type: txType,
    payload,
    ts_ms: tsMs,
    ...(referenceTxHash === undefined ? {} : { reference_tx_hash: referenceTxHash }),
  };
  return { hash: terminalTxHash(fields), ...fields };
}

/**
 * The `system` transaction recording a terminal event.
 *
 * @example
 * terminalTransaction(agentId, { type: "terminal_opened", terminal_id, sub, permission: "always_allow" }, now);
 */
export function terminalTransaction(
  agentId: string,
  event: TerminalEvent,
  tsMs: number,
): Transaction {
  return terminalTx(agentId, "system", textToBase64(canonicalJson(event)), tsMs);
}

/**
 * The `action_result` transaction recording a person's answer to a terminal's request: an
 * approval of the `terminal` tool, referencing the request's entry.
 */
export function terminalApprovalTransaction(
  agentId: string,
  approval: ApprovalRecord,
  requestTxHash: string,
  tsMs: number,
): Transaction {
  return terminalTx(
    agentId,
    "action_result",
    textToBase64(canonicalJson(approval)),
    tsMs,
    requestTxHash,
  );
}

/** True when the agent's object recorded this transaction for a terminal. */
export function isTerminalTx(tx: Transaction): boolean {
  const fields = {
    agent_id: tx.agent_id,
    tx_type: tx.tx_type,
    payload: tx.payload,
    ts_ms: tx.ts_ms,
    ...(tx.reference_tx_hash === undefined ? {} : { reference_tx_hash: tx.reference_tx_hash }),
  };
  return tx.idempotency_key === undefined && terminalTxHash(fields) === tx.hash;
}

/** The terminal event an entry records, or undefined when it records none. */
export function decodeTerminalEvent(tx: Transaction): TerminalEvent | undefined {
  if (tx.tx_type !== "system" || !isTerminalTx(tx)) return undefined;
  try {
    const parsed = TerminalEvent.safeParse(JSON.parse(base64ToText(tx.payload)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether one of these entries records a person approving the terminal (what `ask_once`
 * remembers for the session). Only answers the agent's object recorded count.
 *
 * @example
 * terminalApprovedIn(store.entriesOfTypes(["action_result"], sessionSeq, head + 1));
 */
export function terminalApprovedIn(entries: readonly RecordEntry[]): boolean {
  return entries.some(({ tx }) => {
    if (tx.tx_type !== "action_result" || !isTerminalTx(tx)) return false;
    const approval = decodeApproval(tx.payload);
    return approval?.tool === TERMINAL_TOOL && approval.approved;
  });
}
