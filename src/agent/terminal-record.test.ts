import { describe, expect, it } from "vitest";
import { textToBase64 } from "../core/base64.js";
import { canonicalJson } from "../core/canonical-json.js";
import type { RecordEntry, Transaction } from "../core/record.js";
import { fakeEntry, hexId } from "../core/record-fixture.js";
import { decideToolCall, resolvePolicy } from "../kernel/policy.js";
import { admissionTxHash } from "../kernel/tx-hash.js";
import {
  decodeTerminalEvent,
  isTerminalTx,
  type TerminalEvent,
  terminalApprovalTransaction,
  terminalApprovedIn,
  terminalTransaction,
} from "./terminal-record.js";

const AGENT = "a".repeat(64);
const TERMINAL = "0123456789abcdef0123456789abcdef";
const OPENED: TerminalEvent = {
  type: "terminal_opened",
  terminal_id: TERMINAL,
  sub: "tess",
  permission: "always_allow",
};

/** The same payload as a client would submit it through `POST /tx` (an admitted transaction). */
function admitted(tx: Transaction): Transaction {
  const { hash: _hash, reference_tx_hash: _ref, ...rest } = tx;
  return { ...rest, hash: admissionTxHash({ ...rest, admission: 1 }) };
}

function entryOf(seq: number, tx: Transaction): RecordEntry {
  return { ...fakeEntry(seq, tx.tx_type, tx.payload), tx };
}

describe("terminal record", () => {
  it("decodes the event of a transaction the agent's object recorded", () => {
    const tx = terminalTransaction(AGENT, OPENED, 1_000);
    expect(tx).toMatchObject({ agent_id: AGENT, tx_type: "system", ts_ms: 1_000 });
    expect(isTerminalTx(tx)).toBe(true);
    expect(decodeTerminalEvent(tx)).toEqual(OPENED);
  });

  it("gives the same transaction for the same inputs and another for another time", () => {
    expect(terminalTransaction(AGENT, OPENED, 1_000)).toEqual(
      terminalTransaction(AGENT, OPENED, 1_000),
    );
    expect(terminalTransaction(AGENT, OPENED, 1_001).hash).not.toBe(
      terminalTransaction(AGENT, OPENED, 1_000).hash,
    );
  });

  it("ignores a look-alike payload a client submitted, and a payload that is not an event", () => {
    const forged = admitted(terminalTransaction(AGENT, OPENED, 1_000));
    expect(isTerminalTx(forged)).toBe(false);
    expect(decodeTerminalEvent(forged)).toBeUndefined();
    const other = terminalTransaction(AGENT, OPENED, 1_000);
    const notJson = { ...other, payload: textToBase64("not json") };
    expect(decodeTerminalEvent(notJson)).toBeUndefined();
  });

  it("remembers a recorded approval of the terminal, and nothing else, as approved", () => {
    const request = hexId(7);
    const approval = (approved: boolean, tool = "terminal") =>
      terminalApprovalTransaction(
        AGENT,
        { kind: "approval", tool_use_id: `terminal_${TERMINAL}`, tool, approved, approver: "ann" },
        request,
        2_000,
      );
    expect(approval(true).reference_tx_hash).toBe(request);
    expect(terminalApprovedIn([entryOf(1, approval(true))])).toBe(true);
    expect(terminalApprovedIn([entryOf(1, approval(false))])).toBe(false);
    expect(terminalApprovedIn([entryOf(1, approval(true, "run_command"))])).toBe(false);
    expect(terminalApprovedIn([entryOf(1, admitted(approval(true)))])).toBe(false);
    const turnApproval = fakeEntry(
      1,
      "action_result",
      textToBase64(
        canonicalJson({ kind: "approval", tool_use_id: "x", tool: "terminal", approved: true }),
      ),
    );
    expect(terminalApprovedIn([turnApproval])).toBe(false);
  });

  it("is a tool of both profiles: allowed under dev, asked once per session under strict", () => {
    expect(decideToolCall(resolvePolicy("dev", "dev"), "terminal", false).decision).toBe(
      "approved",
    );
    const strict = resolvePolicy(undefined, "strict");
    expect(decideToolCall(strict, "terminal", false)).toEqual({
      decision: "pending_approval",
      reason: "terminal needs approval once per session",
    });
    expect(decideToolCall(strict, "terminal", true).decision).toBe("approved");
  });
});
