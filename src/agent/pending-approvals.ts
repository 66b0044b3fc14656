import type { RecordEntry } from "../core/record.js";
import {
  decodeApproval,
  decodeToolExecution,
  decodeToolProposal,
  type ToolProposalRecord,
} from "./tool-record.js";

/** A tool call waiting for a person: its proposal, and the hash of the proposal's entry. */
export interface PendingApproval {
  proposal: ToolProposalRecord;
  proposal_tx: string;
}

/**
 * The tool calls an open turn waits on, in the order they were proposed: proposals recorded
 * as `pending_approval` that no approval (`action_result`) and no execution answered since.
 * Pure: read from the turn's entries alone.
 *
 * @example
 * pendingApprovals(store.entriesFrom(meta.open_turn_seq)).map((p) => p.proposal.tool_use_id);
 */
export function pendingApprovals(turn: readonly RecordEntry[]): PendingApproval[] {
  const waiting = new Map<string, PendingApproval>();
  for (const { tx } of turn) {
    if (tx.tx_type === "tool_proposal") {
      const proposal = decodeToolProposal(tx.payload);
      if (proposal.decision === "pending_approval") {
        waiting.set(proposal.tool_use_id, { proposal, proposal_tx: tx.hash });
      }
    } else if (tx.tx_type === "action_result") {
      const approval = decodeApproval(tx.payload);
      if (approval) waiting.delete(approval.tool_use_id);
    } else if (tx.tx_type === "tool_execution") {
      waiting.delete(decodeToolExecution(tx.payload).tool_use_id);
    }
  }
  return [...waiting.values()];
}
