import { pendingApprovals } from "../../src/agent/recorded-tool-calls.js";
import type { ApprovalRecord } from "../../src/agent/tool-record.js";
import { textToBase64 } from "../../src/core/base64.js";
import { canonicalJson } from "../../src/core/canonical-json.js";
import { fail, type Result } from "../../src/core/errors.js";
import { EMPTY_OUTCOME } from "../../src/kernel/step.js";
import { derivedTransaction } from "../../src/kernel/tx-hash.js";
import type { AgentAddress } from "./admission.js";
import type { AgentStore } from "./agent-store.js";

/** One tool call waiting for approval, as `GET /agents/:id/approvals` lists it. */
export interface PendingApprovalView {
  tool_use_id: string;
  tool: string;
  args: unknown;
  reason: string;
}

/** The tool calls the agent's open turn waits on, oldest first (none when no turn is open). */
export function waitingApprovals(store: AgentStore): PendingApprovalView[] {
  const open = store.meta()?.open_turn_seq ?? null;
  if (open === null) return [];
  return pendingApprovals(store.entriesFrom(open)).map(({ proposal }) => ({
    tool_use_id: proposal.tool_use_id,
    tool: proposal.tool,
    args: proposal.args,
    reason: proposal.reason ?? "",
  }));
}

/** `approve`: a person's answer to a parked tool call. */
export interface ApproveInput extends AgentAddress {
  tool_use_id: string;
  approved: boolean;
  /** `sub` of the token that answered. */
  approver?: string;
}

/**
 * Records the answer to the tool call the agent's open turn is parked on, as an
 * `action_result` entry of that turn (the parked state and its answer both live in the record,
 * so they survive eviction). Refuses when no turn waits on that call.
 */
export function recordApproval(
  store: AgentStore,
  input: ApproveInput,
  now: number,
): Result<{ seq: number }> {
  const meta = store.requireMeta();
  const notWaiting = fail("not_found", `no tool call ${input.tool_use_id} is waiting for approval`);
  if (meta.open_turn_seq === null) return notWaiting;
  const [inbound, ...rest] = store.entriesFrom(meta.open_turn_seq);
  if (!inbound) return notWaiting;
  const pending = pendingApprovals(rest).find((p) => p.proposal.tool_use_id === input.tool_use_id);
  if (!pending) return notWaiting;
  const decoded = pending.proposal;
  const approval: ApprovalRecord = {
    kind: "approval",
    tool_use_id: input.tool_use_id,
    tool: decoded.tool,
    approved: input.approved,
  };
  if (input.approver !== undefined) approval.approver = input.approver;
  const payload = textToBase64(canonicalJson(approval));
  const tx = derivedTransaction(inbound.tx, rest.length + 1, "action_result", payload, now);
  const [entry] = store.commit([
    { tx, outcome: EMPTY_OUTCOME, options: { dequeue: false, turn: "keep" } },
  ]);
  return { ok: true, seq: entry?.seq ?? meta.head_seq };
}
