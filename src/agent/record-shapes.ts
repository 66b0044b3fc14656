import { base64ToText } from "../core/base64.js";
import { AgentMessage } from "../protocol/agent-message.js";
import { SessionStartRecord } from "../session/session-record.js";
import { ReasoningRecord } from "./reasoning-record.js";
import { ApprovalRecord, ToolExecutionRecord, ToolProposalRecord } from "./tool-record.js";

/** What a payload the kernel records is, by the schema its readers decode it with. */
const RECORDED_SHAPES = [
  { name: "an approval", schema: ApprovalRecord },
  // An execution carries everything a proposal does, and `is_error`: tried first.
  { name: "a tool execution", schema: ToolExecutionRecord },
  { name: "a tool proposal", schema: ToolProposalRecord },
  { name: "a reasoning record", schema: ReasoningRecord },
  { name: "a session start", schema: SessionStartRecord },
  { name: "a message from another agent", schema: AgentMessage },
] as const;

/**
 * Discriminators the kernel's payloads are told apart by. A payload that carries one is
 * refused even when the rest of it does not match (yet): a later reader must never have to
 * guess whether a client wrote it.
 */
function reservedDiscriminator(value: Record<string, unknown>): string | undefined {
  const { kind, type } = value;
  if (kind === "approval") return "an approval";
  if (kind === "automaton_lifecycle" || type === "automaton_lifecycle") {
    return "an automaton lifecycle event";
  }
  // The automaton runtime's tick entries (`automaton_tick`, `automaton_tick_done`).
  if (typeof type === "string" && type.startsWith("automaton_")) return "an automaton event";
  // The terminal's `system` entries (`terminal_requested`, `terminal_opened`, …).
  if (typeof type === "string" && type.startsWith("terminal_")) return "a terminal event";
  if ((kind === "message" || kind === "task_result") && "from_agent_id" in value) {
    return "a message from another agent";
  }
  if ("tool_use_id" in value && "decision" in value) return "a tool call record";
  if ("request_digest" in value) return "a reasoning record";
  return undefined;
}

/**
 * What kernel-recorded payload a client's base64 `payload` would pass for, or `undefined`
 * when it looks like none. It decodes the payload as the record's readers do (UTF-8 text,
 * then JSON) and checks every shape they accept — approvals, tool proposals and executions,
 * reasoning, session starts, terminal and automaton lifecycle events, agent-to-agent
 * envelopes — plus the fields those shapes are told apart by. `POST /tx` refuses a match, so
 * a client can never submit what the record would take for the kernel's own entry.
 *
 * @example
 * kernelShapeOf(textToBase64('{"kind":"approval","tool_use_id":"t","tool":"x","approved":true}'));
 * // "an approval"
 * kernelShapeOf(textToBase64("hello")); // undefined
 */
export function kernelShapeOf(payload: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(base64ToText(payload));
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  for (const { name, schema } of RECORDED_SHAPES) {
    if (schema.safeParse(value).success) return name;
  }
  return reservedDiscriminator(value as Record<string, unknown>);
}
