import { describe, expect, it } from "vitest";
import { textToBase64 } from "../core/base64.js";
import { canonicalJson } from "../core/canonical-json.js";
import type { RecordEntry, TxType } from "../core/record.js";
import { fakeEntry, hexId } from "../core/record-fixture.js";
import { pendingApprovals } from "./recorded-tool-calls.js";

const hex = hexId;

function entry(seq: number, tx_type: TxType, body: unknown): RecordEntry {
  return fakeEntry(seq, tx_type, textToBase64(canonicalJson(body)), { txBase: 0 });
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
