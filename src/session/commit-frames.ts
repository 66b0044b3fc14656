import { decodeTerminalEvent, TERMINAL_TOOL } from "../agent/terminal-record.js";
import { decodeToolProposal } from "../agent/tool-record.js";
import type { RecordEntry } from "../core/record.js";
import type { ServerFrame } from "../protocol/stream.js";

/**
 * What live watchers are sent when entries commit: a `record {seq, tx_type, hash}` for each,
 * and an `approval_request` after a tool proposal, or a terminal's request, that waits for a
 * person. The turn's text,
 * thinking and tool events reach them live from the loop, so they are not repeated here.
 *
 * @example
 * hub.broadcast(commitFrames(committed));
 */
export function commitFrames(entries: readonly RecordEntry[]): ServerFrame[] {
  const frames: ServerFrame[] = [];
  for (const entry of entries) {
    frames.push({ type: "record", seq: entry.seq, tx_type: entry.tx.tx_type, hash: entry.hash });
    if (entry.tx.tx_type === "system") {
      const terminal = decodeTerminalEvent(entry.tx);
      if (terminal?.type !== "terminal_requested") continue;
      const { tool_use_id, reason } = terminal;
      frames.push({ type: "approval_request", tool_use_id, tool: TERMINAL_TOOL, args: {}, reason });
      continue;
    }
    if (entry.tx.tx_type !== "tool_proposal") continue;
    const proposal = decodeToolProposal(entry.tx.payload);
    if (proposal.decision !== "pending_approval") continue;
    frames.push({
      type: "approval_request",
      tool_use_id: proposal.tool_use_id,
      tool: proposal.tool,
      args: (proposal.args ?? {}) as Extract<ServerFrame, { type: "approval_request" }>["args"],
      reason: proposal.reason ?? "this call needs approval",
    });
  }
  return frames;
}
