import type { RecordEntry, Transaction } from "../core/record.js";
import {
  type ApprovalRecord,
  decodeApproval,
  decodeToolExecution,
  decodeToolProposal,
  type ToolExecutionRecord,
  type ToolProposalRecord,
} from "./tool-record.js";

/** A tool call of a turn as the record has it so far. */
export interface RecordedToolCall {
  proposal: ToolProposalRecord;
  /** Hash of the proposal's transaction: the dispatch's idempotency key. */
  proposal_tx: string;
  approval?: ApprovalRecord;
  execution?: ToolExecutionRecord;
}

/**
 * The approval an `action_result` transaction records, only when the agent's kernel recorded
 * it: an answer the approvals route or a `/stream` socket committed inside a turn, which
 * references the turn's inbound transaction and carries neither a submitter (`sub`) nor an
 * idempotency key. A client's `POST /tx` never gives a transaction a `reference_tx_hash`, so
 * an approval-shaped payload it slipped into the record is never taken for one.
 *
 * @example
 * recordedApproval(entry.tx)?.approved; // true, false, or undefined (not a recorded approval)
 */
export function recordedApproval(tx: Transaction): ApprovalRecord | undefined {
  if (tx.tx_type !== "action_result" || tx.reference_tx_hash === undefined) return undefined;
  if (tx.sub !== undefined || tx.idempotency_key !== undefined) return undefined;
  return decodeApproval(tx.payload);
}

/**
 * The tool calls a turn's entries record, in the order they were proposed, each with the
 * answer (`action_result` approval) and the execution recorded for it since — matched by
 * `tool_use_id` to the latest proposal that has it. An answer counts only when the kernel
 * recorded it in the proposal's own turn ({@link recordedApproval}, same
 * `reference_tx_hash`). Pure: read from the entries alone.
 *
 * @example
 * recordedToolCalls(turnEntries).filter((c) => c.execution === undefined);
 */
export function recordedToolCalls(entries: readonly RecordEntry[]): RecordedToolCall[] {
  const calls: Array<RecordedToolCall & { turn?: string }> = [];
  const latest = (id: string) => calls.findLast((c) => c.proposal.tool_use_id === id);
  for (const { tx } of entries) {
    if (tx.tx_type === "tool_proposal") {
      calls.push({
        proposal: decodeToolProposal(tx.payload),
        proposal_tx: tx.hash,
        ...(tx.reference_tx_hash === undefined ? {} : { turn: tx.reference_tx_hash }),
      });
    } else if (tx.tx_type === "tool_execution") {
      const execution = decodeToolExecution(tx.payload);
      const call = latest(execution.tool_use_id);
      if (call) call.execution = execution;
    } else if (tx.tx_type === "action_result") {
      const approval = recordedApproval(tx);
      const call = approval && latest(approval.tool_use_id);
      if (approval && call && call.turn === tx.reference_tx_hash) call.approval = approval;
    }
  }
  return calls.map(({ turn: _turn, ...call }) => call);
}

/** A tool call waiting for a person: its proposal, and the hash of the proposal's entry. */
export interface PendingApproval {
  proposal: ToolProposalRecord;
  proposal_tx: string;
}

/**
 * The tool calls an open turn waits on, in the order they were proposed: proposals recorded
 * as `pending_approval` that no approval and no execution answered since.
 *
 * @example
 * pendingApprovals(store.entriesFrom(meta.open_turn_seq)).map((p) => p.proposal.tool_use_id);
 */
export function pendingApprovals(turn: readonly RecordEntry[]): PendingApproval[] {
  return recordedToolCalls(turn)
    .filter((c) => c.proposal.decision === "pending_approval" && !c.approval && !c.execution)
    .map(({ proposal, proposal_tx }) => ({ proposal, proposal_tx }));
}
