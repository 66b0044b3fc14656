import { describe, expect, it } from "vitest";
import { textToBase64 } from "../core/base64.js";
import { canonicalJson } from "../core/canonical-json.js";
import type { RecordEntry, TxType } from "../core/record.js";
import { pendingApprovals } from "./pending-approvals.js";

const hex = (n: number) => n.toString(16).padStart(64, "0");

function entry(seq: number, tx_type: TxType, body: unknown): RecordEntry {
  return {
    seq,
    tx: {
      hash: hex(seq),
      agent_id: hex(0xa),
      ts_ms: seq,
      tx_type,
      payload: textToBase64(canonicalJson(body)),
    },
    kernel_version: 1,
    context_hash: hex(0),
    proposals: { proposals: [] },
    decision: { accepted_action_ids: [], rejected: [] },
    actions: [],
    effects: [],
    prev_hash: hex(0),
    hash: hex(0x100 + seq),
  };
}

const proposal = (id: string, decision: string) => ({
  tool_use_id: id,
  tool: "run_command",
  args: { command: id },
  decision,
  reason: "asks",
});

describe("pendingApprovals", () => {
  it("lists proposals waiting for a person until an approval or an execution answers them", () => {
    const turn = [
      entry(1, "tool_proposal", proposal("a", "pending_approval")),
      entry(2, "tool_proposal", proposal("b", "approved")),
      entry(3, "tool_proposal", proposal("c", "pending_approval")),
      entry(4, "tool_proposal", proposal("d", "pending_approval")),
      entry(5, "action_result", {
        kind: "approval",
        tool_use_id: "a",
        tool: "run_command",
        approved: true,
      }),
      entry(6, "tool_execution", {
        tool_use_id: "c",
        tool: "run_command",
        args: {},
        decision: "denied",
        is_error: true,
      }),
    ];
    expect(pendingApprovals(turn)).toEqual([
      { proposal: proposal("d", "pending_approval"), proposal_tx: hex(4) },
    ]);
    expect(pendingApprovals(turn.slice(0, 1)).map((p) => p.proposal.tool_use_id)).toEqual(["a"]);
  });
});
