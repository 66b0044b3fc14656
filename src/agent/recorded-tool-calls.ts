import type { RecordEntry } from "../core/record.js";
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
 * The tool calls a turn's entries record, in the order they were proposed, each with the
 * answer (`action_result` approval) and the execution recorded for it since — matched by
 * `tool_use_id` to the latest proposal that has it. Pure: read from the entries alone.
 *
 * @example
 * recordedToolCalls(turnEntries).filter((c) => c.execution === undefined);
 */
export function recordedToolCalls(entries: readonly RecordEntry[]): RecordedToolCall[] {
  const calls: RecordedToolCall[] = [];
  const latest = (id: string) => calls.findLast((c) => c.proposal.tool_use_id === id);
  for (const { tx } of entries) {
    if (tx.tx_type === "tool_proposal") {
      calls.push({ proposal: decodeToolProposal(tx.payload), proposal_tx: tx.hash });
    } else if (tx.tx_type === "tool_execution") {
      const execution = decodeToolExecution(tx.payload);
      const call = latest(execution.tool_use_id);
      if (call) call.execution = execution;
    } else if (tx.tx_type === "action_result") {
      const approval = decodeApproval(tx.payload);
      const call = approval && latest(approval.tool_use_id);
      if (approval && call) call.approval = approval;
    }
  }
  return calls;
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
