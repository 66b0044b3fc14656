import { z } from "zod";
import { base64ToText } from "../core/base64.js";
import { FilesChangedWire, ToolResult } from "../protocol/sandbox.js";

/** What policy decided for a tool call (SPEC §3). */
export const ToolDecisionKind = z.enum(["approved", "denied", "pending_approval"]);

/**
 * A `tool_proposal` entry: the model's call and the policy decision, recorded before anything
 * is dispatched (the intent of SPEC invariant 6).
 */
export const ToolProposalRecord = z.object({
  tool_use_id: z.string(),
  tool: z.string(),
  args: z.unknown(),
  decision: ToolDecisionKind,
  reason: z.string().optional(),
});
export type ToolProposalRecord = z.infer<typeof ToolProposalRecord>;

/**
 * A `tool_execution` entry: the outcome, after the dispatch (or the refusal). `action_id` is
 * the idempotency key the dispatch carried (the proposal's transaction hash).
 */
export const ToolExecutionRecord = z.object({
  tool_use_id: z.string(),
  tool: z.string(),
  args: z.unknown(),
  decision: ToolDecisionKind,
  reason: z.string().optional(),
  action_id: z.string().optional(),
  result: ToolResult.optional(),
  is_error: z.boolean(),
  files_changed: FilesChangedWire.optional(),
});
export type ToolExecutionRecord = z.infer<typeof ToolExecutionRecord>;

/** An `action_result` entry answering a parked tool call: a person's approval or refusal. */
export const ApprovalRecord = z.object({
  kind: z.literal("approval"),
  tool_use_id: z.string(),
  tool: z.string(),
  approved: z.boolean(),
  /** `sub` of the token that answered. */
  approver: z.string().optional(),
});
export type ApprovalRecord = z.infer<typeof ApprovalRecord>;

/** Decodes a `tool_proposal` payload (base64 of its canonical JSON). */
export function decodeToolProposal(payload: string): ToolProposalRecord {
  return ToolProposalRecord.parse(JSON.parse(base64ToText(payload)));
}

/** Decodes a `tool_execution` payload. */
export function decodeToolExecution(payload: string): ToolExecutionRecord {
  return ToolExecutionRecord.parse(JSON.parse(base64ToText(payload)));
}

/** Decodes an `action_result` payload when it is an approval, else undefined. */
export function decodeApproval(payload: string): ApprovalRecord | undefined {
  try {
    const parsed = ApprovalRecord.safeParse(JSON.parse(base64ToText(payload)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The text the model sees for a tool result: the output, or `code: why` for a failure.
 * Pure, so a conversation rebuilt from the record repeats it exactly.
 *
 * @example
 * toolResultText({ tool: "run_command", ok: false, exit_code: 1, stdout: "", stderr: "boom",
 *   metadata: { error_code: "command_failed" } }); // "command_failed (exit 1): boom"
 */
export function toolResultText(result: ToolResult): string {
  if (result.ok) {
    return result.stderr === "" ? result.stdout : `${result.stdout}\n[stderr]\n${result.stderr}`;
  }
  const code =
    typeof result.metadata.error_code === "string" ? result.metadata.error_code : "error";
  const exit = result.exit_code === undefined ? "" : ` (exit ${result.exit_code})`;
  const output = result.stdout === "" ? "" : `\n[stdout]\n${result.stdout}`;
  return `${code}${exit}: ${result.stderr}${output}`;
}

/** The text the model sees for an execution entry. */
export function executionText(execution: ToolExecutionRecord): string {
  if (execution.result) return toolResultText(execution.result);
  return `error: ${execution.reason ?? "the tool call was not executed"}`;
}
